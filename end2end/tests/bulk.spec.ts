import { test, expect } from "@playwright/test";
import { callApi, gotoHydrated, signUp, watchConsole } from "./helpers";

test("customers are chosen on the list, assigned to a team at once, and deleted after a confirmation that names the count", async ({ page }) => {
  const console = watchConsole(page);
  await signUp(page, `bulk+${Date.now()}@example.com`, "Ada Lovelace", "Bulk Engines");
  for (const name of ["Alpha Ltd", "Beta Ltd", "Gamma Ltd"]) {
    expect((await callApi(page, "/api/customers/create", {
      name, email: "", phone: "", company: "", tax_id: "", notes: "", assigned_user_id: "", team_id: "",
    })).status()).toBe(200);
  }
  expect((await callApi(page, "/api/teams/create_team", { name: "Night Shift" })).status()).toBe(200);

  await gotoHydrated(page, "/customers");
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(3);
  await expect(page.locator(".bulk-bar")).toHaveCount(0);
  await page.getByLabel("Select Alpha Ltd").check();
  await page.getByLabel("Select Gamma Ltd").check();
  const bar = page.locator(".bulk-bar");
  await expect(bar.locator(".bulk-count")).toHaveText("2 customers selected");
  await bar.getByLabel("Team").selectOption({ label: "Night Shift" });
  await bar.getByRole("button", { name: "Assign 2 customers" }).click();
  await expect(page.locator(".alert-success")).toHaveText("Assigned 2 customers.");
  await expect(bar).toHaveCount(0);
  await expect(rows.filter({ hasText: "Night Shift" })).toHaveCount(2);
  await expect(rows.filter({ hasText: "Beta Ltd" })).not.toContainText("Night Shift");

  await page.getByLabel("Select Beta Ltd").check();
  await expect(bar.locator(".bulk-count")).toHaveText("1 customer selected");
  await bar.getByRole("button", { name: "Delete 1 customer…" }).click();
  await expect(bar.locator(".bulk-confirm")).toHaveText("Really delete 1 customer? This can't be undone.");
  await bar.getByRole("button", { name: "Keep them" }).click();
  await expect(rows).toHaveCount(3);
  await bar.getByRole("button", { name: "Delete 1 customer…" }).click();
  await bar.getByRole("button", { name: "Delete 1 customer", exact: true }).click();
  await expect(page.locator(".alert-success")).toHaveText("Deleted 1 customer.");
  await expect(rows).toHaveCount(2);
  await expect(page.locator("tbody")).not.toContainText("Beta Ltd");

  const audit = await (await callApi(page, "/api/audit/list", { before: "" })).json();
  const actions = audit.entries.map((e: { action: string }) => e.action);
  expect(actions).toContain("customer.bulk_assign");
  expect(actions).toContain("customer.bulk_delete");
  console.assertClean();
});
