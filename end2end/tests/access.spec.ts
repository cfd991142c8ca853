import { test, expect } from "@playwright/test";
import { callApi, gotoHydrated, signUp, watchConsole } from "./helpers";

test("an admin sees where a member's access comes from and asks why", async ({ page }) => {
  // The unknown customer id answers 422 on purpose.
  const console = watchConsole(page, [422]);
  await signUp(page, `access+${Date.now()}@example.com`, "Frances Allen", "Optimising Compilers");
  const created = await callApi(page, "/api/customers/create", {
    name: "Fortran Ltd", email: "", phone: "", company: "", tax_id: "", notes: "",
    assigned_user_id: "", team_id: "",
  });
  expect(created.status()).toBe(200);
  const customer = (await created.json()).id as string;

  await gotoHydrated(page, "/team");
  await page.getByRole("link", { name: "Frances Allen" }).click();
  await expect(page.locator("h1")).toHaveText("Access of Frances Allen");
  const row = page.locator("tbody tr", { hasText: "customers.export" });
  await expect(row).toContainText("Owner");
  await expect(page.locator(".scope-list")).toContainText("customers: all");

  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Permission", { exact: true }).selectOption("customers.read");
  await page.getByLabel("Record id").fill(customer);
  await page.getByRole("button", { name: "Check" }).click();
  const verdict = page.locator(".verdict");
  await expect(verdict).toContainText("Allowed");
  await expect(verdict).toContainText("customers.read comes from Owner.");
  await expect(verdict).toContainText("The customer is within that scope.");

  await page.getByLabel("Record id").fill("00000000-0000-0000-0000-000000000000");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.locator("#field-record-error")).toContainText("No customer with that id");
  console.assertClean();
});
