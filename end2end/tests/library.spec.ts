import { test, expect, type Page } from "@playwright/test";
import { gotoHydrated, signInAsDemo, watchConsole } from "./helpers";

/** A PDF whose bytes depend on `seed`, so each version is told apart by its bytes. */
function pdf(seed: number): Buffer {
  const body = Buffer.alloc(20_000);
  for (let i = 0; i < body.length; i++) body[i] = (i * seed) % 251;
  return Buffer.concat([Buffer.from("%PDF-1.7\n"), body, Buffer.from("\n%%EOF\n")]);
}

function versionsCard(page: Page) {
  return page.getByRole("region", { name: "Versions" });
}

async function upload(page: Page, label: string, name: string, buffer: Buffer) {
  const card = versionsCard(page);
  await card.getByLabel(label).setInputFiles({ name, mimeType: "application/pdf", buffer });
  await card.getByRole("button", { name: "Upload", exact: true }).click();
}

test("a document is added, gets a second version, keeps the first downloadable, loses a mistaken one, is found by tag, edited and deleted", async ({ page }) => {
  const console = watchConsole(page, [422]);
  const stamp = Date.now();
  const title = `Price list ${stamp}`;
  await signInAsDemo(page);
  await gotoHydrated(page, "/");
  await page.locator(".sidenav").getByRole("link", { name: "Documents" }).click();
  await expect(page).toHaveURL(/\/documents$/);
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByRole("link", { name: "Add document" }).click();
  await expect(page).toHaveURL(/\/documents\/new$/);
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);

  // The server names the field it refuses, and nothing is added.
  await page.getByRole("button", { name: "Add document" }).click();
  await expect(page.getByText("Give the document a title.")).toBeVisible();
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Description").fill("What we charge, by region.\nReviewed every quarter.");
  await page.getByLabel("Tags").fill(`pricing, tag${stamp}`);
  await page.getByRole("button", { name: "Add document" }).click();
  await expect(page).toHaveURL(/\/documents\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  const card = versionsCard(page);
  await expect(card).toContainText("No versions yet");
  await expect(card.locator(".field-hint")).toHaveText("PDF, PNG, JPG, DOCX or XLSX, up to 10 MB");

  const first = pdf(7);
  await upload(page, "Upload the file", "prices-q1.pdf", first);
  await expect(card.getByRole("status")).toHaveText("File added.");
  await upload(page, "Upload a new version", "prices-q2.pdf", pdf(11));
  const rows = card.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("Version 2");
  await expect(rows.nth(0)).toContainText("Current");
  await expect(rows.nth(0)).toContainText("prices-q2.pdf");
  await expect(rows.nth(1)).toContainText("Version 1");
  await expect(rows.nth(1)).not.toContainText("Current");
  await page.screenshot({ path: "test-results/library-document.png", fullPage: true });

  // The older version still downloads, byte for byte.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    rows.nth(1).getByRole("link", { name: "prices-q1.pdf" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("prices-q1.pdf");
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).equals(first)).toBe(true);

  // A version uploaded by mistake is removed; the one before is current again.
  await upload(page, "Upload a new version", "wrong-file.pdf", pdf(13));
  await expect(rows).toHaveCount(3);
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await rows.nth(0).getByRole("button", { name: "Remove wrong-file.pdf" }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("Version 2");
  await expect(rows.nth(0)).toContainText("Current");
  await expect(rows.nth(0)).toContainText("prices-q2.pdf");

  // Found by its tag; the list counts its versions.
  await gotoHydrated(page, `/documents?q=tag${stamp}`);
  const listed = page.locator("tbody tr");
  await expect(listed).toHaveCount(1);
  await expect(listed.locator("td").nth(0)).toHaveText(title);
  await expect(listed.locator("td").nth(2)).toHaveText("2");
  await listed.getByRole("link", { name: title }).click();
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);

  // Edited in place; then deleted with its versions.
  const edit = page.locator("section", { has: page.locator("#edit-heading") });
  await edit.getByLabel("Title").fill(`${title} (2026)`);
  await edit.getByRole("button", { name: "Save document" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${title} (2026)`);
  await page.getByRole("button", { name: "Delete this document" }).click();
  await expect(page).toHaveURL(/\/documents$/);
  await gotoHydrated(page, `/documents?q=tag${stamp}`);
  await expect(page.locator("tbody tr")).toHaveCount(0);
  await expect(page.getByText("No documents match.")).toBeVisible();
  console.assertClean();
});
