import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { gotoHydrated, signInAsDemo, watchConsole } from "./helpers";

/** python-docx (PyPI) writes the template and reads back the download: a third party's view. */
const python = process.env.GATEHOUSE_TEST_PYTHON_DOCX;
const tool = path.join(__dirname, "../../app/tests/integration/docx/docx_tool.py");

test("an admin uploads a quote template; a quote downloads filled into it", async ({ page }, testInfo) => {
  test.skip(!python && !process.env.GATEHOUSE_REQUIRE_DOCX, "python-docx is not set up");
  expect(python, "GATEHOUSE_TEST_PYTHON_DOCX").toBeTruthy();
  const template = testInfo.outputPath("Quote template.docx");
  execFileSync(python!, [tool, "make", template]);

  const console = watchConsole(page);
  await signInAsDemo(page);
  await gotoHydrated(page, "/settings");
  const card = page.getByRole("region", { name: "Quote template" });
  await expect(card.locator(".field-hint")).toHaveText("DOCX, up to 5 MB");
  // A picture named .docx is refused with the reason.
  await card.getByLabel("Upload a template").setInputFiles({
    name: "template.docx",
    mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    buffer: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]),
  });
  await card.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(card.getByRole("alert")).toContainText("not accepted here");

  await card.getByLabel("Upload a template").setInputFiles(template);
  await card.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\?file=added&on=quote-template#quote-template$/);
  await expect(card.getByRole("status")).toHaveText("File added.");
  await expect(card.getByRole("link", { name: "Quote template.docx" })).toBeVisible();
  // The logo card beside it does not claim the upload.
  await expect(page.locator("#attachments").getByRole("status")).toHaveCount(0);
  await card.getByText("Placeholders", { exact: true }).click();
  await expect(card.getByRole("cell", { name: "{{customer.name}}" })).toBeVisible();
  await card.screenshot({ path: "test-results/quote-template-card.png" });

  await gotoHydrated(page, "/quotes");
  await page.locator("table tbody tr a").first().click();
  await expect(page).toHaveURL(/\/quotes\/[0-9a-f-]{36}$/);
  const reference = (await page.locator("h1").innerText()).split(" · ")[0];
  const customer = (await page.locator("dl.details dt:text-is('Customer') + dd").innerText()).trim();
  const lines = await page.locator("table.lines tbody tr:has(code)").count();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download as DOCX" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${reference}.docx`);
  const filled = testInfo.outputPath("filled.docx");
  await download.saveAs(filled);
  expect(readFileSync(filled).subarray(0, 2).toString()).toBe("PK");
  const text = JSON.parse(execFileSync(python!, [tool, "read", filled]).toString());
  expect(text.paragraphs[0]).toBe(`Quote ${reference}`);
  expect(text.paragraphs[1]).toContain(`Dear ${customer}, here is our offer`);
  expect(text.table.length).toBe(lines + 1);
  expect(JSON.stringify(text)).not.toContain("{{");
  expect(text.footer).toEqual(["Northwind Traders"]);
  await page.screenshot({ path: "test-results/quote-docx.png", fullPage: true });
  console.assertClean();
});
