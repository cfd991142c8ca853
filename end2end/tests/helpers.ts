import { expect, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";

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

/** Navigates and waits until the wasm has hydrated the page (set by an Effect in `App`). */
export async function gotoHydrated(page: Page, path: string) {
  const response = await page.goto(path);
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  return response;
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
      problems.push(text);
    }
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
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
