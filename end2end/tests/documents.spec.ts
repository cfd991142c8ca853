import { test, expect, type Page } from "@playwright/test";
import { callApi, gotoHydrated, ownerWithMember, signUp, watchConsole } from "./helpers";

/** A customer and two priced products, made through the API as any client could. */
async function catalogue(page: Page) {
  const customer = await callApi(page, "/api/customers/create", {
    name: "Babbage & Co", email: "", phone: "", company: "", tax_id: "", notes: "",
    assigned_user_id: "", team_id: "",
  });
  expect(customer.status()).toBe(200);
  for (const [sku, name, price] of [["ENGINE-1", "Difference Engine", "1234.50"], ["GEAR-7", "Brass gear", "19.99"]]) {
    const res = await callApi(page, "/api/products/create", {
      sku, name, description: "", unit_price: price, currency: "", stock: "", active: "on",
    });
    expect(res.status()).toBe(200);
  }
}

async function addLine(page: Page, product: RegExp, quantity: string, discount = "") {
  const lines = page.locator("section", { has: page.locator("#lines-heading") });
  await lines.getByLabel("Product").selectOption({ label: (await lines.getByLabel("Product").locator("option").allTextContents()).find((t) => product.test(t))! });
  await lines.getByLabel("Quantity").fill(quantity);
  await lines.getByLabel("Discount %").fill(discount);
  await lines.getByRole("button", { name: "Add line" }).click();
}

