import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { callApi, gotoHydrated, signUp, watchConsole } from "./helpers";

test("the dashboard and the reports draw their charts from the caller's own orders and tickets, readable to assistive technology", async ({ page }) => {
  const console = watchConsole(page);
  await signUp(page, `dashboard+${Date.now()}@example.com`, "Ada Lovelace", "Charted Engines");
  const customer = (await (await callApi(page, "/api/customers/create", {
    name: "Babbage & Co", email: "", phone: "", company: "", tax_id: "", notes: "", assigned_user_id: "", team_id: "",
  })).json()).id as string;
  const product = (await (await callApi(page, "/api/products/create", {
    sku: "ENGINE-1", name: "Difference Engine", description: "", unit_price: "250", currency: "", stock: "", active: "on",
  })).json()).id as string;
  const order = (await (await callApi(page, "/api/orders/create", {
    customer_id: customer, notes: "", assigned_user_id: "", team_id: "",
  })).json()).order.id as string;
  expect((await callApi(page, "/api/orders/add_line", { id: order, version: "1", product_id: product, quantity: "2", discount: "" })).status()).toBe(200);
  expect((await callApi(page, "/api/orders/confirm", { id: order, version: "2" })).status()).toBe(200);
  expect((await callApi(page, "/api/payments/take", {
    order_id: order, method: "card", amount: "300", reference: "", paid_on: "",
  })).status()).toBe(200);
  expect((await callApi(page, "/api/tickets/create", {
    customer_id: customer, subject: "Hums", priority: "high", assigned_user_id: "", team_id: "", message: "It hums.",
  })).status()).toBe(200);

  await gotoHydrated(page, "/");
  const orders = page.locator(".stat-card", { hasText: "Open orders" });
  await expect(orders.locator(".stat-value")).toHaveText("1");
  await expect(orders.locator(".stat-foot")).toHaveText("500.00 EUR");
  const revenue = page.locator("section.chart", { has: page.getByRole("heading", { name: "Revenue per week" }) });
  await expect(revenue.locator("svg[role=img] rect.chart-bar")).toHaveCount(12);
  await revenue.getByText("Show the figures").click();
  await expect(revenue.locator("tbody tr").last()).toContainText("300.00 EUR");
  const byStatus = page.locator("section", { has: page.getByRole("heading", { name: "Tickets by status" }) });
  await expect(byStatus.locator("tr", { hasText: "Open" }).locator("td.numeric")).toHaveText("1");
  await expect(byStatus.locator("tr", { hasText: "Closed" }).locator("td.numeric")).toHaveText("0");
  const axe = await new AxeBuilder({ page }).include("section.chart").analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);

  await page.locator(".sidenav").getByRole("link", { name: "Reports" }).click();
  await expect(page).toHaveURL(/\/reports$/);
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  const byMonth = page.locator("section.chart", { has: page.getByRole("heading", { name: "Sales by month" }) });
  await expect(byMonth.locator("rect.chart-bar")).toHaveCount(12);
  await expect(page.locator("section", { has: page.getByRole("heading", { name: "Sales by product" }) })).toContainText("ENGINE-1 · Difference Engine");
  await expect(page.locator("section", { has: page.getByRole("heading", { name: "Sales by assignee" }) })).toContainText("500.00 EUR");
  await expect(page.locator("section.chart", { has: page.getByRole("heading", { name: "Ticket ageing" }) })).toBeVisible();
  const reportAxe = await new AxeBuilder({ page }).include("section.chart").analyze();
  expect(reportAxe.violations.map((v) => v.id)).toEqual([]);
  // A period before the order: nothing sold in it.
  await page.getByLabel("From").fill("2020-01-01");
  await page.getByLabel("Until").fill("2020-03-31");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/from=2020-01-01/);
  await expect(page.locator("section", { has: page.getByRole("heading", { name: "Sales by product" }) })).toContainText("No sales in these days.");
  // Narrowed to a person, as lists are: the address keeps the choice.
  await page.getByLabel("From").fill("");
  await page.getByLabel("Until").fill("");
  await page.locator("select[name=assignee]").selectOption({ label: "Assigned to me" });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/assignee=me/);
  // The form is a plain GET: the server renders the narrowed page and keeps the choice.
  await expect(page.locator("select[name=assignee]")).toHaveValue("me");
  await expect(page.locator("section", { has: page.getByRole("heading", { name: "Sales by assignee" }) })).toContainText("500.00 EUR");
  await expect(page.locator("select[name=assignee] option", { hasText: "Ada Lovelace" })).toHaveCount(1);
  console.assertClean();
});
