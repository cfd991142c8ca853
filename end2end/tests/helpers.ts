import { expect, type Browser, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";

/** The demo Owner the server seeds with GATEHOUSE_SEED_DEMO (see server/src/demo.rs). */
export const DEMO = { email: "demo@gatehouse.test", password: "velvet orbit harbor lantern" };

/**
 * The CSRF token of the context's session, read from a page as the app's own scripts read it
 * (fetching the page starts an anonymous session if there is none).
 */
export async function csrfToken(page: Page): Promise<string> {
  const html = await (await page.request.get("/signin")).text();
  const token = /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1];
  expect(token, "the page carries a CSRF token").toBeTruthy();
  return token!;
}

/** Calls a server function as the app's scripts do: with the session's CSRF token. */
export async function callApi(page: Page, path: string, form: Record<string, string> = {}) {
  const token = await csrfToken(page);
  return page.request.post(path, { form, headers: { "x-csrf-token": token } });
}

/** Signs the page's browser context in as the demo Owner, through the API. */
export async function signInAsDemo(page: Page) {
  const res = await callApi(page, "/api/accounts/sign_in", DEMO);
  expect(res.status()).toBe(200);
}

/** Navigates and waits until the page has hydrated (set by an Effect in the page, once its code has loaded). */
export async function gotoHydrated(page: Page, path: string) {
  const response = await page.goto(path);
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  return response;
}

/**
 * Reloads and waits for hydration: a form used before its page has hydrated posts without
 * JavaScript (a redirect, not the in-page message the test then looks for).
 */
export async function reloadHydrated(page: Page) {
  await page.reload();
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
}

/**
 * Collects CSP violations, console errors and uncaught errors; call `assertClean()` at the end
 * of a test. Chromium logs every non-2xx fetch as an error: pass the statuses the test provokes
 * on purpose (a 422 for a validation error, say) in `expectedStatuses`.
 */
export function watchConsole(page: Page, expectedStatuses: number[] = []) {
  const problems: string[] = [];
  const expected = (text: string) =>
    expectedStatuses.some((s) => text.includes(`the server responded with a status of ${s} `));
  page.on("console", (msg) => {
    const text = msg.text();
    if ((msg.type() === "error" && !expected(text)) || /Content Security Policy/i.test(text)) {
      problems.push(`${text} (on ${page.url()})`);
    }
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message} (on ${page.url()})`));
  return {
    assertClean: () => expect(problems, problems.join("\n")).toEqual([]),
  };
}

export const PASSWORD = "quiet lantern orbit mango";

/** Creates an account and workspace through the sign-up page; ends signed in on "/". */
export async function signUp(page: Page, email: string, name: string, workspace: string) {
  await gotoHydrated(page, "/signup");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Workspace name", { exact: true }).fill(workspace);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page).toHaveURL(/\/$/);
}

/**
 * The raw message sent to `address`: from the test SMTP server's maildir when the test command
 * runs one (GATEHOUSE_TEST_MAILDIR), else from the `.eml` files the server writes without SMTP.
 */
export function mailTo(address: string): string | undefined {
  return mailsTo(address)[0];
}

/** Every raw message sent to `address`, from the same places as `mailTo`. */
export function mailsTo(address: string): string[] {
  const dirs = [
    process.env.GATEHOUSE_TEST_MAILDIR && path.join(process.env.GATEHOUSE_TEST_MAILDIR, "new"),
    process.env.GATEHOUSE_DATA_DIR && path.join(process.env.GATEHOUSE_DATA_DIR, "mail"),
  ].filter((d): d is string => !!d && fs.existsSync(d));
  return dirs.flatMap((dir) =>
    fs
      .readdirSync(dir)
      .map((file) => fs.readFileSync(path.join(dir, file), "utf8"))
      .filter((text) => text.includes(address)),
  );
}

/** Undoes quoted-printable, which carries the long link line. */
export function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The link to `route` (e.g. "/invitation") in the mail sent to `address` (tests use each address once). */
export async function linkMailedTo(address: string, route: string): Promise<string> {
  let link: string | undefined;
  const pattern = new RegExp(`https?://\\S+${route}\\?token=[\\w-]+`);
  await expect
    .poll(
      () =>
        (link = mailsTo(address)
          .map((raw) => decodeQuotedPrintable(raw).match(pattern)?.[0])
          .find(Boolean)),
      { timeout: 10_000 },
    )
    .toBeTruthy();
  return link!;
}

/** Decodes RFC 4648 base32, ignoring the spaces the page groups a key with. */
function base32Decode(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text.replace(/[\s=]/g, "").toUpperCase()) {
    const index = alphabet.indexOf(c);
    if (index < 0) throw new Error(`not base32: ${c}`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/**
 * What an authenticator app shows for `key` (RFC 6238: HMAC-SHA1, 6 digits, 30 s), `ahead`
 * steps from now. Computed here, independently of the server's implementation.
 */
export function totpCode(key: string, ahead = 0): string {
  const step = Math.floor(Date.now() / 30_000) + ahead;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac("sha1", base32Decode(key)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** The one-time codes mailed to `address` so far. */
export function codesMailedTo(address: string): string[] {
  return mailsTo(address)
    .map((raw) => /Your Gatehouse code: (\d{6})/.exec(raw)?.[1])
    .filter((c): c is string => !!c);
}

/** Waits for a code mailed to `address` that is not among `seen`, and returns it. */
export async function newCodeMailedTo(address: string, seen: string[]): Promise<string> {
  let code: string | undefined;
  await expect
    .poll(() => (code = codesMailedTo(address).find((c) => !seen.includes(c))), { timeout: 10_000 })
    .toBeTruthy();
  return code!;
}

/**
 * A fresh workspace with a confirmed Owner (signed in on `page`) and a Staff member who joined
 * from the mailed invitation in a browser context of their own. Close `context` at the end.
 */
export async function ownerWithMember(
  page: Page,
  browser: Browser,
  who: { owner: string; ownerName: string; member: string; memberName: string; workspace: string },
) {
  await signUp(page, who.owner, who.ownerName, who.workspace);
  await gotoHydrated(page, await linkMailedTo(who.owner, "/verify-email"));
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(page.locator(".alert-success")).toContainText("Your email address is confirmed.");
  await gotoHydrated(page, "/team");
  await page.getByLabel("Email").fill(who.member);
  await page.getByLabel("Role").selectOption({ label: "Staff" });
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Invitation sent.")).toBeVisible();

  const context = await browser.newContext();
  const member = await context.newPage();
  await gotoHydrated(member, await linkMailedTo(who.member, "/invitation"));
  await member.getByLabel("Your name").fill(who.memberName);
  await member.getByLabel("Choose a password").fill(PASSWORD);
  await member.getByRole("button", { name: /^Join / }).click();
  await expect(member.locator(".topbar")).toContainText(who.memberName);
  return { context, member };
}
