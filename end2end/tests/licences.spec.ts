import { test, expect } from "@playwright/test";
import { callApi, gotoHydrated, ownerWithMember, watchConsole } from "./helpers";

const KEY = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/;

test("a licence is issued with a key, renewed, suspended and reinstated; a stale tab sees the current terms; a Manager sees the key masked", async ({ page, browser, context }) => {
  const stamp = Date.now();
  const { context: theirs, member } = await ownerWithMember(page, browser, {
    owner: `licences-owner+${stamp}@example.com`,
    ownerName: "Ada Lovelace",
    member: `licences-manager+${stamp}@example.com`,
    memberName: "Mary Somerville",
    workspace: `Licensing ${stamp}`,
  });
  // The stale save answers 409 on purpose.
  const ownerConsole = watchConsole(page, [409]);
  const roles = await (await callApi(page, "/api/roles/list")).json();
  const manager = roles.find((r: { name: string }) => r.name === "Manager").id as string;
  const people = await (await callApi(page, "/api/team/members")).json();
  const mary = people.find((p: { name: string }) => p.name === "Mary Somerville").user_id as string;
  expect((await callApi(page, "/api/team/assign_role", { user_id: mary, role_id: manager, until: "" })).status()).toBe(200);
  expect((await callApi(page, "/api/customers/create", {
    name: "Babbage & Co", email: "", phone: "", company: "", tax_id: "", notes: "", assigned_user_id: "", team_id: "",
  })).status()).toBe(200);
  expect((await callApi(page, "/api/products/create", {
    sku: "ENGINE-1", name: "Difference Engine", description: "", unit_price: "10", currency: "", stock: "", active: "on",
  })).status()).toBe(200);

  await gotoHydrated(page, "/");
  await page.locator(".sidenav").getByRole("link", { name: "Licences" }).click();
  await expect(page.getByText("No licences yet.")).toBeVisible();
  await page.getByRole("link", { name: "Issue licence" }).click();
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Product").selectOption({ label: "ENGINE-1 · Difference Engine · 10.00 EUR" });
  await page.getByLabel("Customer").selectOption({ label: "Babbage & Co" });
  await page.getByLabel("Seats").fill("25");
  await page.getByLabel("Valid from").fill("2026-01-01");
  await page.getByLabel("Valid until").fill("2030-12-31");
  await page.getByRole("button", { name: "Issue licence" }).click();
  await expect(page).toHaveURL(/\/licences\/[0-9a-f-]{36}$/);
  await expect(page.locator("h1")).toHaveText("L-1 · Difference Engine");
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  const details = page.locator(".details");
  await expect(details.locator(".status")).toHaveText("Active");
  const key = (await page.locator(".licence-key").textContent())!.trim();
  expect(key).toMatch(KEY);
  await expect(details).toContainText("2026-01-01 to 2030-12-31");

  await page.getByLabel("Renew for").selectOption("12");
  await page.getByRole("button", { name: "Renew", exact: true }).click();
  await expect(details).toContainText("2026-01-01 to 2031-12-31");
  await page.locator("summary", { hasText: "Suspend" }).click();
  await page.getByLabel("Reason").fill("Invoice unpaid");
  await page.getByRole("button", { name: "Suspend licence" }).click();
  await expect(details.locator(".status")).toHaveText("Suspended");
  await expect(details).toContainText("Invoice unpaid");
  await page.getByRole("button", { name: "Reinstate" }).click();
  await expect(details.locator(".status")).toHaveText("Active");

  // A second tab opened now holds this version; a save here makes it stale there.
  const other = await context.newPage();
  await gotoHydrated(other, page.url());
  const edit = page.locator("section", { has: page.locator("#edit-heading") });
  await edit.getByLabel("Seats").fill("30");
  await edit.getByRole("button", { name: "Save licence" }).click();
  await expect(details).toContainText("30");
  const otherEdit = other.locator("section", { has: other.locator("#edit-heading") });
  await otherEdit.getByLabel("Seats").fill("99");
  await otherEdit.getByRole("button", { name: "Save licence" }).click();
  await expect(otherEdit.locator(".alert-error")).toContainText("changed by someone else");
  await expect(otherEdit.getByLabel("Seats")).toHaveValue("30");
  await other.close();
  const history = page.locator("section", { has: page.getByRole("heading", { name: "History" }) });
  await expect(history).toContainText("reinstated");

  await gotoHydrated(page, "/licences?status=active");
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody tr")).toContainText("Babbage & Co");
  ownerConsole.assertClean();

  // Mary, a Manager, reads licences but may not manage them: the key's last group only, no steps.
  const maryConsole = watchConsole(member);
  await gotoHydrated(member, "/licences");
  await expect(member.getByRole("link", { name: "Issue licence" })).toHaveCount(0);
  await member.locator("tbody tr").getByRole("link").click();
  await expect(member.locator("html[data-hydrated=true]")).toHaveCount(1);
  await expect(member.locator(".licence-key")).toHaveText(`•••••-•••••-•••••-•••••-${key.slice(-5)}`);
  await expect(member.locator("main")).not.toContainText(key.slice(0, 5));
  await expect(member.getByRole("button", { name: "Renew", exact: true })).toHaveCount(0);
  await expect(member.locator("#edit-heading")).toHaveCount(0);
  maryConsole.assertClean();
  await theirs.close();
});
