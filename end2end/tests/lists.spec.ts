import { test, expect, type Page } from "@playwright/test";
import { callApi, gotoHydrated, signUp, watchConsole } from "./helpers";

async function names(page: Page) {
  return page.locator("table tbody tr td:nth-child(2) a").allTextContents();
}

test("a list sorts by its column headings and filters by assignee, days and kind, in the address; without JavaScript too", async ({ page, browser }) => {
  const console = watchConsole(page);
  await signUp(page, `lists+${Date.now()}@example.com`, "Ada Lovelace", "Analytical Engines");
  for (const [name, email] of [["Charlie Works", "c@example.com"], ["alpha labs", "z@example.com"], ["Bravo & Sons", "a@example.com"]]) {
    const res = await callApi(page, "/api/customers/create", {
      name, email, phone: "", company: "", tax_id: "", notes: "", assigned_user_id: "", team_id: "",
    });
    expect(res.status()).toBe(200);
  }

  await gotoHydrated(page, "/customers");
  await expect(page.locator("th[aria-sort=ascending]")).toHaveText(/Name/);
  expect(await names(page)).toEqual(["alpha labs", "Bravo & Sons", "Charlie Works"]);

  // A heading sorts by its column, low to high; a second click high to low.
  await page.getByRole("columnheader", { name: "Email" }).getByRole("link").click();
  await expect(page).toHaveURL(/[?&]sort=email(&|$)/);
  await expect(page.locator("th[aria-sort=ascending]")).toHaveText(/Email/);
  await expect.poll(() => names(page)).toEqual(["Bravo & Sons", "Charlie Works", "alpha labs"]);
  await page.getByRole("columnheader", { name: /Email/ }).getByRole("link").click();
  await expect(page).toHaveURL(/[?&]sort=-email(&|$)/);
  await expect(page.locator("th[aria-sort=descending]")).toHaveText(/Email/);
  await expect.poll(() => names(page)).toEqual(["alpha labs", "Charlie Works", "Bravo & Sons"]);

  // Filters keep the sort; nothing was created after today.
  const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("Created from").fill(tomorrow);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(new RegExp(`from=${tomorrow}`));
  await expect(page).toHaveURL(/sort=-email/);
  await expect(page.getByText("No customers match your search.")).toBeVisible();
  await page.getByLabel("Created from").fill("");
  await page.locator("select[name=assignee]").selectOption({ label: "Assigned to me" });
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/assignee=me/);
  await expect.poll(() => names(page)).toEqual(["alpha labs", "Charlie Works", "Bravo & Sons"]);

  // A person among the companies: the kind filter finds them, and a person has no contact persons.
  const person = await callApi(page, "/api/customers/create", {
    kind: "person", name: "Dora Finch", email: "", phone: "", company: "Charlie Works", tax_id: "", notes: "",
    assigned_user_id: "", team_id: "",
  });
  expect(person.status()).toBe(200);
  await gotoHydrated(page, "/customers");
  await page.getByLabel("Kind").selectOption({ label: "Person" });
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/kind=person/);
  await expect.poll(() => names(page)).toEqual(["Dora Finch"]);
  await page.getByRole("link", { name: "Dora Finch" }).click();
  await expect(page.locator("h1")).toHaveText("Dora Finch");
  await expect(page.locator(".details")).toContainText("Person");
  await expect(page.getByRole("heading", { name: "Addresses" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Contact persons" })).toHaveCount(0);
  console.assertClean();

  // The same lists as plain pages: the server sorts and filters from the address alone.
  const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  const noJs = await plain.newPage();
  await noJs.goto("/customers?sort=-name&assignee=me");
  expect(await names(noJs)).toEqual(["Dora Finch", "Charlie Works", "Bravo & Sons", "alpha labs"]);
  await expect(noJs.locator("th[aria-sort=descending]")).toHaveText(/Name/);
  await expect(noJs.locator("select[name=assignee] option[selected]")).toHaveText("Assigned to me");
  await noJs.goto("/customers?sort=tax_id");
  await expect(noJs.locator(".alert-error")).toContainText(/sort/i);
  await plain.close();
});
