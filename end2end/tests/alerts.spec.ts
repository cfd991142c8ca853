import { test, expect, type Page } from "@playwright/test";
import { gotoHydrated, ownerWithMember } from "./helpers";

async function wrongPassword(page: Page, email: string, guess: string) {
  await gotoHydrated(page, "/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(guess);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("The email address or password is incorrect.")).toBeVisible();
}

test("a burst of failed sign-ins alerts the owner: counted in the navigation, listed, cleared when seen", async ({
  page,
  browser,
}) => {
  const stamp = Date.now();
  const member = `alerts-member+${stamp}@example.com`;
  const { context, member: theirs } = await ownerWithMember(page, browser, {
    owner: `alerts-owner+${stamp}@example.com`,
    ownerName: "Olive Owner",
    member,
    memberName: "Sam Staff",
    workspace: `Alerted ${stamp}`,
  });

  // The owner lowers the account threshold to three (and raises the address one: every journey
  // signs in from 127.0.0.1); a bad value is named and saves nothing.
  await gotoHydrated(page, "/audit/alerts");
  await expect(page.locator("h1")).toHaveText("Alerts");
  const nav = page.locator("nav").getByRole("link", { name: /^Alerts/ });
  await expect(nav).toBeVisible();
  await expect(nav.locator(".nav-count")).toHaveCount(0);
  const thresholds = page.locator("section", { has: page.locator("#thresholds-heading") });
  const onAccount = thresholds.getByLabel("Failed steps on one account");
  await expect(onAccount).toHaveValue("5");
  await onAccount.fill("1");
  await thresholds.getByRole("button", { name: "Save thresholds" }).click();
  await expect(thresholds.locator(".field-error")).toContainText("from 2 to 1000");
  await onAccount.fill("3");
  await thresholds.getByLabel("Failed steps from one address").fill("1000");
  await thresholds.getByRole("button", { name: "Save thresholds" }).click();
  await expect(page.getByText("Thresholds saved.")).toBeVisible();
  await expect(page.locator("section", { has: page.locator("#thresholds-heading") }).getByLabel("Failed steps on one account")).toHaveValue("3");

  // Someone guesses the member's password three times.
  await theirs.getByRole("button", { name: "Sign out" }).click();
  await expect(theirs).toHaveURL(/\/signin$/);
  for (let i = 0; i < 3; i++) {
    await wrongPassword(theirs, member, `a wrong guess ${i}`);
  }

  // The owner's navigation counts it; the page lists it; seeing it clears the count.
  await gotoHydrated(page, "/");
  await expect(nav.locator(".nav-count")).toHaveText("1");
  await nav.click();
  await expect(page.locator("h1")).toHaveText("Alerts");
  const burst = page.locator("tr[data-alert='sign_in.burst_account']");
  await expect(burst).toContainText("Failed sign-ins on one account");
  await expect(burst).toContainText(`3 failed sign-in steps on ${member} in 15 minutes`);
  await page.screenshot({ path: "test-results/alerts-burst.png", fullPage: true });
  await gotoHydrated(page, "/");
  await expect(nav).toBeVisible();
  await expect(nav.locator(".nav-count")).toHaveCount(0);

  await context.close();
});
