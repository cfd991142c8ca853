import { test, expect } from "@playwright/test";
import { callApi, gotoHydrated, signUp, PASSWORD } from "./helpers";

/** The loopback receiver the test command starts; it verifies with the standardwebhooks package. */
const RECEIVER = process.env.GATEHOUSE_TEST_WEBHOOK_RECEIVER ?? "http://127.0.0.1:2590";

test("an admin adds an endpoint, a change arrives verified, and the log shows each delivery", async ({ page }) => {
  const stamp = Date.now();
  const hook = `e2e-${stamp}`;
  await signUp(page, `hooks-owner+${stamp}@example.com`, "Wen Hooker", `Hooked ${stamp}`);
  await gotoHydrated(page, "/");
  await page.locator("nav").getByRole("link", { name: "Webhooks" }).click();
  await expect(page.locator("h1")).toHaveText("Webhooks");
  await expect(page.getByText("No endpoint has been made.")).toBeVisible();

  // Without an event, the form names the field and nothing is made.
  const add = page.locator("section", { has: page.locator("#new-webhook-heading") });
  await add.getByLabel("Address", { exact: true }).fill(`${RECEIVER}/hooks/${hook}`);
  await add.getByLabel("Description").fill("Data warehouse");
  await add.getByLabel("Your password").fill(PASSWORD);
  await add.getByRole("button", { name: "Add endpoint" }).click();
  await expect(add.getByText("Choose at least one event to deliver.")).toBeVisible();
  await expect(page.getByText("No endpoint has been made.")).toBeVisible();

  await add.locator("fieldset", { hasText: "Customer" }).getByLabel("Created").check();
  await add.getByRole("button", { name: "Add endpoint" }).click();
  const secret = add.locator("[data-secret]");
  await expect(secret).toHaveText(/^whsec_[A-Za-z0-9+/=]{44}$/);
  const row = page.locator(`tr[data-webhook='${RECEIVER}/hooks/${hook}']`);
  await expect(row).toContainText("customer.create");
  await expect(row).toContainText("Enabled");
  await page.screenshot({ path: "test-results/webhooks.png", fullPage: true });

  // The receiver verifies with the secret it was given; a customer made now reaches it.
  const given = await page.request.put(`${RECEIVER}/endpoints/${hook}`, {
    data: { secret: (await secret.textContent())! },
  });
  expect(given.status()).toBe(204);
  const made = await callApi(page, "/api/customers/create", { name: "Webhook Works Ltd", email: "", phone: "", company: "", tax_id: "", notes: "", assigned_user_id: "", team_id: "" });
  expect(made.status()).toBe(200);
  await expect
    .poll(async () => (await (await page.request.get(`${RECEIVER}/endpoints/${hook}`)).json()).verified.length, { timeout: 10_000 })
    .toBe(1);

  await row.getByRole("link", { name: "Data warehouse" }).click();
  await expect(page.locator("h1")).toHaveText("Webhook endpoint");
  const delivered = page.locator("tr[data-delivery='customer.create']");
  await expect(async () => {
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect(delivered.locator("[data-delivery-status]")).toHaveText("success", { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await expect(delivered).toContainText("#1");
  await expect(delivered).toContainText("204");

  // A test event arrives too.
  await page.getByRole("button", { name: "Send test event" }).click();
  const test = page.locator("tr[data-delivery='webhook.test']");
  await expect(async () => {
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect(test.locator("[data-delivery-status]")).toHaveText("success", { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await page.screenshot({ path: "test-results/webhook-endpoint.png", fullPage: true });

  // Switched off, it says so; then deleted, it is gone from the list.
  await page.getByLabel("Enabled").uncheck();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("[data-endpoint-state]")).toHaveText("Disabled");
  await page.getByRole("button", { name: "Delete endpoint" }).click();
  await expect(page.locator("h1")).toHaveText("Webhooks");
  await expect(page.getByText("No endpoint has been made.")).toBeVisible();

  await gotoHydrated(page, "/audit");
  await expect(page.getByText("Added a webhook endpoint")).toBeVisible();
  await expect(page.getByText("Deleted a webhook endpoint")).toBeVisible();
});
