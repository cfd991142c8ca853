import { test, expect } from "@playwright/test";
import { callApi, decodeQuotedPrintable, gotoHydrated, mailsTo, ownerWithMember, signUp } from "./helpers";

test("an automation shares new urgent tickets out in turn within a team", async ({ page, browser }) => {
  const stamp = Date.now();
  const { context } = await ownerWithMember(page, browser, {
    owner: `auto-owner+${stamp}@example.com`,
    ownerName: "Rita Router",
    member: `auto-member+${stamp}@example.com`,
    memberName: "Sol Support",
    workspace: "Routing Works",
  });
  await context.close();
  expect((await callApi(page, "/api/teams/create_team", { name: "Desk" })).status()).toBe(200);
  const choices = await (await callApi(page, "/api/automations/list")).json();
  const desk: string = choices.teams[0].id;
  expect(choices.members).toHaveLength(2);
  for (const member of choices.members) {
    expect((await callApi(page, "/api/teams/add_member", { team_id: desk, user_id: member.id })).status()).toBe(200);
  }

  await gotoHydrated(page, "/");
  await page.locator("nav").getByRole("link", { name: "Automations" }).click();
  await expect(page.locator("h1")).toHaveText("Automations");
  await expect(page.getByText("No automation has been made.")).toBeVisible();
  const make = page.locator("section", { has: page.locator("#new-automation-heading") });

  // Without a name the field is named and nothing is made.
  await make.getByRole("button", { name: "Make automation" }).click();
  await expect(make.getByText("Name the automation after what it does")).toBeVisible();
  await expect(page.getByText("No automation has been made.")).toBeVisible();

  await make.getByLabel("Name", { exact: true }).fill("Share out urgent tickets");
  await make.getByLabel("When").selectOption({ label: "Ticket is created" });
  await make.getByRole("button", { name: "Add a condition" }).click();
  await make.getByLabel("Field").selectOption({ label: "Priority" });
  await make.getByLabel("Comparison").selectOption({ label: "is" });
  await make.getByLabel("Value").fill("high");
  await make.getByLabel("Value").blur();
  await expect(make.getByLabel("Step")).toHaveValue("round_robin");
  await expect(make.getByLabel("Team")).toHaveValue(desk);
  await make.getByLabel("Acts as role").selectOption({ label: "Manager" });
  await make.getByRole("button", { name: "Make automation" }).click();
  const row = page.locator("tr[data-automation='Share out urgent tickets']");
  await expect(row).toContainText("Ticket is created");
  await expect(row).toContainText("Assign in turn within Desk");
  await expect(row).toContainText("Manager");
  await expect(row).toContainText("Not yet");
  await page.screenshot({ path: "test-results/automations.png", fullPage: true });

  // Three urgent tickets are shared out in turn; the calm one is left alone.
  const customer = (await (await callApi(page, "/api/customers/create", {
    name: "Routed Ltd", email: "", phone: "", company: "", tax_id: "", notes: "", assigned_user_id: "", team_id: "",
  })).json()).id as string;
  for (const [subject, priority] of [["Fire", "high"], ["Flood", "high"], ["Whenever", "low"], ["Smoke", "high"]]) {
    expect((await callApi(page, "/api/tickets/create", {
      customer_id: customer, subject, priority, assigned_user_id: "", team_id: "", message: "Please help.",
    })).status()).toBe(200);
  }

  await row.getByRole("link", { name: "Share out urgent tickets" }).click();
  await expect(page.locator("h1")).toHaveText("Automation");
  const runs = page.locator("tr[data-run]");
  await expect(async () => {
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect(page.locator("tr[data-run='succeeded']")).toHaveCount(3, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(runs).toHaveCount(3);
  const steps = page.locator("li[data-outcome='done']");
  await expect(steps.filter({ hasText: "Assigned to Rita Router" }).or(steps.filter({ hasText: "Assigned to Sol Support" }))).toHaveCount(3);
  const rita = await steps.filter({ hasText: "Assigned to Rita Router" }).count();
  expect([1, 2]).toContain(rita);
  // The edit form shows the saved condition.
  const edit = page.locator("section", { has: page.locator("#edit-automation-heading") });
  await expect(edit.getByLabel("Value")).toHaveValue("high");
  await page.screenshot({ path: "test-results/automation-runs.png", fullPage: true });

  await gotoHydrated(page, "/tickets?view=unassigned");
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody tr")).toContainText("Whenever");
  await gotoHydrated(page, "/tickets");
  await expect(page.locator("tbody tr", { hasText: "Desk" })).toHaveCount(3);

  // Paused, it says so; the trail has who made it and each run, by the automation.
  await gotoHydrated(page, "/settings/automations");
  await row.getByRole("link", { name: "Share out urgent tickets" }).click();
  await edit.getByLabel("Runs (switch off to pause it)").uncheck();
  await edit.getByRole("button", { name: "Save changes" }).click();
  await gotoHydrated(page, "/settings/automations");
  await expect(row).toContainText("Paused");
  await gotoHydrated(page, "/audit");
  await expect(page.getByText("Made an automation")).toBeVisible();
  await expect(page.getByText("Changed an automation")).toBeVisible();
  await expect(page.locator("tr", { hasText: "Ran an automation" }).first()).toContainText("Automation Share out urgent tickets");
});

test("a daily automation tags the matching customers at once and mails each of them", async ({ page }) => {
  const stamp = Date.now();
  await signUp(page, `sched-owner+${stamp}@example.com`, "Sam Scheduler", "Schedule Works");
  const buyer = `buyer+${stamp}@example.com`;
  const other = `other+${stamp}@example.com`;
  for (const [name, email] of [["Acme Trading", buyer], ["Globex", other]]) {
    expect((await callApi(page, "/api/customers/create", {
      name, email, phone: "", company: "", tax_id: "", notes: "", assigned_user_id: "", team_id: "",
    })).status()).toBe(200);
  }

  await gotoHydrated(page, "/settings/automations");
  const make = page.locator("section", { has: page.locator("#new-automation-heading") });
  await make.getByLabel("Name", { exact: true }).fill("Welcome Acme daily");
  await make.getByLabel("When").selectOption({ label: "Each matching customer, every day at 00:00 UTC" });
  await expect(make.getByText("It runs once when saved")).toBeVisible();
  await make.getByRole("button", { name: "Add a condition" }).click();
  await make.getByLabel("Field").selectOption({ label: "Name" });
  await make.getByLabel("Comparison").selectOption({ label: "contains" });
  await make.getByLabel("Value").fill("acme");
  await make.getByLabel("Step").selectOption("add_tag");
  await make.getByLabel("Tag", { exact: true }).fill("Key account");
  await make.getByRole("button", { name: "Add a step" }).click();
  await make.getByLabel("Step").nth(1).selectOption("send_mail");
  await expect(make.getByLabel("Mail to")).toHaveValue("customer");
  await make.getByLabel("Mail subject").fill("Welcome, {{name}}");
  await make.getByLabel("Mail text").fill("Hello {{name}}, glad to have you.");
  await make.getByLabel("Acts as role").selectOption({ label: "Manager" });
  await page.screenshot({ path: "test-results/automation-schedule-form.png", fullPage: true });
  await make.getByRole("button", { name: "Make automation" }).click();
  const row = page.locator("tr[data-automation='Welcome Acme daily']");
  await expect(row).toContainText("Each matching customer, every day at 00:00 UTC");
  await expect(row).toContainText("Tag “Key account”; Mail “Welcome, {{name}}” to the customer");

  // It runs at once for today: Acme only, tagged and mailed.
  await row.getByRole("link", { name: "Welcome Acme daily" }).click();
  await expect(async () => {
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect(page.locator("tr[data-run='succeeded']")).toHaveCount(1, { timeout: 1_000 });
    await expect(page.locator("[data-mails]")).toContainText(`Mail to ${buyer}: sent`, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.locator("tr[data-run]")).toHaveCount(1);
  await expect(page.locator("li[data-outcome='done']", { hasText: "Tagged “Key account”." })).toBeVisible();
  await page.screenshot({ path: "test-results/automation-schedule-runs.png", fullPage: true });
  await expect.poll(() => mailsTo(buyer).length).toBe(1);
  expect(decodeQuotedPrintable(mailsTo(buyer)[0])).toContain("Hello Acme Trading, glad to have you.");
  expect(mailsTo(other)).toHaveLength(0);
});
