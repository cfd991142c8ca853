import { expect, type Page } from "@playwright/test";

/** Navigates and waits until the wasm has hydrated the page (set by an Effect in `App`). */
export async function gotoHydrated(page: Page, path: string) {
  const response = await page.goto(path);
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  return response;
}

/** Collects CSP violations and uncaught errors; call `assertClean()` at the end of a test. */
export function watchConsole(page: Page) {
  const problems: string[] = [];
  page.on("console", (msg) => {
    const text = msg.text();
    if (msg.type() === "error" || /Content Security Policy/i.test(text)) problems.push(text);
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  return {
    assertClean: () => expect(problems, problems.join("\n")).toEqual([]),
  };
}
