import { test, expect, type Browser } from "@playwright/test";
import fs from "node:fs";
import { callApi, decodeQuotedPrintable, gotoHydrated, mailsTo, reloadHydrated, signUp } from "./helpers";

/** Files a request through the public form in a visitor's browser and confirms it from the mail. */
async function fileAndConfirm(browser: Browser, formUrl: string, kind: string, name: string, email: string) {
  const visitor = await browser.newContext();
  const page = await visitor.newPage();
  await gotoHydrated(page, new URL(formUrl).pathname);
  await expect(page.locator("h1")).toContainText("Privacy request to");
  // A bad address is named on its field; nothing is sent.
  await page.getByLabel(kind).check();
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Your email").fill("not-an-address");
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.locator("#field-email-error")).toContainText("email address like");
  await page.getByLabel("Your email").fill(email);
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.locator("[data-privacy-sent]")).toContainText("Check your mail");
  await page.screenshot({ path: `test-results/privacy-form-${kind.split(" ")[0]}.png` });

  let link: string | undefined;
  await expect
    .poll(
      () =>
        (link = mailsTo(email)
          .map((raw) => decodeQuotedPrintable(raw).match(/https?:\/\/\S+\/privacy\/[\w-]+\?confirm=[\w-]+/)?.[0])
          .find(Boolean)),
      { timeout: 10_000 },
    )
    .toBeTruthy();
  const url = new URL(link!);
  await gotoHydrated(page, url.pathname + url.search);
  await page.getByRole("button", { name: "Confirm my request" }).click();
  await expect(page.locator("[data-privacy-confirmed]")).toContainText("is confirmed");
  const reference = await page.locator("[data-privacy-confirmed]").getAttribute("data-privacy-confirmed");
  // The requester is told it was received.
  await expect.poll(() => mailsTo(email).some((m) => decodeQuotedPrintable(m).includes(`${reference} to`) && m.includes("received")), { timeout: 10_000 }).toBe(true);
  await visitor.close();
  return reference!;
}

test("a privacy request goes from the public form through confirmation to an archive and an erasure", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const stamp = Date.now();
  await signUp(page, `privacy-owner+${stamp}@example.com`, "Olive Owner", `Privacy ${stamp}`);
  const customerName = `Mary Shelley ${stamp}`;
  const customerEmail = `mary+${stamp}@example.com`;
  const created = await callApi(page, "/api/customers/create", {
    name: customerName,
    email: customerEmail,
    phone: "",
    company: "",
    notes: "Prefers letters",
    assigned_user_id: "",
    team_id: "",
  });
  expect(created.status()).toBe(200);
  const customerId = (await created.json()).id as string;

  await gotoHydrated(page, "/");
  await page.locator("nav").getByRole("link", { name: "Privacy" }).click();
  await expect(page.locator("h1")).toHaveText("Privacy requests");
  const formUrl = (await page.locator("[data-privacy-form-url]").getAttribute("href"))!;

  // A copy of the data: confirmed, matched, verified, the archive downloaded, completed.
  const access = await fileAndConfirm(browser, formUrl, "A copy of my data", customerName, customerEmail);
  await gotoHydrated(page, "/privacy-requests");
  const row = page.locator(`tr[data-privacy-request='${access}']`);
  await expect(row).toContainText("A copy of my data");
  await expect(row.locator("[data-privacy-status]")).toHaveText("Received");
  await page.screenshot({ path: "test-results/privacy-register.png" });
  await row.getByRole("link", { name: access }).click();
  await expect(page.locator("h1")).toHaveText(`${access}: A copy of my data`);
  await page.getByRole("button", { name: `This is ${customerName}` }).click();
  await expect(page.locator("[data-privacy-customer]")).toContainText(customerName);
  const handle = page.locator("section", { has: page.locator("#handle-heading") });
  await handle.getByLabel("Move to").selectOption("verified");
  await handle.getByRole("button", { name: "Update and tell the requester" }).click();
  await expect(page.locator("[data-privacy-status]")).toHaveText("Identity verified");
  await handle.getByLabel("Move to").selectOption("in_progress");
  await handle.getByRole("button", { name: "Update and tell the requester" }).click();
  await expect(page.locator("[data-privacy-status]")).toHaveText("In progress");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    handle.getByRole("link", { name: "Download the archive" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`privacy-${access}.zip`);
  const zip = fs.readFileSync((await download.path())!);
  expect(zip.subarray(0, 2).toString()).toBe("PK");
  expect(zip.includes(Buffer.from("data.json"))).toBe(true);
  await gotoHydrated(page, page.url().replace(/^https?:\/\/[^/]+/, ""));
  await expect(page.getByText(/Archive prepared: \d+ records/)).toBeVisible();
  await handle.getByRole("button", { name: "Fulfil and complete" }).click();
  await expect(page.locator("[data-privacy-status]")).toHaveText("Completed");
  await expect(page.locator("[data-privacy-outcome]")).toContainText("A copy of your data was prepared");
  // The requester downloads it from the link in their mail, without signing in.
  let archiveLink: string | undefined;
  await expect
    .poll(
      () =>
        (archiveLink = mailsTo(customerEmail)
          .map((raw) => decodeQuotedPrintable(raw).match(/https?:\/\/\S+\/privacy\/[\w-]+\/archive\?token=[\w-]+/)?.[0])
          .find(Boolean)),
      { timeout: 10_000 },
    )
    .toBeTruthy();
  const requester = await browser.newContext();
  const theirs = await requester.request.get(archiveLink!);
  expect(theirs.status()).toBe(200);
  expect(theirs.headers()["content-disposition"]).toContain(`privacy-${access}.zip`);
  const theirZip = await theirs.body();
  expect(theirZip.subarray(0, 2).toString()).toBe("PK");
  expect((await requester.request.get(archiveLink!.replace(/token=[\w-]+/, "token=forged"))).status()).toBe(422);
  await requester.close();
  await reloadHydrated(page);
  await expect(page.getByText("Archive downloaded by the requester")).toBeVisible();

  // Deletion: the customer is erased across the records; the register says so.
  const deletion = await fileAndConfirm(browser, formUrl, "Delete my data", customerName, `mary-erase+${stamp}@example.com`);
  await gotoHydrated(page, "/privacy-requests");
  await page.locator(`tr[data-privacy-request='${deletion}']`).getByRole("link", { name: deletion }).click();
  await page.getByRole("button", { name: `This is ${customerName}` }).click();
  await expect(page.locator("[data-privacy-customer]")).toContainText(customerName);
  for (const status of ["verified", "in_progress"]) {
    await handle.getByLabel("Move to").selectOption(status);
    await handle.getByRole("button", { name: "Update and tell the requester" }).click();
    await expect(page.locator("[data-privacy-status]")).toHaveAttribute("data-privacy-status", status);
  }
  await expect(page.locator("[data-privacy-fulfil]")).toContainText("This cannot be undone");
  await handle.getByRole("button", { name: "Fulfil and complete" }).click();
  await expect(page.locator("[data-privacy-status]")).toHaveText("Completed");
  await expect(page.locator("[data-privacy-customer]")).toContainText("Erased");
  await page.screenshot({ path: "test-results/privacy-erased.png", fullPage: true });

  await gotoHydrated(page, `/customers/${customerId}`);
  await expect(page.locator("h1")).toContainText("Erased customer");
  await expect(page.getByText(customerEmail)).toHaveCount(0);
  await expect(page.getByText("Prefers letters")).toHaveCount(0);
});

