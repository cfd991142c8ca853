import { test, expect, type Page } from "@playwright/test";
import { PASSWORD, gotoHydrated, linkMailedTo, signInAsDemo, signUp } from "./helpers";

async function signIn(page: Page, email: string, password: string) {
  await gotoHydrated(page, "/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("five wrong passwords lock an account, the right one is then refused alike, an admin unlocks it", async ({
  page,
  browser,
}) => {
  const email = `locked+${Date.now()}@example.com`;
  const theirs = await browser.newContext();
  const member = await theirs.newPage();
  // The member has an account and joins the demo's workspace.
  await signUp(member, email, "Grace Hopper", "Compilers Ltd");
  await signInAsDemo(page);
  await gotoHydrated(page, "/team");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Invitation sent.")).toBeVisible();
  await gotoHydrated(member, await linkMailedTo(email, "/invitation"));
  await member.getByLabel("Password").fill(PASSWORD);
  await member.getByRole("button", { name: "Join Northwind Traders" }).click();
  await expect(member).toHaveURL(/\/$/);
  // Before hydration the button posts natively and lands elsewhere.
  await expect(member.locator("html[data-hydrated=true]")).toHaveCount(1);
  await member.getByRole("button", { name: "Sign out" }).click();
  await expect(member).toHaveURL(/\/signin$/);

  const refusal = member.getByText("The email address or password is incorrect.");
  for (let i = 0; i < 5; i++) {
    await signIn(member, email, `wrong guess number ${i}`);
    await expect(refusal).toBeVisible();
  }
  // Locked: the right password gets the very same answer.
  await signIn(member, email, PASSWORD);
  await expect(refusal).toBeVisible();
  await expect(member).toHaveURL(/\/signin$/);

  // The admin sees the lock and lifts it.
  await gotoHydrated(page, "/team");
  const row = page.locator("#members-heading ~ * tr", { hasText: email });
  await expect(row).toContainText("Locked until");
  await row.getByRole("button", { name: "Unlock" }).click();
  await expect(row).not.toContainText("Locked until");

  await signIn(member, email, PASSWORD);
  await expect(member).toHaveURL(/\/$/);
  await expect(member.locator(".topbar")).toContainText("Grace Hopper");
  await theirs.close();
});
