import { test, expect } from "@playwright/test";
import { gotoHydrated, PASSWORD, signUp, watchConsole } from "./helpers";

test("sign up, sign out, and sign in again", async ({ page, context }) => {
  const console = watchConsole(page, [422]);
  const email = `ada+${Date.now()}@example.com`;

  await signUp(page, email, "Ada Lovelace", "Analytical Engines");
  const topbar = page.locator(".topbar");
  await expect(topbar.locator(".user-name")).toHaveText("Ada Lovelace");
  await expect(topbar.locator(".workspace-switcher summary")).toHaveText("Analytical Engines");

  // A new account sees its own workspace and nobody else's.
  await gotoHydrated(page, "/workspaces");
  await expect(page.locator("table.table tbody tr")).toHaveCount(1);
  await expect(page.locator("table.table tbody")).toContainText("Analytical Engines");
  await expect(page.locator("table.table tbody")).not.toContainText("Northwind");

  const session = (await context.cookies()).find((c) => c.name === "gatehouse_session");
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");
  // Page scripts cannot read it.
  expect(await page.evaluate(() => document.cookie)).not.toContain("gatehouse_session");

  await page.locator("html[data-hydrated=true]").waitFor();
  await topbar.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(topbar.getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.goto("/workspaces");
  await expect(page.getByRole("link", { name: "Sign in" }).last()).toBeVisible();
  await expect(page.locator("table.table")).toHaveCount(0);
  await page.goto("/signin");

  await page.locator("html[data-hydrated=true]").waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#field-password-error")).toHaveText(
    "The email address or password is incorrect.",
  );

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(topbar.locator(".user-name")).toHaveText("Ada Lovelace");
  console.assertClean();
});

test("sign-up names the rule a weak password breaks and creates nothing", async ({ page }) => {
  const console = watchConsole(page, [422]);
  await gotoHydrated(page, "/signup");
  await page.getByLabel("Your name").fill("Ada Lovelace");
  await page.getByLabel("Work email").fill(`weak+${Date.now()}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill("password1234");
  await page.getByLabel("Workspace name", { exact: true }).fill("Weak Co");
  await page.getByRole("button", { name: "Create workspace" }).click();

  await expect(page.locator("#field-password-error")).toContainText("This password is too easy to guess.");
  await expect(page.getByLabel("Password", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/signup$/);
  await expect(page.locator(".topbar").getByRole("link", { name: "Sign in" })).toBeVisible();
  console.assertClean();
});

test("changing the password keeps this session, and only the new password signs in", async ({ page }) => {
  const console = watchConsole(page, [422]);
  const email = `change+${Date.now()}@example.com`;
  await signUp(page, email, "Ada Lovelace", "Analytical Engines");

  await gotoHydrated(page, "/account");
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill("copper meadow signal violet");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#field-current_password-error")).toHaveText("That is not your current password.");

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator(".alert-success")).toHaveText("Password changed. Your other sessions have ended.");

  await page.reload();
  await expect(page.locator(".topbar .user-name")).toHaveText("Ada Lovelace");
  await page.locator("html[data-hydrated=true]").waitFor();
  await page.locator(".topbar").getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.locator("html[data-hydrated=true]").waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#field-password-error")).toHaveText("The email address or password is incorrect.");
  await page.getByLabel("Password").fill("copper meadow signal violet");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
  console.assertClean();
});