test("a closure request schedules the workspace's deletion, shown on the register, and its Owner cancels it", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const stamp = Date.now();
  await signUp(page, `closing-owner+${stamp}@example.com`, "Olive Owner", `Closing ${stamp}`);
  await gotoHydrated(page, "/privacy-requests");
  const formUrl = (await page.locator("[data-privacy-form-url]").getAttribute("href"))!;
  const closure = await fileAndConfirm(browser, formUrl, "Close this workspace", "Olive Owner", `closing-owner+${stamp}@example.com`);

  await gotoHydrated(page, "/privacy-requests");
  await page.locator(`tr[data-privacy-request='${closure}']`).getByRole("link", { name: closure }).click();
  const handle = page.locator("section", { has: page.locator("#handle-heading") });
  for (const status of ["verified", "in_progress"]) {
    await handle.getByLabel("Move to").selectOption(status);
    await handle.getByRole("button", { name: "Update and tell the requester" }).click();
    await expect(page.locator("[data-privacy-status]")).toHaveAttribute("data-privacy-status", status);
  }
  await expect(page.locator("[data-privacy-fulfil]")).toContainText("deletion in 30 days");
  await handle.getByRole("button", { name: "Fulfil and complete" }).click();
  await expect(page.locator("[data-privacy-status]")).toHaveText("Completed");
  await expect(page.locator("[data-privacy-outcome]")).toContainText("will be deleted with everything in it after");

  await gotoHydrated(page, "/privacy-requests");
  const closing = page.locator("[data-closing-on]");
  await expect(closing).toContainText("This workspace is closing");
  await page.screenshot({ path: "test-results/privacy-closing.png" });
  // Before it goes, its Owner takes the whole workspace in one archive.
  const [archive] = await Promise.all([
    page.waitForEvent("download"),
    closing.getByRole("link", { name: "Download the workspace's archive" }).click(),
  ]);
  expect(archive.suggestedFilename()).toMatch(/^workspace-closing-\d+-\d{4}-\d{2}-\d{2}\.zip$/);
  const zip = fs.readFileSync((await archive.path())!);
  expect(zip.subarray(0, 2).toString()).toBe("PK");
  for (const entry of ["manifest.json", "records/customers.csv", "audit/trail.ndjson"]) {
    expect(zip.includes(Buffer.from(entry)), entry).toBe(true);
  }
  await gotoHydrated(page, "/audit?action=workspace.");
  await expect(page.locator("tbody td[data-action='workspace.export']").first()).toBeVisible();
  await gotoHydrated(page, "/privacy-requests");
  await closing.getByRole("button", { name: "Cancel the closure" }).click();
  await expect(page.locator("[data-closing-on]")).toHaveCount(0);
});
