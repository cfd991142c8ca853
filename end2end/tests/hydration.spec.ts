import { test, expect, type Page } from "@playwright/test";
import { callApi, gotoHydrated, signInAsDemo, watchConsole } from "./helpers";

/** How many workspaces the signed-in demo Owner has. */
async function workspaceCount(page: Page): Promise<number> {
  const res = await callApi(page, "/api/workspaces/list");
  expect(res.status()).toBe(200);
  return (await res.json()).length;
}

test.beforeEach(async ({ page }) => {
  await signInAsDemo(page);
});

test("the workspace filter works once the page has hydrated, under the CSP", async ({ page }) => {
  const console = watchConsole(page);
  const total = await workspaceCount(page);
  await gotoHydrated(page, "/workspaces");
  const rows = page.locator("table.table tbody tr");
  await expect(rows).toHaveCount(total);

  await page.getByLabel("Filter workspaces").fill("zür");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Zürich Dental Group");
  await expect(page.getByText(`Showing 1 of ${total}`)).toBeVisible();

  await page.getByLabel("Filter workspaces").fill("no such thing");
  await expect(rows).toHaveCount(0);
  await expect(page.getByText("No workspace matches “no such thing”.")).toBeVisible();

  await page.getByLabel("Filter workspaces").fill("");
  await expect(rows).toHaveCount(total);
  console.assertClean();
});

test.describe("with JavaScript disabled", () => {
  test.use({ javaScriptEnabled: false });

  test("pages are complete server-rendered documents", async ({ page }) => {
    const total = await workspaceCount(page);
    const response = await page.goto("/workspaces");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "Workspaces", level: 1 })).toBeVisible();
    const rows = page.locator("table.table tbody tr");
    await expect(rows).toHaveCount(total);
    await expect(rows.filter({ hasText: "Northwind Traders" })).toHaveCount(1);

    await page.goto("/");
    const workspaces = page.locator(".stat-card", { hasText: "Your workspaces" });
    await expect(workspaces.locator(".stat-value")).toHaveText(String(total));
  });

  test("the filter is inert without hydration", async ({ page }) => {
    const total = await workspaceCount(page);
    await page.goto("/workspaces");
    await page.getByLabel("Filter workspaces").fill("zür");
    // Nothing hydrated, so nothing listens: every row stays.
    await expect(page.locator("table.table tbody tr")).toHaveCount(total);
    await expect(page.locator("html[data-hydrated]")).toHaveCount(0);
  });
});
