import { test, expect } from "@playwright/test";

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
