import { test, expect } from "@playwright/test";
import { gotoHydrated, signUp, PASSWORD } from "./helpers";

test("an admin makes a key with a narrow role, sees its secret once, uses it and revokes it", async ({ page }) => {
  const stamp = Date.now();
  await signUp(page, `keys-owner+${stamp}@example.com`, "Kim Keymaker", `Keyed ${stamp}`);
  await gotoHydrated(page, "/");
  await page.locator("nav").getByRole("link", { name: "API keys" }).click();
  await expect(page.locator("h1")).toHaveText("API keys");
  await expect(page.getByText("No API key has been made.")).toBeVisible();

  // A key without a name is refused on the field; nothing is made.
  const make = page.locator("section", { has: page.locator("#new-key-heading") });
  await make.getByLabel("Role").selectOption({ label: "Guest" });
  await make.getByLabel("Your password").fill(PASSWORD);
  await make.getByRole("button", { name: "Make key" }).click();
  await expect(make.locator("#field-name-error")).toContainText("Name the key");
  await expect(page.getByText("No API key has been made.")).toBeVisible();
  // The Owner role is never offered to a key.
  await expect(make.getByLabel("Role").locator("option", { hasText: "Owner" })).toHaveCount(0);

  await make.getByLabel("Name").fill("Read-only sync");
  await make.getByRole("button", { name: "Make key" }).click();
  const secret = make.locator("[data-secret]");
  await expect(secret).toHaveText(/^sk_[0-9A-Za-z]{54}$/);
  const key = (await secret.textContent())!;
  const row = page.locator("tr[data-api-key='Read-only sync']");
  await expect(row).toContainText("Guest");
  await expect(row).toContainText("active");
  await expect(row).toContainText("Never");
  await expect(row).toContainText(key.slice(0, 19));
  await page.screenshot({ path: "test-results/api-keys.png", fullPage: true });

  // The key reads through the REST API; the browser's own session is not a way in.
  const base = page.url().replace(/\/settings\/api-keys.*$/, "");
  const withKey = await page.request.get(`${base}/api/v1/customers`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  expect(withKey.status()).toBe(200);
  expect(await withKey.json()).toEqual({ data: [] });
  const withCookie = await page.request.get(`${base}/api/v1/customers`);
  expect(withCookie.status()).toBe(401);
  expect(withCookie.headers()["content-type"]).toBe("application/problem+json");

  // Shown once: gone from the page after a reload, with the key's last use there instead.
  await gotoHydrated(page, "/settings/api-keys");
  await expect(page.locator("[data-secret]")).toHaveCount(0);
  expect(await page.content()).not.toContain(key);
  await expect(row).toContainText("from 127.0.0.1");

  // Why may the key read customers but not write them? Its role says.
  const why = page.locator("section", { has: page.getByRole("heading", { name: "Why?" }) });
  await why.getByLabel("Key", { exact: true }).selectOption({ label: "Read-only sync" });
  await why.getByLabel("Permission", { exact: true }).selectOption("customers.write");
  await why.getByRole("button", { name: "Check" }).click();
  await expect(why.locator(".verdict")).toContainText("Denied");
  await expect(why.locator(".verdict")).toContainText("acts under the role Guest, which does not grant customers.write.");
  await why.getByLabel("Permission", { exact: true }).selectOption("customers.read");
  await why.getByRole("button", { name: "Check" }).click();
  await expect(why.locator(".verdict")).toContainText("Allowed");
  await expect(why.locator(".verdict")).toContainText("holds customers.read now.");
  await page.screenshot({ path: "test-results/api-keys-why.png", fullPage: true });

  // A public key for a shop: shown whole, it reads the published catalogue and nothing else.
  const publicCard = page.locator("section", { has: page.getByRole("heading", { name: "Public keys" }) });
  await publicCard.getByLabel("Name").fill("Web shop");
  await publicCard.getByRole("button", { name: "Make public key" }).click();
  const publicRow = page.locator("tr[data-public-key='Web shop']");
  await expect(publicRow.locator("[data-key]")).toHaveText(/^pk_[0-9A-Za-z]{22}$/);
  const publicKey = (await publicRow.locator("[data-key]").textContent())!;
  const shop = await page.request.get(`${base}/api/v1/public/products`, {
    headers: { Authorization: `Bearer ${publicKey}` },
  });
  expect(shop.status()).toBe(200);
  const notPrivate = await page.request.get(`${base}/api/v1/customers`, {
    headers: { Authorization: `Bearer ${publicKey}` },
  });
  expect(notPrivate.status()).toBe(401);

  // Revoked: the next call is refused like an unknown key.
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("revoked");
  await expect(row.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  const revoked = await page.request.get(`${base}/api/v1/customers`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  expect(revoked.status()).toBe(401);

  await gotoHydrated(page, "/audit");
  await expect(page.getByText("Made an API key")).toBeVisible();
  await expect(page.getByText("Revoked an API key")).toBeVisible();
});
