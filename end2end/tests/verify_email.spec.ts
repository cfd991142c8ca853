import { test, expect } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { gotoHydrated, signUp, watchConsole } from "./helpers";

/**
 * The raw message sent to `address`: from the test SMTP server's maildir when the test command
 * runs one (GATEHOUSE_TEST_MAILDIR), else from the `.eml` files the server writes without SMTP.
 */
function mailTo(address: string): string | undefined {
  const dirs = [
    process.env.GATEHOUSE_TEST_MAILDIR && path.join(process.env.GATEHOUSE_TEST_MAILDIR, "new"),
    process.env.GATEHOUSE_DATA_DIR && path.join(process.env.GATEHOUSE_DATA_DIR, "mail"),
  ].filter((d): d is string => !!d && fs.existsSync(d));
  for (const dir of dirs) {
    for (const file of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      if (text.includes(address)) return text;
    }
  }
  return undefined;
}

/** Undoes quoted-printable, which carries the long link line. */
function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

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
