import { test, expect } from "@playwright/test";
import { PASSWORD, gotoHydrated, linkMailedTo, signUp, watchConsole } from "./helpers";

const NEW_PASSWORD = "copper meadow violin tundra";

test("a forgotten password is reset from the mailed link, once", async ({ page, browser }) => {
  // The weak password and the second use of the link are refused with 422, on purpose.
  const console = watchConsole(page, [422]);
  const email = `reset+${Date.now()}@example.com`;
  // The account exists and is signed in somewhere else.
  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await signUp(other, email, "Ada Lovelace", "Analytical Engines");

  // Unknown and known addresses get the same answer.
  for (const address of [`nobody+${Date.now()}@example.com`, email]) {
    await gotoHydrated(page, "/signin");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await page.getByLabel("Email").fill(address);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByRole("status")).toHaveText(
      "If that address has a Gatehouse account, a reset link is on its way. It works once, for 45 minutes.",
    );
  }

  const link = await linkMailedTo(email, "/reset-password");
  await gotoHydrated(page, link);
  await page.getByLabel("New password").fill("analytical");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("status")).toContainText("every session of your account has ended");

  // The other browser was signed out by the reset.
  await other.reload();
  await expect(other.getByRole("link", { name: "Sign in" }).first()).toBeVisible();

  await page.getByRole("link", { name: "Sign in with your new password" }).click();
  await gotoHydrated(page, "/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("The email address or password is incorrect.")).toBeVisible();
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".topbar")).toContainText("Ada Lovelace");

  // The link worked once.
  await gotoHydrated(page, link);
  await page.getByLabel("New password").fill("a third strong passphrase here");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("alert")).toContainText("expired or was already used");
  console.assertClean();
  await elsewhere.close();
});
