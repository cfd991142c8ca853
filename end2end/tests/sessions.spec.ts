import { test, expect, type Page } from "@playwright/test";
import { gotoHydrated, PASSWORD, signUp, watchConsole } from "./helpers";

async function signIn(page: Page, email: string) {
  await gotoHydrated(page, "/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
}

test("your sessions lists each browser, and ending one signs that browser out", async ({
  page,
  browser,
  baseURL,
}) => {
  const console = watchConsole(page);
  const email = `sessions+${Date.now()}@example.com`;
  await signUp(page, email, "Grace Hopper", "Compilers Inc");

  // A second browser signs in as the same person.
  const other = await browser.newContext({ baseURL });
  const otherPage = await other.newPage();
  await signIn(otherPage, email);

  await gotoHydrated(page, "/sessions");
  const rows = page.locator("table.sessions tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: "This session" })).toHaveCount(1);
  await expect(rows.first()).toContainText("127.0.0.1");

  await rows.filter({ hasNotText: "This session" }).getByRole("button", { name: "Sign out" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("This session");

  // The other browser finds itself signed out on its next request.
  await otherPage.reload();
  await expect(otherPage.locator(".topbar").getByRole("link", { name: "Sign in" })).toBeVisible();
  await other.close();

  // This one is still signed in.
  await page.reload();
  await expect(page.locator(".topbar .user-name")).toHaveText("Grace Hopper");
  console.assertClean();
});
