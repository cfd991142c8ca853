import { test, expect, type Page } from "@playwright/test";
import { PASSWORD, gotoHydrated, ownerWithMember, watchConsole } from "./helpers";

async function signIn(page: Page, email: string) {
  await gotoHydrated(page, "/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("login hours close a role out, end its running sessions and say when access opens", async ({
  page,
  browser,
}) => {
  const console = watchConsole(page, [422]);
  const stamp = Date.now();
  const owner = `hours-owner+${stamp}@example.com`;
  const member = `hours-member+${stamp}@example.com`;
  const { context: theirs, member: them } = await ownerWithMember(page, browser, {
    owner,
    ownerName: "Annie Easley",
    member,
    memberName: "Melba Roy",
    workspace: `Rocket Fuel ${stamp}`,
  });
  const theirConsole = watchConsole(them, [422]);

  // Staff may work every day but today (the workspace's zone is UTC until set).
  await gotoHydrated(page, "/settings");
  const card = page.locator("#login-hours");
  await expect(card.locator("#field-time_zone")).toHaveValue("UTC");
  const staff = card.locator("fieldset", { hasText: "Staff" }).first();
  await expect(staff.locator(".role-hours-now")).toHaveText("Any time");
  const today = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][new Date().getUTCDay()];
  for (const day of ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]) {
    const box = staff.locator(`input[name=${day}]`);
    if (day === today) await box.uncheck();
    else await box.check();
  }
  await staff.locator("input[name=start]").fill("00:00");
  await staff.locator("input[name=end]").fill("24:00");
  await staff.getByRole("button", { name: "Save hours for Staff" }).click();
  await expect(staff.locator(".role-hours-now")).toContainText("00:00–24:00");
  await expect(staff.locator(".role-hours-now")).not.toContainText(
    today[0].toUpperCase() + today.slice(1),
  );
  await expect(card.locator("fieldset", { hasText: "Owner" })).toContainText("Owners can always sign in.");

  // The member's running session ends; signing in again says when access opens.
  await them.reload();
  await expect(them.getByRole("link", { name: "Sign in" }).first()).toBeVisible();
  await signIn(them, member);
  await expect(them.locator("#field-email-error")).toContainText(
    "Your access to this workspace opens at",
  );
  await expect(them.locator("#field-email-error")).toContainText("00:00 (UTC).");

  // Any time again: the member gets in.
  await staff.getByRole("button", { name: "Any time" }).click();
  await expect(staff.locator(".role-hours-now")).toHaveText("Any time");
  await signIn(them, member);
  await expect(them.locator(".topbar")).toContainText("Melba Roy");

  console.assertClean();
  theirConsole.assertClean();
  await theirs.close();
});
