import { test, expect } from "@playwright/test";
import { gotoHydrated, signInAsDemo, watchConsole } from "./helpers";

test("side navigation moves between pages and marks the current one", async ({ page }) => {
  // Signed out, the workspace list answers 401 and the page shows a sign-in prompt.
  const console = watchConsole(page, [401]);
  await gotoHydrated(page, "/");
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Workspaces" }).click();
  await expect(page).toHaveURL(/\/workspaces$/);
  await expect(page.getByRole("heading", { name: "Workspaces", level: 1 })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Workspaces" })).toHaveAttribute("aria-current", "page");
  await expect(page).toHaveTitle("Workspaces · Gatehouse");
  await expect(page.getByText("to see your workspaces")).toBeVisible();
  console.assertClean();
});

test("unknown addresses get the styled 404 page", async ({ page }) => {
  const response = await page.goto("/this/does/not/exist");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.locator(".topbar")).toContainText("Gatehouse");
  await page.getByRole("link", { name: "Go to the overview" }).click();
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
});

test("a form shows the server's message under the field and disables its button while pending", async ({
  page,
}) => {
  const console = watchConsole(page, [422]);
  await gotoHydrated(page, "/workspaces");
  const field = page.getByLabel("Workspace name", { exact: true });
  const button = page.getByRole("button", { name: /Check name|Checking/ });

  // Hold the answer back so the pending state can be seen.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route("**/api/workspaces/check_name", async (route) => {
    await held;
    await route.continue();
  });

  await field.fill("   ");
  await button.click();
  await expect(button).toBeDisabled();
  await expect(button).toHaveText("Checking…");
  release();
  await expect(page.locator("#field-workspace_name-error")).toHaveText("Enter a workspace name.");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(button).toBeEnabled();
  await page.unroute("**/api/workspaces/check_name");

  await field.fill("Acme Corporation");
  await button.click();
  await expect(page.getByRole("status")).toContainText("“Acme Corporation” is accepted.");
  await expect(page.getByRole("status").locator("code")).toHaveText("acme-corporation-2");
  await expect(field).not.toHaveAttribute("aria-invalid", "true");
  console.assertClean();
});

test("the shell fits a 375 px wide screen without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  for (const path of ["/signin", "/signup", "/missing"]) {
    await page.goto(path);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
  }
  // Signed in, the pages carry tables and the full top bar.
  await signInAsDemo(page);
  for (const path of ["/", "/workspaces", "/sessions"]) {
    await page.goto(path);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
  }
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Workspaces" })).toBeVisible();
});
