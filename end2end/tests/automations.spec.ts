import { test, expect } from "@playwright/test";
import { callApi, gotoHydrated, ownerWithMember } from "./helpers";

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
