import { test, expect, type Page } from "@playwright/test";
import { PASSWORD, gotoHydrated, linkMailedTo, signInAsDemo, signUp, watchConsole } from "./helpers";

/** As the demo Owner (in Northwind Traders), invites `email` with `role` from the team page. */
async function invite(page: Page, email: string, role: string) {
  await gotoHydrated(page, "/team");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role").selectOption({ label: role });
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Invitation sent.")).toBeVisible();
  await expect(page.locator("#invitations-heading + * table")).toContainText(email);
}

test("an invitee without an account joins from the mailed link in their own browser", async ({
  page,
  browser,
}) => {
  const console = watchConsole(page);
  const email = `invitee+${Date.now()}@example.com`;
  await signInAsDemo(page);
  await invite(page, email, "Staff");
  const link = await linkMailedTo(email, "/invitation");

  // The invitee, in a browser of their own.
  const theirs = await browser.newContext();
  const invitee = await theirs.newPage();
  // Signing in while deactivated is refused with 422, on purpose.
  const inviteeConsole = watchConsole(invitee, [422]);
  await gotoHydrated(invitee, link);
  await expect(invitee.locator(".lead")).toHaveText(
    "Demo Owner invited you to Northwind Traders as Staff.",
  );
  await invitee.getByLabel("Your name").fill("Grace Hopper");
  await invitee.getByLabel("Choose a password").fill(PASSWORD);
  await invitee.getByRole("button", { name: "Join Northwind Traders" }).click();
  await expect(invitee).toHaveURL(/\/$/);
  await expect(invitee.locator(".topbar .workspace-switcher summary")).toHaveText(
    "Northwind Traders",
  );
  // Following the link confirmed the address: no banner.
  await expect(invitee.locator(".banner")).toHaveCount(0);

  // Signed out and in again with the new password.
  // Before hydration the button posts natively and lands elsewhere.
  await expect(invitee.locator("html[data-hydrated=true]")).toHaveCount(1);
  await invitee.getByRole("button", { name: "Sign out" }).click();
  await expect(invitee).toHaveURL(/\/signin$/);
  await gotoHydrated(invitee, "/signin");
  await invitee.getByLabel("Email").fill(email);
  await invitee.getByLabel("Password").fill(PASSWORD);
  await invitee.getByRole("button", { name: "Sign in" }).click();
  await expect(invitee.locator(".topbar")).toContainText("Grace Hopper");

  // The link worked once.
  await gotoHydrated(invitee, link);
  await expect(invitee.getByRole("alert")).toContainText("expired, was revoked or was already used");

  // The Owner sees the new member; the invitation is no longer pending.
  await gotoHydrated(page, "/team");
  const row = page.locator("#members-heading ~ * tr", { hasText: email });
  await expect(row).toContainText("Staff");
  await expect(row).toContainText("Active");
  await expect(page.locator("#invitations-heading + *")).not.toContainText(email);

  // Deactivating them ends their session at once.
  await row.getByRole("button", { name: "Deactivate" }).click();
  await expect(row).toContainText("Deactivated");
  await invitee.reload();
  await expect(invitee.getByRole("link", { name: "Sign in" }).first()).toBeVisible();
  await gotoHydrated(invitee, "/signin");
  await invitee.getByLabel("Email").fill(email);
  await invitee.getByLabel("Password").fill(PASSWORD);
  await invitee.getByRole("button", { name: "Sign in" }).click();
  await expect(invitee.getByText("This account has no active workspace.")).toBeVisible();

  console.assertClean();
  inviteeConsole.assertClean();
  await theirs.close();
});

test("someone with an account accepts with their password, then switches between workspaces", async ({
  page,
  browser,
}) => {
  const email = `existing+${Date.now()}@example.com`;
  const theirs = await browser.newContext();
  const invitee = await theirs.newPage();
  await signUp(invitee, email, "Katherine Johnson", "Orbital Mechanics");

  await signInAsDemo(page);
  await invite(page, email, "Manager");
  const link = await linkMailedTo(email, "/invitation");

  await gotoHydrated(invitee, link);
  await expect(invitee.getByText("You already have a Gatehouse account")).toBeVisible();
  await invitee.getByLabel("Password").fill("not my password at all");
  await invitee.getByRole("button", { name: "Join Northwind Traders" }).click();
  await expect(invitee.getByText(`That is not the password of ${email}.`)).toBeVisible();
  await invitee.getByLabel("Password").fill(PASSWORD);
  await invitee.getByRole("button", { name: "Join Northwind Traders" }).click();
  await expect(invitee).toHaveURL(/\/$/);

  const switcher = invitee.locator(".topbar .workspace-switcher");
  await expect(switcher.locator("summary")).toHaveText("Northwind Traders");
  // As a Manager here they may manage the team.
  await expect(invitee.locator(".sidenav").getByRole("link", { name: "Team" })).toBeVisible();
  await switcher.locator("summary").click();
  await switcher.getByRole("button", { name: "Orbital Mechanics" }).click();
  await expect(switcher.locator("summary")).toHaveText("Orbital Mechanics");
  await theirs.close();
});

test("a revoked invitation's link stops working", async ({ page, browser }) => {
  const email = `revoked+${Date.now()}@example.com`;
  await signInAsDemo(page);
  await invite(page, email, "Guest");
  const link = await linkMailedTo(email, "/invitation");
  const row = page.locator("#invitations-heading + * tr", { hasText: email });
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(page.locator("#invitations-heading + *")).not.toContainText(email);

  const theirs = await browser.newContext();
  const invitee = await theirs.newPage();
  await gotoHydrated(invitee, link);
  await expect(invitee.getByRole("alert")).toContainText("expired, was revoked or was already used");
  await theirs.close();
});

test("the team page shows when each member last signed in, and the inactive members' report narrows the list", async ({ page }) => {
  // The report with a bad number of days answers 422, on purpose.
  const console = watchConsole(page, [422]);
  await signUp(page, `inactive+${Date.now()}@example.com`, "Ada Lovelace", "Inactive Check");
  await gotoHydrated(page, "/team");
  const today = new Date().toISOString().slice(0, 10);
  const ada = page.locator("tbody tr", { hasText: "Ada Lovelace" });
  await expect(ada.locator("[data-last-sign-in]")).toHaveText(today);

  const days = page.getByLabel("Not signed in for (days)");
  await days.fill("0");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/\/team\?inactive=0$/);
  const members = page.locator("section", { has: page.locator("#members-heading") });
  await expect(members.getByRole("alert")).toContainText("Enter a number of days from 1 to 3650.");

  await days.fill("1");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/\/team\?inactive=1$/);
  await expect(members).toContainText("No members.");
  await expect(ada).toHaveCount(0);
  await page.screenshot({ path: "test-results/inactive-report.png", fullPage: true });
  await page.getByRole("link", { name: "Everyone" }).click();
  await expect(ada).toBeVisible();
  console.assertClean();
});
