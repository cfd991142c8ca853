import { expect, type Page } from "@playwright/test";

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
