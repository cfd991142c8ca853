import { test, expect } from "@playwright/test";
import { gotoHydrated, signUp, watchConsole } from "./helpers";

test("an admin edits the network rules and is warned before blocking their own address", async ({
  page,
}) => {
  // Refused entries answer 422 on purpose.
  const console = watchConsole(page, [422]);
  await signUp(page, `network+${Date.now()}@example.com`, "Radia Perlman", "Spanning Trees");
  await gotoHydrated(page, "/settings");
  const card = page.locator("#network");
  await expect(card).toContainText("No entries: every address may sign in.");
  const mine = (await card.getByTestId("your-address").textContent())!;
  expect(mine).toBe("127.0.0.1");

  // A malformed range is refused with a message; the list stays empty.
  await card.getByLabel("Rule").selectOption("deny");
  await card.getByLabel("Address or range").fill("198.51.100.0/33");
  await card.getByRole("button", { name: "Add entry" }).click();
  await expect(card.locator("#field-cidr-error")).toContainText("Enter an address or a range");
  await expect(card.locator("table")).toHaveCount(0);

  // Denying one's own address asks first; unticked, nothing changes.
  await card.getByLabel("Address or range").fill(`${mine}/32`);
  await card.getByRole("button", { name: "Add entry" }).click();
  await expect(card.getByRole("alert")).toContainText(
    `This entry would block your own address (${mine})`,
  );
  await expect(card.getByLabel("Yes, block my own address too")).not.toBeChecked();
  await expect(card.locator("table")).toHaveCount(0);

  // Someone else's range, IPv4 and IPv6, with a note.
  await card.getByLabel("Address or range").fill("198.51.100.7/24");
  await card.getByLabel("Note").fill("Guest Wi-Fi");
  await card.getByRole("button", { name: "Add entry" }).click();
  await expect(card.getByText("Entry added.")).toBeVisible();
  await card.getByLabel("Address or range").fill("2001:db8::/32");
  await card.getByLabel("Note").fill("");
  await card.getByRole("button", { name: "Add entry" }).click();
  const rows = card.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("198.51.100.0/24");
  await expect(rows.first()).toContainText("Everyone");
  await expect(rows.first()).toContainText("Guest Wi-Fi");

  await card.getByRole("button", { name: "Remove 2001:db8::/32" }).click();
  await expect(rows).toHaveCount(1);
  // Still signed in, still in.
  await gotoHydrated(page, "/");
  await expect(page.locator(".topbar")).toContainText("Radia Perlman");
  console.assertClean();
});
