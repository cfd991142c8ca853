import { test, expect } from "@playwright/test";
import { decodeQuotedPrintable, gotoHydrated, mailTo, signUp, watchConsole } from "./helpers";

test("sign-up mails a link; following it confirms the address and the banner goes", async ({ page }) => {
  // The second use of the link is refused with 422, on purpose.
  const console = watchConsole(page, [422]);
  const email = `verify+${Date.now()}@example.com`;
  await signUp(page, email, "Ada Lovelace", "Analytical Engines");
  await expect(page.locator(".banner")).toContainText(`we sent a link to ${email}`);

  let raw: string | undefined;
  await expect.poll(() => (raw = mailTo(email)), { timeout: 10_000 }).toBeTruthy();
  const link = decodeQuotedPrintable(raw!).match(/https?:\/\/\S+\/verify-email\?token=[\w-]+/)?.[0];
  expect(link, "a verification link in the mail").toBeTruthy();

  await gotoHydrated(page, link!);
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(page.locator(".alert-success")).toContainText("Your email address is confirmed.");
  await page.goto("/");
  await expect(page.locator(".topbar .user-name")).toHaveText("Ada Lovelace");
  await expect(page.locator(".banner")).toHaveCount(0);

  // The link works once.
  await gotoHydrated(page, link!);
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(page.getByRole("alert")).toHaveText("This link has expired or was already used.");
  console.assertClean();
});
