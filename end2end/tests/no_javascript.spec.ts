import { test, expect } from "@playwright/test";
import { callApi, PASSWORD } from "./helpers";

// Every list and detail page is a complete server-rendered document: with JavaScript off, a
// signed-in Owner sees the page's data, not a loading state, and nothing hydrates.
test.describe("with JavaScript disabled", () => {
  test.use({ javaScriptEnabled: false });

  test("every list and detail page shows its data without scripts", async ({ page }) => {
    const stamp = Date.now();
    const email = `nojs+${stamp}@example.com`;
    // The API needs no scripts in the page: the test drives it as a client would.
    const signUp = await callApi(page, "/api/accounts/sign_up", {
      name: "Nora Script",
      email,
      password: PASSWORD,
      workspace_name: `No Script ${stamp}`,
    });
    expect(signUp.status()).toBe(200);
    const created = await callApi(page, "/api/customers/create", {
      name: "Quiet Customer Ltd",
      email: "quiet@example.com",
      phone: "+44 20 7946 0000",
      company: "Quiet Holdings",
      tax_id: "GB123",
      notes: "",
      assigned_user_id: "",
      team_id: "",
    });
    expect(created.status()).toBe(200);
    const customer = (await created.json()).id as string;
    const made = await callApi(page, "/api/products/create", {
      sku: "QUIET-1",
      name: "Quiet Engine",
      description: "",
      unit_price: "42",
      currency: "",
      stock: "",
      active: "on",
    });
    expect(made.status()).toBe(200);
    const product = (await made.json()).id as string;
    const quoted = await callApi(page, "/api/quotes/create", {
      customer_id: customer, title: "Quiet offer", valid_until: "", notes: "", assigned_user_id: "", team_id: "",
    });
    expect(quoted.status()).toBe(200);
    const quote = (await quoted.json()).quote.id as string;
    const lined = await callApi(page, "/api/quotes/add_line", {
      id: quote, version: "1", product_id: product, quantity: "3", discount: "",
    });
    expect(lined.status()).toBe(200);
    const ordered = await callApi(page, "/api/orders/create", {
      customer_id: customer, notes: "Ring twice", assigned_user_id: "", team_id: "",
    });
    expect(ordered.status()).toBe(200);
    const order = (await ordered.json()).order.id as string;
    const licensed = await callApi(page, "/api/licences/create", {
      product_id: product, customer_id: customer, seats: "4", valid_from: "", valid_until: "",
      notes: "Quiet seats", assigned_user_id: "", team_id: "",
    });
    expect(licensed.status()).toBe(200);
    const licence = (await licensed.json()).licence.id as string;
    const ticketed = await callApi(page, "/api/tickets/create", {
      customer_id: customer, subject: "Quiet hum", priority: "", assigned_user_id: "", team_id: "",
      message: "It hums quietly.",
    });
    expect(ticketed.status()).toBe(200);
    const ticket = (await ticketed.json()).ticket.id as string;
    expect((await callApi(page, "/api/teams/create_team", { name: "Night Shift" })).status()).toBe(200);
    const roles = await (await callApi(page, "/api/roles/list")).json();
    const staff = roles.find((r: { name: string }) => r.name === "Staff");
    const members = await (await callApi(page, "/api/team/members")).json();
    const me = members[0];

    const pages: [string, string, string][] = [
      ["/customers", "Customers", "Quiet Customer Ltd"],
      [`/customers/${customer}`, "Quiet Customer Ltd", "quiet@example.com"],
      ["/customers/new", "New customer", "Name"],
      ["/products", "Products", "42.00 EUR"],
      [`/products/${product}`, "Quiet Engine", "QUIET-1"],
      ["/products/new", "New product", "Unit price"],
      ["/quotes", "Quotes", "Quiet offer"],
      [`/quotes/${quote}`, "Q-1 · Quiet offer", "126.00 EUR"],
      ["/quotes/new", "New quote", "Valid until"],
      ["/orders", "Orders", "Quiet Customer Ltd"],
      [`/orders/${order}`, "Order O-1", "Ring twice"],
      ["/orders/new", "New order", "Customer"],
      ["/licences", "Licences", "Quiet Customer Ltd"],
      [`/licences/${licence}`, "L-1 · Quiet Engine", "Quiet seats"],
      ["/licences/new", "Issue a licence", "Seats"],
      ["/tickets", "Tickets", "Quiet hum"],
      [`/tickets/${ticket}`, "T-1 · Quiet hum", "It hums quietly."],
      ["/tickets/new", "New ticket", "What the customer asked"],
      ["/", "Overview", "Revenue per week"],
      ["/reports", "Reports", "Sales by month"],
      ["/team", "Team", "Nora Script"],
      [`/team/access/${me.user_id}`, "Access of Nora Script", "customers.read"],
      ["/team/groups", "Teams and departments", "Night Shift"],
      ["/roles", "Roles", "Staff"],
      [`/roles/${staff.id}`, "Role: Staff", "Data scope"],
      ["/audit", "Audit log", "Nora Script"],
      ["/sessions", "Your sessions", "This session"],
      ["/workspaces", "Workspaces", `No Script ${stamp}`],
      ["/settings", "Security settings", "Minimum length"],
      ["/account", "Your account", email],
    ];
    for (const [path, heading, content] of pages) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      await expect(page.locator("h1"), path).toHaveText(heading);
      await expect(page.locator("main"), path).toContainText(content);
      await expect(page.locator("main"), path).not.toContainText("Loading");
      await expect(page.locator("html[data-hydrated]"), path).toHaveCount(0);
    }
  });
});
