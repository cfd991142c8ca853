import { test, expect } from "@playwright/test";
import { gotoHydrated, signUp, watchConsole } from "./helpers";

test("an owner creates, finds, edits and deletes a customer", async ({ page }) => {
  // The refused phone number answers 422 on purpose.
  const console = watchConsole(page, [422]);
  await signUp(page, `customers+${Date.now()}@example.com`, "Grace Hopper", "Cobol Works");
  await page.locator(".sidenav").getByRole("link", { name: "Customers" }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await expect(page.getByText("No customers yet.")).toBeVisible();

  await page.getByRole("link", { name: "New customer" }).click();
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Name").fill("Univac Ltd");
  await page.getByLabel("Company").fill("Remington Rand");
  await page.getByLabel("Email").fill("orders@univac.example");
  await page.getByLabel("Tax id").fill("US 12-3456789");
  await page.getByRole("button", { name: "Create customer" }).click();
  await expect(page).toHaveURL(/\/customers\/[0-9a-f-]{36}$/);
  await expect(page.locator("h1")).toHaveText("Univac Ltd");
  const details = page.locator(".details");
  await expect(details).toContainText("US 12-3456789");
  await expect(details).toContainText("Grace Hopper");

  // A bad phone number is refused by name; a good one saves.
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  const edit = page.locator("section", { has: page.locator("#edit-heading") });
  await edit.getByLabel("Phone").fill("call me maybe");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit.locator("#field-phone-error")).toContainText("Use digits");
  await edit.getByLabel("Phone").fill("+1 (215) 555-0100");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(details).toContainText("+1 (215) 555-0100");

  // Found by search, not by a search that misses.
  await gotoHydrated(page, "/customers?q=remington");
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody")).toContainText("Univac Ltd");
  await gotoHydrated(page, "/customers?q=eniac");
  await expect(page.getByText("No customers match your search.")).toBeVisible();

  // Deleted, it is gone.
  await gotoHydrated(page, "/customers");
  await page.getByRole("link", { name: "Univac Ltd" }).click();
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByRole("button", { name: "Delete this customer" }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await expect(page.getByText("No customers yet.")).toBeVisible();
  console.assertClean();
});
