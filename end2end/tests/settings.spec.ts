import { test, expect } from "@playwright/test";
import { PASSWORD, gotoHydrated, reloadHydrated, signUp, watchConsole } from "./helpers";

test("an Owner tightens the password policy and a password change meets it", async ({ page }) => {
  // Refused values answer 422, on purpose.
  const console = watchConsole(page, [422]);
  await signUp(page, `settings+${Date.now()}@example.com`, "Ada Lovelace", "Analytical Engines");
  await page.locator(".sidenav").getByRole("link", { name: "Security settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await expect(page.getByLabel("Minimum length")).toHaveValue("12");
  await expect(page.getByLabel("Idle timeout (minutes)")).toHaveValue("30");

  // A value out of range is named and nothing is saved.
  await page.getByLabel("Minimum length").fill("200");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator("#field-password_min_length-error")).toHaveText(
    "Enter a whole number from 8 to 128.",
  );
  await reloadHydrated(page);
  await expect(page.getByLabel("Minimum length")).toHaveValue("12");

  await page.getByLabel("Minimum length").fill("30");
  await page.getByLabel("a digit").check();
  await page.getByLabel("Sessions per person").fill("3");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await reloadHydrated(page);
  await expect(page.getByLabel("Minimum length")).toHaveValue("30");
  await expect(page.getByLabel("a digit")).toBeChecked();
  await expect(page.getByLabel("Sessions per person")).toHaveValue("3");

  // The account page shows the rule a new password breaks.
  await gotoHydrated(page, "/account");
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("copper meadow violin tundra");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Use at least 30 characters.")).toBeVisible();
  await page.getByLabel("New password").fill("copper meadow violin tundra harbor");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText(/digit/)).toBeVisible();
  await page.getByLabel("New password").fill("copper meadow violin tundra harbor 7");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Your other sessions have ended.")).toBeVisible();
  console.assertClean();
});
