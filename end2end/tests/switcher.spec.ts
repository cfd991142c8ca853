import { test, expect } from "@playwright/test";
import { gotoHydrated, signInAsDemo, watchConsole } from "./helpers";

test("the workspace switcher moves the session to another of your workspaces", async ({ page }) => {
  const console = watchConsole(page);
  await signInAsDemo(page);
  await gotoHydrated(page, "/");
  const switcher = page.locator(".topbar .workspace-switcher");
  // The session starts in the workspace joined first.
  await expect(switcher.locator("summary")).toHaveText("Northwind Traders");

  await switcher.locator("summary").click();
  const menu = switcher.locator(".switcher-menu");
  await expect(menu.getByRole("button")).toHaveCount(5);
  await menu.getByRole("button", { name: "Globex Consulting" }).click();

  await expect(switcher.locator("summary")).toHaveText("Globex Consulting");
  await page.reload();
  await expect(switcher.locator("summary")).toHaveText("Globex Consulting");
  console.assertClean();
});

test("on a 375 px screen the switcher's menu stays on the screen", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signInAsDemo(page);
  await gotoHydrated(page, "/");
  await page.locator(".topbar .workspace-switcher summary").click();
  const box = await page.locator(".switcher-menu").boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(375);
});
