import { test, expect, type Page } from "@playwright/test";
import { callApi, gotoHydrated, signInAsDemo, watchConsole } from "./helpers";

/** A PDF whose bytes vary, so a byte-for-byte comparison means something. */
function pdf(): Buffer {
  const body = Buffer.alloc(40_000);
  for (let i = 0; i < body.length; i++) body[i] = (i * 7) % 251;
  return Buffer.concat([Buffer.from("%PDF-1.7\n"), body, Buffer.from("\n%%EOF\n")]);
}

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0]);

function filesCard(page: Page) {
  return page.getByRole("region", { name: "Files", exact: true });
}

async function upload(page: Page, name: string, mimeType: string, buffer: Buffer, card = filesCard(page), label = "Add a file") {
  await card.getByLabel(label).setInputFiles({ name, mimeType, buffer });
  await card.getByRole("button", { name: "Upload", exact: true }).click();
}

/** The record id at the end of the page's address. */
function recordId(page: Page): string {
  return new URL(page.url()).pathname.split("/").pop()!;
}

test("a PDF attached to an order downloads byte-identical; a disguised file is refused; a file can be removed", async ({ page }) => {
  const console = watchConsole(page);
  await signInAsDemo(page);
  await gotoHydrated(page, "/orders");
  await page.locator("table tbody tr a").first().click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  const order = page.url();
  const id = recordId(page);
  const card = filesCard(page);
  await expect(card.getByRole("heading", { name: "Files" })).toBeVisible();
  await expect(card.locator(".field-hint")).toHaveText("PDF, PNG, JPG, DOCX or XLSX, up to 10 MB");

  const name = `Delivery note ${Date.now()}.pdf`;
  const bytes = pdf();
  await upload(page, name, "application/pdf", bytes);
  await expect(page).toHaveURL(`${order}?file=added&on=${id}#files-${id}`);
  await expect(card.getByRole("status")).toHaveText("File added.");
  const row = card.locator("tbody tr", { hasText: name });
  await expect(row).toHaveCount(1);
  await expect(row.locator("td").nth(1)).toHaveText("PDF");
  await expect(row.locator("td").nth(2)).toHaveText("40 KB");
  await page.screenshot({ path: "test-results/files-order.png", fullPage: true });

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    row.getByRole("link", { name }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(name);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).equals(bytes)).toBe(true);

  // An executable named .pdf: refused with the reason, and nothing added.
  const before = await card.locator("tbody tr").count();
  await upload(page, "invoice.pdf", "application/pdf", ELF);
  await expect(page).toHaveURL(`${order}?file_error=type&on=${id}#files-${id}`);
  await expect(card.getByRole("alert")).toContainText("its content is not what its name says");
  await expect(card.locator("tbody tr")).toHaveCount(before);

  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await card.locator("tbody tr", { hasText: name }).getByRole("button", { name: `Remove ${name}` }).click();
  await expect(card.locator("tbody tr", { hasText: name })).toHaveCount(0);
  console.assertClean();
});

test("a ticket's thread takes a screenshot, and a payment its proof", async ({ page }) => {
  const console = watchConsole(page);
  await signInAsDemo(page);
  await gotoHydrated(page, "/tickets");
  await page.locator("table tbody tr a").first().click();
  await expect(page).toHaveURL(/\/tickets\/[0-9a-f-]{36}$/);
  const ticket = filesCard(page);
  await expect(ticket.locator(".field-hint")).toHaveText("PDF, PNG or JPG, up to 5 MB");
  const shot = `Error screen ${Date.now()}.pdf`;
  await upload(page, shot, "application/pdf", pdf());
  await expect(ticket.getByRole("status")).toHaveText("File added.");
  await expect(ticket.locator("tbody tr", { hasText: shot })).toHaveCount(1);

  await page.screenshot({ path: "test-results/files-ticket.png", fullPage: true });

  // A payment's proof is on its order's page, in the proof card, a part per payment.
  const orders = await (await callApi(page, "/api/orders/list", { search: "", status: "fulfilled" })).json();
  let paid = "";
  for (const o of orders.items as { id: string }[]) {
    const p = await (await callApi(page, "/api/payments/for_order", { order_id: o.id })).json();
    if (p.payments?.length) { paid = o.id; break; }
  }
  expect(paid).not.toBe("");
  await gotoHydrated(page, `/orders/${paid}`);
  const proof = page.getByRole("region", { name: /^Proof of payment: / }).first();
  await expect(proof.locator(".field-hint")).toHaveText("PDF, PNG or JPG, up to 8 MB");
  const receipt = `Bank statement ${Date.now()}.pdf`;
  await upload(page, receipt, "application/pdf", pdf(), proof, "Add proof");
  await expect(page).toHaveURL(new RegExp(`/orders/${paid}\\?file=added&on=`));
  await expect(proof.getByRole("status")).toHaveText("File added.");
  await expect(proof.locator("tbody tr", { hasText: receipt })).toHaveCount(1);
  // The other cards on the page do not claim the upload.
  await expect(filesCard(page).getByRole("status")).toHaveCount(0);
  await page.screenshot({ path: "test-results/files-payment-proof.png", fullPage: true });
  // Removing it takes it off the list, and the page still works (hydrated, no console errors).
  await proof.getByRole("button", { name: `Remove ${receipt}` }).click();
  await expect(proof.locator("tbody tr", { hasText: receipt })).toHaveCount(0);
  console.assertClean();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a file is attached to a customer and listed", async ({ page }) => {
    await signInAsDemo(page);
    await page.goto("/customers");
    await page.locator("table tbody tr a").first().click();
    await expect(page).toHaveURL(/\/customers\/[0-9a-f-]{36}$/);
    const name = `Signed contract ${Date.now()}.pdf`;
    await upload(page, name, "application/pdf", pdf());
    await expect(page).toHaveURL(/\?file=added&on=[0-9a-f-]{36}#files-[0-9a-f-]{36}$/);
    await expect(filesCard(page).locator("tbody tr", { hasText: name })).toHaveCount(1);
  });
});