test("a quote is priced, won, becomes an order that is fulfilled and paid; a stale tab sees the current quote", async ({ page, context }) => {
  // The stale line answers 409 on purpose.
  const console = watchConsole(page, [409]);
  await signUp(page, `quotes+${Date.now()}@example.com`, "Ada Lovelace", "Analytical Engines");
  await catalogue(page);

  await page.locator(".sidenav").getByRole("link", { name: "Quotes" }).click();
  await expect(page.getByText("No quotes yet.")).toBeVisible();
  await page.getByRole("link", { name: "New quote" }).click();
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Title").fill("Two engines for the Society");
  await page.getByLabel("Customer").selectOption({ label: "Babbage & Co" });
  await page.getByRole("button", { name: "Create quote" }).click();
  await expect(page).toHaveURL(/\/quotes\/[0-9a-f-]{36}$/);
  await expect(page.locator("h1")).toHaveText("Q-1 · Two engines for the Society");
  await expect(page.locator(".details .status")).toHaveText("Draft");
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);

  await addLine(page, /ENGINE-1/, "2", "10");
  const rows = page.locator("table.lines tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0).locator("td").nth(5)).toHaveText("2,222.10 EUR");

  // A second tab opened now holds this version; a line added here makes it stale there.
  const other = await context.newPage();
  await gotoHydrated(other, page.url());
  await addLine(page, /GEAR-7/, "3");
  await expect(rows).toHaveCount(2);
  await expect(page.locator(".totals dd.grand")).toHaveText("2,282.07 EUR");
  await addLine(other, /GEAR-7/, "1");
  const otherLines = other.locator("section", { has: other.locator("#lines-heading") });
  await expect(otherLines.locator(".alert-error")).toContainText("changed by someone else");
  // The refused tab now shows the quote as it is: both lines, the current total.
  await expect(other.locator("table.lines tbody tr")).toHaveCount(2);
  await expect(other.locator(".totals dd.grand")).toHaveText("2,282.07 EUR");
  await other.close();

  await page.getByRole("button", { name: "Mark sent" }).click();
  await expect(page.locator(".details .status")).toHaveText("Sent");
  await expect(page.getByRole("button", { name: "Add line" })).toHaveCount(0);
  await page.getByRole("button", { name: "Mark accepted" }).click();
  await expect(page.locator(".details .status")).toHaveText("Accepted");
  await page.getByRole("button", { name: "Convert to order" }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  await expect(page.locator("h1")).toHaveText("Order O-1");
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await expect(page.locator(".details .status")).toHaveText("Draft");
  await expect(page.locator("table.lines tbody tr")).toHaveCount(2);
  await expect(page.locator(".totals dd.grand")).toHaveText("2,282.07 EUR");

  for (const [step, status] of [["Confirm order", "Confirmed"], ["Mark processed", "Processed"], ["Mark fulfilled", "Fulfilled"]]) {
    await page.getByRole("button", { name: step }).click();
    await expect(page.locator(".details .status")).toHaveText(status);
  }
  await expect(page.getByRole("button", { name: "Cancel order" })).toHaveCount(0);

  // Paid in part, refunded in part; the Owner who took the payment may not reconcile it.
  const payments = page.locator("section", { has: page.locator("#payments-heading") });
  await expect(payments.locator(".totals dd.grand")).toHaveText("2,282.07 EUR");
  await payments.getByLabel("Amount").fill("2,000");
  await payments.getByLabel("Reference").fill("4242 4242 4242 4242");
  await payments.getByRole("button", { name: "Take payment" }).click();
  await expect(payments.locator(".totals dd.grand")).toHaveText("282.07 EUR");
  const payment = payments.locator("tbody tr");
  await expect(payment).toHaveCount(1);
  await expect(payment).toContainText("4242 4242 4242 4242");
  await payment.locator("summary").click();
  await payment.getByLabel("Amount").fill("100");
  await payment.getByLabel("Reason").fill("One engine arrived dented");
  await payment.locator("form").getByRole("button", { name: "Refund" }).click();
  await expect(payment.locator("td").nth(3)).toHaveText("100.00 EUR");
  await expect(payments.locator(".totals dd.grand")).toHaveText("382.07 EUR");
  await payments.getByRole("button", { name: "Reconcile" }).click();
  await expect(payments.locator(".alert-error")).toContainText("someone else must reconcile it");

  await gotoHydrated(page, "/orders?status=fulfilled");
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody tr")).toContainText("2,282.07 EUR");
  await gotoHydrated(page, "/quotes?status=accepted");
  await expect(page.locator("tbody tr")).toContainText("Two engines for the Society");
  console.assertClean();
});

test("a Staff member sees only the customers and orders assigned to them, and only the steps Staff may take", async ({ page, browser }) => {
  const stamp = Date.now();
  const { context, member } = await ownerWithMember(page, browser, {
    owner: `orders-owner+${stamp}@example.com`,
    ownerName: "Ada Lovelace",
    member: `orders-staff+${stamp}@example.com`,
    memberName: "Melba Roy",
    workspace: `Scoped Orders ${stamp}`,
  });
  // Another workspace's order id, out of reach, answers 404 on purpose.
  const theirConsole = watchConsole(member, [404]);
  const people = await (await callApi(page, "/api/team/members")).json();
  const melba = people.find((p: { name: string }) => p.name === "Melba Roy").user_id as string;
  const orderFor = async (name: string, assignee: string) => {
    const made = await callApi(page, "/api/customers/create", {
      name, email: "", phone: "", company: "", tax_id: "", notes: "", assigned_user_id: assignee, team_id: "",
    });
    expect(made.status()).toBe(200);
    const order = await callApi(page, "/api/orders/create", {
      customer_id: (await made.json()).id, notes: `For ${name}`, assigned_user_id: assignee, team_id: "",
    });
    expect(order.status()).toBe(200);
    return (await order.json()).order.id as string;
  };
  await orderFor("Ada's Client", "");
  const adasOrder = await orderFor("Ada's Other Client", "");
  await orderFor("Melba's Client", melba);

  await gotoHydrated(member, "/customers");
  await expect(member.locator("tbody tr")).toHaveCount(1);
  await expect(member.locator("tbody tr")).toContainText("Melba's Client");
  await member.locator(".sidenav").getByRole("link", { name: "Orders" }).click();
  await expect(member).toHaveURL(/\/orders$/);
  await expect(member.locator("tbody tr")).toHaveCount(1);
  await expect(member.locator("tbody tr")).toContainText("Melba's Client");
  await member.locator("tbody tr").getByRole("link").click();
  await expect(member.locator("h1")).toHaveText(/^Order O-\d+$/);
  await expect(member.locator("html[data-hydrated=true]")).toHaveCount(1);
  // Staff may confirm an order; processing and cancelling need keys Staff does not hold.
  await expect(member.getByRole("button", { name: "Confirm order" })).toBeVisible();
  await expect(member.getByRole("button", { name: "Cancel order" })).toHaveCount(0);
  await member.goto(`/orders/${adasOrder}`);
  await expect(member.locator("main")).toContainText("We couldn't find that.");
  await expect(member.locator("main")).not.toContainText("Ada's Other Client");
  await gotoHydrated(member, "/quotes/new");
  const choices = await member.getByLabel("Customer").locator("option").allTextContents();
  expect(choices).toEqual(["Choose a customer", "Melba's Client"]);
  theirConsole.assertClean();
  await context.close();
});

test("a refund over the threshold waits; the person who asked cannot approve it, a second person can", async ({ page, browser }) => {
  const stamp = Date.now();
  const { context, member } = await ownerWithMember(page, browser, {
    owner: `refund-owner+${stamp}@example.com`,
    ownerName: "Ada Lovelace",
    member: `refund-manager+${stamp}@example.com`,
    memberName: "Mary Somerville",
    workspace: `Refunds ${stamp}`,
  });
  const ownerConsole = watchConsole(page);
  // Mary becomes a Manager (who may refund orders); refunds over 100 need approval.
  const roles = await (await callApi(page, "/api/roles/list")).json();
  const manager = roles.find((r: { name: string }) => r.name === "Manager").id as string;
  const people = await (await callApi(page, "/api/team/members")).json();
  const mary = people.find((p: { name: string }) => p.name === "Mary Somerville").user_id as string;
  expect((await callApi(page, "/api/team/assign_role", { user_id: mary, role_id: manager, until: "" })).status()).toBe(200);
  expect((await callApi(page, "/api/settings/set_sales_terms", {
    currency: "EUR", tax_rate: "", refund_approval_over: "100", approval_expiry_days: "7",
  })).status()).toBe(200);
  await catalogue(page);
  const customers = await (await callApi(page, "/api/customers/list", { search: "" })).json();
  const order = (await (await callApi(page, "/api/orders/create", {
    customer_id: customers.items[0].id, notes: "", assigned_user_id: "", team_id: "",
  })).json()).order;
  const products = await (await callApi(page, "/api/products/list", { search: "ENGINE" })).json();
  expect((await callApi(page, "/api/orders/add_line", {
    id: order.id, version: "1", product_id: products.items[0].id, quantity: "1", discount: "",
  })).status()).toBe(200);
  expect((await callApi(page, "/api/orders/confirm", { id: order.id, version: "2" })).status()).toBe(200);

  await gotoHydrated(page, `/orders/${order.id}`);
  const payments = page.locator("section", { has: page.locator("#payments-heading") });
  await payments.getByRole("button", { name: "Take payment" }).click();
  await expect(payments.locator(".totals dd.grand")).toHaveText("0.00 EUR");
  const payment = payments.locator("tbody tr");
  await payment.locator("summary").click();
  await payment.getByLabel("Amount").fill("500");
  await payment.getByLabel("Reason").fill("Returned unopened");
  await payment.locator("form").getByRole("button", { name: "Refund" }).click();
  await expect(payments.locator(".alert-warning")).toContainText("waits for someone else");
  await expect(payment.locator("td").nth(3)).toHaveText("0.00 EUR");

  // The Owner asked, so the Owner cannot approve.
  await gotoHydrated(page, "/approvals");
  const request = page.locator("tbody tr");
  await expect(request).toContainText("500.00 EUR");
  await expect(request).toContainText("Yours: another person decides");
  await expect(request.getByRole("button", { name: "Approve" })).toHaveCount(0);

  // Mary sees it waiting, in her navigation too, and approves it.
  await gotoHydrated(member, "/");
  await expect(member.locator(".sidenav").getByRole("link", { name: /Approvals/ })).toContainText("1");
  await member.locator(".sidenav").getByRole("link", { name: /Approvals/ }).click();
  await expect(member.locator("html[data-hydrated=true]")).toHaveCount(1);
  await member.locator("tbody tr").getByRole("button", { name: "Approve" }).click();
  await expect(member.locator("tbody tr .status")).toHaveText("Approved");

  await gotoHydrated(page, `/orders/${order.id}`);
  await expect(payments.locator("tbody tr td").nth(3)).toHaveText("500.00 EUR");
  await expect(payments.locator(".totals dd").first()).toHaveText("734.50 EUR");
  ownerConsole.assertClean();
  await context.close();
});
