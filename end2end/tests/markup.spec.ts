import { test, expect, type Page } from "@playwright/test";
import crypto from "node:crypto";
import { callApi, csrfToken, gotoHydrated, PASSWORD, watchConsole } from "./helpers";

// Ends every raw-text element, breaks out of an attribute, opens an element and a comment (the
// server-side sweep, server/tests/http/markup.rs, parses the same pages with html5ever).
const HOSTILE = `</textarea></title>"><b id=x>hi</b><!--`;

async function json(page: Page, path: string, body: unknown) {
  const token = await csrfToken(page);
  const res = await page.request.post(path, { data: body, headers: { "x-csrf-token": token } });
  expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
  return res.json();
}

async function form(page: Page, path: string, fields: Record<string, string>) {
  const res = await callApi(page, path, fields);
  expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
  return res.json();
}

test("a hostile string in every text field stays text after hydration", async ({ page }) => {
  const console = watchConsole(page);
  const email = `markup-${crypto.randomUUID()}@example.com`;
  await form(page, "/api/accounts/sign_up", {
    name: HOSTILE,
    email,
    password: PASSWORD,
    workspace_name: HOSTILE,
  });
  const customer = await form(page, "/api/customers/create", {
    name: HOSTILE,
    email: "buyer@example.com",
    phone: "",
    company: HOSTILE,
    tax_id: HOSTILE,
    notes: HOSTILE,
    assigned_user_id: "",
    team_id: "",
  });
  await form(page, "/api/teams/create_team", { name: HOSTILE });
  await form(page, "/api/teams/create_department", { name: HOSTILE });
  await form(page, "/api/settings/add_ip_rule", {
    kind: "deny",
    cidr: "203.0.113.0/24",
    user_id: "",
    note: HOSTILE,
  });
  const document = await form(page, "/api/library/create", {
    title: HOSTILE,
    description: HOSTILE,
    tags: HOSTILE,
    assigned_user_id: "",
    team_id: "",
  });
  const role = await json(page, "/api/roles/create", {
    role: { name: HOSTILE, description: HOSTILE, permissions: ["customers.read"] },
  });

  const pages = [
    "/",
    "/customers",
    `/customers/${customer.id}`,
    "/documents",
    `/documents/${document.id}`,
    "/team",
    "/team/groups",
    "/roles",
    `/roles/${role}`,
    "/settings",
    "/audit",
    "/account",
  ];
  for (const path of pages) {
    await gotoHydrated(page, path);
    await expect(page.locator("#x"), path).toHaveCount(0);
    await expect(page.locator("b[id]"), path).toHaveCount(0);
    // Shown as the very text it is, somewhere on every page (the workspace name is in the top bar).
    await expect(page.getByText(HOSTILE).first(), path).toBeVisible();
  }

  await gotoHydrated(page, `/customers/${customer.id}`);
  await expect(page.locator("#field-notes")).toHaveValue(HOSTILE);
  await expect(page.locator("#field-name")).toHaveValue(HOSTILE);
  await expect(page.locator("#field-company")).toHaveValue(HOSTILE);
  await page.screenshot({ path: "test-results/markup-customer.png", fullPage: true });
  await gotoHydrated(page, `/documents/${document.id}`);
  await expect(page.locator("#field-description")).toHaveValue(HOSTILE);
  await expect(page.getByLabel("Title")).toHaveValue(HOSTILE);
  console.assertClean();
});
