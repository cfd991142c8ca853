import * as zlib from "node:zlib";
import { test, expect, type Page } from "@playwright/test";
import { callApi, csrfToken, gotoHydrated, ownerWithMember, signUp, watchConsole } from "./helpers";

/** A `w`×`h` PNG: a blue mark with a white bar, as a small company logo might be. */
function logoPng(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      const bar = y > h * 0.4 && y < h * 0.6 && x > w * 0.2 && x < w * 0.8;
      row.set(bar ? [255, 255, 255] : [37, 99, 235], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Exports the list on screen: the button starts the export in the background and opens its
 *  page, which follows it to the end and offers the file. */
async function exportList(page: Page, screenshot?: string): Promise<string> {
  await page.getByRole("button", { name: "Export CSV" }).click();
  await page.waitForURL(/\/exports\/[a-z]+\/[0-9a-f-]{36}$/);
  await expect(page.locator(".export-status")).toContainText("The file is ready");
  if (screenshot) await page.screenshot({ path: `test-results/${screenshot}`, fullPage: true });
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download the file" }).click(),
  ]);
  const chunks: Buffer[] = [];
  for await (const chunk of await file.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

test("an export keeps the list's filters and leaves out the tax id without customers.sensitive; the logo shows in the top bar", async ({ page, browser }) => {
  const stamp = Date.now();
  const { context, member } = await ownerWithMember(page, browser, {
    owner: `export-owner+${stamp}@example.com`,
    ownerName: "Ada Lovelace",
    member: `export-member+${stamp}@example.com`,
    memberName: "Mary Somerville",
    workspace: `Exports ${stamp}`,
  });
  const console = watchConsole(page);
  const people = await (await callApi(page, "/api/team/members")).json();
  const mary = people.find((p: { name: string }) => p.name === "Mary Somerville").user_id as string;
  for (const [name, tax, assignee] of [["Babbage & Co", "GB-111", mary], ["=HYPERLINK(\"x\")", "GB-222", mary], ["Not Mary's", "GB-333", ""]]) {
    const res = await callApi(page, "/api/customers/create", {
      name, email: "", phone: "", company: "", tax_id: tax, notes: "", assigned_user_id: assignee, team_id: "",
    });
    expect(res.status()).toBe(200);
  }

  // The Owner's export, of the list as filtered on screen.
  await gotoHydrated(page, "/customers?q=babbage");
  const owners = await exportList(page, "export-page.png");
  const ownerLines = owners.trim().split("\n");
  expect(ownerLines[0]).toContain("Tax id");
  expect(ownerLines).toHaveLength(2);
  expect(ownerLines[1]).toContain("GB-111");

  // Mary exports under a role with the export key but not the sensitive one.
  const token = await csrfToken(page);
  const created = await page.request.post("/api/roles/create", {
    data: { role: { name: "Exporter", permissions: ["customers.read", "customers.export"], scopes: ["customers:assigned"], allow_export: true } },
    headers: { "x-csrf-token": token },
  });
  expect(created.status(), await created.text()).toBe(200);
  const exporter = (await created.json()) as string;
  expect((await callApi(page, "/api/team/assign_role", { user_id: mary, role_id: exporter, until: "" })).status()).toBe(200);
  await gotoHydrated(member, "/customers");
  const marys = await exportList(member);
  const lines = marys.trim().split("\n");
  expect(lines[0]).not.toContain("Tax id");
  expect(marys).not.toContain("GB-");
  expect(lines).toHaveLength(3);
  expect(marys).toContain("'=HYPERLINK");
  expect(marys).not.toContain("Not Mary's");

  // Who was shown the tax id: the Owner (in the list, the export and on the page), not Mary,
  // whose copies were masked.
  await gotoHydrated(page, "/customers?q=babbage");
  await page.getByRole("link", { name: "Babbage & Co" }).click();
  await page.getByRole("link", { name: "Who was shown its sensitive fields →" }).click();
  await expect(page.locator("h1")).toHaveText("Sensitive-data reads");
  const reads = page.locator("tbody tr[data-read]");
  await expect(reads).toHaveCount(1);
  await expect(reads).toContainText("Ada Lovelace");
  await expect(reads).toContainText("tax id");
  expect(Number(await reads.locator("[data-reads]").getAttribute("data-reads"))).toBeGreaterThanOrEqual(3);
  await page.screenshot({ path: "test-results/sensitive-reads.png", fullPage: true });
  await reads.getByRole("link", { name: "Ada Lovelace" }).click();
  await expect(page).toHaveURL(/\/audit\/sensitive\?person=[0-9a-f-]{36}$/);
  await expect(page.getByLabel("Who")).toHaveValue(/[0-9a-f-]{36}/);
  await expect(page.locator("tbody tr[data-read]", { hasText: "Mary" })).toHaveCount(0);

  // The company logo, set in the settings, appears in everyone's top bar.
  await gotoHydrated(page, "/settings");
  const card = page.locator("section", { has: page.locator("#logo-heading") });
  await card.getByLabel("Upload a logo").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: logoPng(96, 64) });
  await card.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(card.getByRole("status")).toHaveText("File added.");
  await card.screenshot({ path: "test-results/logo-card.png" });
  const logo = page.locator(".topbar img.workspace-logo");
  await expect(logo).toHaveAttribute("alt", `Exports ${stamp} logo`);
  await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(96);
  await gotoHydrated(member, "/");
  await expect(member.locator(".topbar img.workspace-logo")).toHaveCount(1);
  await page.locator(".topbar").screenshot({ path: "test-results/topbar-logo.png" });
  console.assertClean();
  await context.close();
});

test("every list page exports the list as it stands: tickets by priority, the catalogue with plain prices", async ({ page }) => {
  const console = watchConsole(page);
  await signUp(page, `list-export+${Date.now()}@example.com`, "Ada Lovelace", "Exported Engines");
  const customer = (await (await callApi(page, "/api/customers/create", {
    name: "Babbage & Co", email: "", phone: "", company: "", tax_id: "", notes: "", assigned_user_id: "", team_id: "",
  })).json()).id as string;
  for (const [subject, priority] of [["Hums", "high"], ["Squeaks", "low"]]) {
    expect((await callApi(page, "/api/tickets/create", {
      customer_id: customer, subject, priority, assigned_user_id: "", team_id: "", message: "It makes a noise.",
    })).status()).toBe(200);
  }
  expect((await callApi(page, "/api/products/create", {
    sku: "ENGINE-1", name: "Difference Engine", description: "", unit_price: "1250", currency: "", stock: "3", active: "on",
  })).status()).toBe(200);

  await gotoHydrated(page, "/tickets?priority=high");
  await expect(page.getByRole("link", { name: "Squeaks" })).toHaveCount(0);
  await page.locator(".toolbar").screenshot({ path: "test-results/tickets-toolbar.png" });
  const tickets = (await exportList(page)).trim().split("\n");
  expect(tickets[0]).toContain("Reference,Subject,Customer,Status,Priority");
  expect(tickets).toHaveLength(2);
  expect(tickets[1]).toContain("Hums");

  await gotoHydrated(page, "/products");
  const products = (await exportList(page)).trim().split("\n");
  expect(products).toHaveLength(2);
  expect(products[1]).toContain("ENGINE-1,Difference Engine,,1250.00,EUR,3,yes");
  console.assertClean();
});
