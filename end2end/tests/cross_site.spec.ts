import { test, expect } from "@playwright/test";
import { DEMO, callApi, gotoHydrated, signInAsDemo } from "./helpers";

// A page on another site, served by Playwright itself, posts a form at Gatehouse. The real
// browser marks the request (Sec-Fetch-Site: cross-site); the server must refuse it with 403
// before any handler runs.
//
// Scripted cross-site fetches are covered by server/tests/http.rs instead: Chromium's Local
// Network Access stops them before they leave the browser, and with that check off our
// Cross-Origin-Resource-Policy hides the response from the page, so no status is observable.
const ATTACKER = "http://localhost:4444/";

test("a form on another site cannot post to Gatehouse", async ({ page, baseURL }) => {
  const target = `${baseURL}/api/workspaces/check_name`;
  await page.route(`${ATTACKER}**`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><title>Win a prize</title>
        <form id="f" method="post" action="${target}">
          <input name="workspace_name" value="Pwned">
        </form>`,
    }),
  );
  await page.goto(ATTACKER);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === target),
    page.locator("#f").evaluate((form: HTMLFormElement) => form.submit()),
  ]);
  expect(response.status()).toBe(403);
  expect(await response.json()).toEqual({ kind: "forbidden" });
});

// The second wall: a script on our own origin (say, injected content that slipped past the CSP)
// that does not know the session's token cannot change anything either.
test("a same-origin call without the session's token is refused and changes nothing", async ({
  page,
}) => {
  await signInAsDemo(page);
  await gotoHydrated(page, "/sessions");
  const signOut = (token: string | null) =>
    page.evaluate(async (token) => {
      const headers: Record<string, string> = token === null ? {} : { "x-csrf-token": token };
      return (await fetch("/api/accounts/sign_out", { method: "POST", headers })).status;
    }, token);
  expect(await signOut(null)).toBe(403);
  expect(await signOut("not-the-token")).toBe(403);
  const me = await (await callApi(page, "/api/accounts/me")).json();
  expect(me.email).toBe(DEMO.email);

  const token = await page.locator('meta[name="csrf-token"]').getAttribute("content");
  expect(await signOut(token)).toBe(200);
  expect(await (await callApi(page, "/api/accounts/me")).json()).toBeNull();
});
