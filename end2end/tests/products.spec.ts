import { test, expect } from "@playwright/test";
import { gotoHydrated, signUp, watchConsole } from "./helpers";

test("an owner builds the catalogue: exact prices, a stale edit refused, search and delete", async ({ page, context }) => {
  // The over-precise price answers 422 and the stale save 409, on purpose.
  const console = watchConsole(page, [409, 422]);
  await signUp(page, `products+${Date.now()}@example.com`, "Ada Lovelace", "Analytical Engines");
  await page.locator(".sidenav").getByRole("link", { name: "Products" }).click();
  await expect(page).toHaveURL(/\/products$/);
  await expect(page.getByText("No products yet.")).toBeVisible();

  await page.getByRole("link", { name: "New product" }).click();
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("SKU").fill("ENGINE-1");
  await page.getByLabel("Name").fill("Difference Engine");
  await page.getByLabel("Unit price").fill("1,234.50");
  await page.getByLabel("In stock").fill("10");
  await page.getByRole("button", { name: "Create product" }).click();
  await expect(page).toHaveURL(/\/products\/[0-9a-f-]{36}$/);
  await expect(page.locator("h1")).toHaveText("Difference Engine");
  const details = page.locator(".details");
  await expect(details.locator("dd").nth(0)).toHaveText("1,234.50 EUR");
  await expect(details.locator("dd").nth(1)).toHaveText("10");

  // Money is taken exactly as typed: a third decimal is refused on its field, never rounded.
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  const edit = page.locator("section", { has: page.locator("#edit-heading") });
  await edit.getByLabel("Unit price").fill("12.345");
  await edit.getByRole("button", { name: "Save product" }).click();
  await expect(edit.locator("#field-unit_price-error")).toContainText("at most 2 decimals");
  await expect(details).toContainText("1,234.50 EUR");

  // A second tab opened now holds the current version; a save here makes it stale.
  const other = await context.newPage();
  await gotoHydrated(other, page.url());
  await edit.getByLabel("Unit price").fill("999");
  await edit.getByRole("button", { name: "Save product" }).click();
  await expect(details).toContainText("999.00 EUR");
  const otherEdit = other.locator("section", { has: other.locator("#edit-heading") });
  await otherEdit.getByLabel("Name").fill("Analytical Engine");
  await otherEdit.getByRole("button", { name: "Save product" }).click();
  await expect(otherEdit.locator(".alert-error")).toContainText("changed by someone else");
  // The refused tab now shows the product as it is, not what was typed over it.
  await expect(other.locator(".details")).toContainText("999.00 EUR");
  await expect(otherEdit.getByLabel("Name")).toHaveValue("Difference Engine");
  await expect(otherEdit.getByLabel("Unit price")).toHaveValue("999.00");
  await other.close();

  // Found by its SKU, in a table row with its price.
  await gotoHydrated(page, "/products?q=engine-");
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody tr")).toContainText("999.00 EUR");
  await gotoHydrated(page, "/products?q=abacus");
  await expect(page.getByText("No products match your search.")).toBeVisible();

  await gotoHydrated(page, "/products");
  await page.getByRole("link", { name: "Difference Engine" }).click();
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByRole("button", { name: "Delete this product" }).click();
  await expect(page).toHaveURL(/\/products$/);
  await expect(page.getByText("No products yet.")).toBeVisible();
  console.assertClean();
});
