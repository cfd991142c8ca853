import { test, expect, type Page } from "@playwright/test";
import { callApi, gotoHydrated, signUp, watchConsole } from "./helpers";

/** A customer file of `rows` rows; the rows in `bad` are refused for the reason given. */
function customers(rows: number, bad: Record<number, string[]> = {}, prefix = "Customer"): Buffer {
  const lines = ["Name,Email,Phone,Kind,Tags"];
  for (let i = 1; i <= rows; i++) {
    lines.push((bad[i] ?? [`${prefix} ${i}`, `${prefix.toLowerCase()}${i}@example.com`, "+44 20 7946 0000", "company", "imported"]).join(","));
  }
  return Buffer.from(lines.join("\n") + "\n");
}

async function upload(page: Page, name: string, buffer: Buffer) {
  await gotoHydrated(page, "/customers");
  await page.getByRole("link", { name: "Import CSV" }).click();
  await expect(page).toHaveURL(/\/customers\/import$/);
  await expect(page.locator(".field-hint")).toContainText("at most 20 MB and 100,000 rows");
  await page.getByLabel("CSV file").setInputFiles({ name, mimeType: "text/csv", buffer });
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page).toHaveURL(/\/customers\/import\/[0-9a-f-]{36}$/);
  await page.waitForSelector("html[data-hydrated]");
}

test("a 1,000-row import with three bad rows shows its progress and the report; a long one can be cancelled", async ({ page }) => {
  const console = watchConsole(page);
  await signUp(page, `import+${Date.now()}@example.com`, "Ada Lovelace", "Analytical Engines");

  // Row numbers as a spreadsheet shows them: the header is row 1, customer i is row i + 1.
  const file = customers(1000, {
    100: ["", "nameless@example.com", "", "", ""],
    500: ["Customer 500", "not-an-email", "", "", ""],
    900: ["Customer 900", "c900@example.com", "", "robot", ""],
  });
  await upload(page, "customers.csv", file);
  await expect(page.getByText("1,000 rows. The first rows, as the file has them:")).toBeVisible();
  await expect(page.getByRole("table", { name: "First rows of the file" }).locator("tbody tr")).toHaveCount(5);
  // The columns are matched to fields by their headers; the person can change each.
  await expect(page.getByLabel("Name (required)")).toHaveValue("0");
  await expect(page.getByLabel("Email")).toHaveValue("1");
  await expect(page.getByLabel("Company")).toHaveValue("");
  await page.screenshot({ path: "test-results/import-mapping.png", fullPage: true });

  await page.getByLabel("Import the valid rows and report the others").check();
  await page.getByRole("button", { name: "Start import" }).click();
  // The import's own status line (the page also has the address-confirmation banner).
  const status = page.locator("p.import-status");
  await expect(status).toHaveText("Imported the valid rows: 997 customers created, 0 updated; 3 rows refused.");
  const refused = page.locator("table tbody tr");
  await expect(refused).toHaveCount(3);
  await expect(refused.nth(0)).toContainText("101");
  await expect(refused.nth(0)).toContainText("name");
  await expect(refused.nth(1)).toContainText("501");
  await expect(refused.nth(1)).toContainText("email");
  await expect(refused.nth(2)).toContainText("901");
  await expect(refused.nth(2)).toContainText("Choose company or person.");
  await page.screenshot({ path: "test-results/import-report.png", fullPage: true });

  const [report] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download the report" }).click(),
  ]);
  const chunks: Buffer[] = [];
  for await (const chunk of await report.createReadStream()) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  // A byte-order mark first, so spreadsheets read the file as UTF-8.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString("utf8").trim().split("\n");
  expect(lines[0]).toBe("Row,Field,Reason");
  expect(lines.slice(1).map((l) => l.split(",").slice(0, 2).join(","))).toEqual(["101,name", "501,email", "901,kind"]);

  const list = await (await callApi(page, "/api/customers/list", { search: "Customer 99" })).json();
  expect(list.items.map((c: { name: string }) => c.name)).toContain("Customer 999");

  // The largest file allowed, importing nothing unless all is well: it shows its progress,
  // and cancelling it leaves the 997 customers as they were.
  await upload(page, "many.csv", customers(100_000, {}, "Bulk"));
  await page.getByRole("button", { name: "Start import" }).click();
  await expect(page.getByRole("progressbar", { name: "Import progress" })).toBeVisible();
  await expect(status).toContainText(/Checking rows|Writing/);
  await page.screenshot({ path: "test-results/import-progress.png", fullPage: true });
  await page.getByRole("button", { name: "Cancel import" }).click();
  await expect(status).toHaveText(/^Cancelled/, { timeout: 30_000 });
  await expect(page.getByRole("progressbar")).toHaveCount(0);
  const bulk = await (await callApi(page, "/api/customers/list", { search: "Bulk" })).json();
  expect(bulk.items).toEqual([]);
  console.assertClean();
});
