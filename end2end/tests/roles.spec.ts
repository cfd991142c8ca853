import { test, expect, type Page, type TestInfo } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { gotoHydrated, ownerWithMember, watchConsole } from "./helpers";

/** The server binary under test: `server audit verify-export` proves what the browser downloaded. */
const serverBin = process.env.GATEHOUSE_SERVER_BIN;

/** Tomorrow as YYYY-MM-DD in UTC: a new workspace's time zone is UTC. */
function tomorrow(): string {
  return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
}

/** The editor: a parent's keys come greyed with their source, groups count, "all" toggles; saving shows the diff first. */
async function buildAuditorRole(page: Page) {
  await gotoHydrated(page, "/roles");
  await page.getByRole("link", { name: "New role" }).click();
  await expect(page.locator("h1")).toHaveText("New role");
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Name", { exact: true }).fill("Auditor");
  await page.getByLabel("Description").fill("Reads roles and reports.");
  await page.getByLabel("Inherits from").selectOption({ label: "Guest" });
  const customersRead = page.locator("[data-key='customers.read']");
  await expect(customersRead).toBeChecked();
  await expect(customersRead).toBeDisabled();
  await expect(page.locator(".perm", { has: customersRead })).toContainText("Inherited from Guest.");

  const reports = page.locator(".perm-group", { hasText: "Reports" });
  await expect(reports.locator(".count")).toHaveText("0 of 5");
  await page.getByLabel("All Reports permissions").check();
  await expect(reports.locator(".count")).toHaveText("5 of 5");
  await page.locator("[data-key='analytics.advanced']").uncheck();
  await expect(reports.locator(".count")).toHaveText("4 of 5");
  await page.locator("[data-key='roles.read']").check();

  await page.getByLabel("Data scope for customers").selectOption("team");
  await page.getByLabel("Data export allowed").check();
  await page.getByLabel("Max records visible").fill("500");

  // Saving shows the diff first; saving is impossible until it has been reviewed.
  const save = page.getByRole("button", { name: "Save role" });
  await expect(save).toBeDisabled();
  await page.getByRole("button", { name: "Review changes" }).click();
  const diff = page.locator(".diff");
  await expect(diff).toContainText("grants customers.read");
  await expect(diff).toContainText("roles.read");
  await expect(diff).toContainText("affects 0 users");
  await expect(diff).not.toContainText("analytics.advanced");
  // An edit after the review hides the diff again.
  await page.locator("[data-key='audit.read']").check();
  await expect(diff).toHaveCount(0);
  await expect(save).toBeDisabled();
  await page.getByRole("button", { name: "Review changes" }).click();
  await expect(diff).toContainText("audit.read");
  await save.click();
  await expect(page).toHaveURL(/\/roles$/);
  const row = page.locator("tbody tr", { hasText: "Auditor" });
  await expect(row).toContainText("Reads roles and reports. Inherits from Guest.");
  await expect(row).toContainText("Nobody");
}

/** Gives the role to the member until tomorrow, from their access page. */
async function assignUntilTomorrow(page: Page) {
  await gotoHydrated(page, "/team");
  await page.getByRole("link", { name: "Sam Staff" }).click();
  await expect(page.locator("h1")).toHaveText("Access of Sam Staff");
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Give a role").selectOption({ label: "Auditor" });
  await page.getByLabel("Until (optional)").fill(tomorrow());
  await page.getByRole("button", { name: "Give role" }).click();
  const held = page.locator(".held-roles");
  await expect(held).toContainText(`Auditor — until ${tomorrow()}`);
  await expect(held).toContainText("Staff — until removed");
  await expect(page.locator("tbody tr", { hasText: "audit.read" })).toContainText(
    `Auditor (until ${tomorrow()})`,
  );
}

/** The member's next page load has the new menu entry and the role's read-only view. */
async function memberSeesTheRoleReadOnly(member: Page) {
  await gotoHydrated(member, "/");
  await expect(member.locator(".sidenav")).toContainText("Roles");
  await member.locator(".sidenav").getByRole("link", { name: "Roles" }).click();
  await expect(member.locator("tbody tr", { hasText: "Auditor" })).toContainText("1 person");
  await expect(member.getByRole("link", { name: "New role" })).toHaveCount(0);
  await member.getByRole("link", { name: "Auditor" }).click();
  await expect(member.locator(".alert-warning")).toContainText("You can see this role but not change it.");
  await expect(member.getByRole("button", { name: "Save role" })).toHaveCount(0);
}

/** Editing a role in use names what changes and for how many; deleting it asks where its holder goes. */
async function editThenDeleteAuditor(page: Page) {
  const diff = page.locator(".diff");
  await gotoHydrated(page, "/roles");
  await page.locator("tbody tr", { hasText: "Auditor" }).getByRole("link", { name: "Edit" }).click();
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await expect(page.getByLabel("Max records visible")).toHaveValue("500");
  await expect(page.getByLabel("Data scope for customers")).toHaveValue("team");
  await page.locator("[data-key='audit.read']").uncheck();
  await page.getByRole("button", { name: "Review changes" }).click();
  await expect(diff).toHaveText("Saving this role revokes audit.read — affects 1 user");
  await page.getByRole("button", { name: "Save role" }).click();
  await expect(page).toHaveURL(/\/roles$/);
  // A full page load: the list's buttons work once its code has loaded and hydrated.
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);

  // Deleting it asks where its holder goes.
  await page.locator("tbody tr", { hasText: "Auditor" }).getByRole("button", { name: "Delete" }).click();
  const panel = page.locator(".danger-zone");
  await expect(panel).toContainText("1 person holds it.");
  await panel.getByRole("button", { name: "Delete role" }).click();
  await expect(panel).toContainText("People hold this role: choose the role they move to.");
  await panel.getByLabel("Move holders to").selectOption({ label: "Guest" });
  await panel.getByRole("button", { name: "Delete role" }).click();
  await expect(page.locator("tbody tr", { hasText: "Auditor" })).toHaveCount(0);
  await expect(page.locator("tbody tr", { hasText: "Guest" })).toContainText("1 person");
}

/** Segregation of duties: a pair someone (the Staff member) already breaks is refused; a new pair is kept apart, then released. */
async function keepPairsApart(page: Page) {
  const sod = page.locator("section", { has: page.locator("#sod-heading") });
  await expect(sod).toContainText("payments.process ↔ payments.reconcile");
  await sod.getByLabel("Permission", { exact: true }).selectOption("customers.read");
  await sod.getByLabel("Never together with").selectOption("customers.write");
  await sod.getByRole("button", { name: "Keep apart" }).click();
  await expect(sod.locator(".alert-error")).toContainText("already holds both customers.read and customers.write");
  await sod.getByLabel("Permission", { exact: true }).selectOption("customers.export");
  await sod.getByLabel("Never together with").selectOption("customers.delete");
  await sod.getByRole("button", { name: "Keep apart" }).click();
  await expect(sod).toContainText("customers.delete ↔ customers.export");
  await sod.getByRole("button", { name: "Stop keeping customers.delete and customers.export apart" }).click();
  await expect(sod).not.toContainText("customers.delete ↔ customers.export");
}

/** The audit log shows every change, newest first, with the state before and after. */
async function auditLogShowsEveryChange(page: Page, stamp: number) {
  await page.locator(".sidenav").getByRole("link", { name: "Audit log" }).click();
  await expect(page.locator("h1")).toHaveText("Audit log");
  // The server proves the chain a minute after it starts, then every six hours.
  await expect(page.locator("[data-chain='status']")).toHaveText(
    /has not been verified yet|^Verified intact .*: \d+ entries, /,
  );
  // Newest first: the pair was kept apart before it was stopped.
  await expect(page.locator("tbody tr", { hasText: "Stopped keeping permissions apart" })).toBeVisible();
  const order = await page.locator("tbody td[data-action]").evaluateAll((cells) =>
    cells.map((c) => c.getAttribute("data-action")),
  );
  expect(order.indexOf("sod.remove")).toBeLessThan(order.indexOf("sod.add"));
  const deleted = page.locator("tbody tr", { hasText: "Deleted role" });
  await expect(deleted).toContainText("Olive Owner");
  await expect(deleted.locator("td").first()).toHaveAttribute("title", /^Entry #\d+ · [0-9a-f]{64}$/);
  await deleted.getByText("Before and after").click();
  await expect(deleted.locator("pre.state").first()).toContainText('"name": "Auditor"');
  // Olive gave Sam the Auditor role; Sam's joining by invitation gave him Staff.
  const given = page.locator("tbody tr", { hasText: "Gave a role" });
  await expect(given).toHaveCount(2);
  await expect(given.filter({ hasText: "Olive Owner" })).toContainText("Sam Staff");
  await expect(page.locator("tbody tr", { hasText: "Invited" })).toContainText(`roles-member+${stamp}@example.com`);
  await expect(page.locator("tbody tr", { hasText: "Created role" })).toHaveCount(1);
}

/** The same trail holds sign-ins with where they came from, and how long it is kept. */
async function auditTrailHoldsSignInsAndKeepsForAWhile(page: Page) {
  await gotoHydrated(page, "/audit?action=sign_in.&outcome=done");
  const signedIn = page.locator("tbody tr", { hasText: "Signed in" }).filter({ hasText: "Olive Owner" });
  await expect(signedIn.first()).toContainText("127.0.0.1");
  await expect(page.getByLabel("Outcome")).toHaveValue("done");
  const retention = page.locator("[data-retention]");
  await expect(retention).toHaveAttribute("data-retention", "400");
  await retention.getByLabel("Keep entries for (days)").fill("7");
  await retention.getByRole("button", { name: "Save retention" }).click();
  await expect(retention.locator(".field-error")).toContainText("30 to 3650");
  await retention.getByLabel("Keep entries for (days)").fill("90");
  await retention.getByRole("button", { name: "Save retention" }).click();
  await expect(page.locator("[data-retention]")).toHaveAttribute("data-retention", "90");
  await gotoHydrated(page, "/audit?action=settings.");
  await expect(page.locator("tbody td[data-action='settings.audit_retention']")).toHaveCount(1);
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", "/audit/export.csv?action=settings.");
  await page.getByRole("link", { name: "Security events over time →" }).click();
  await expect(page.locator("h1")).toHaveText("Security events");
  await expect(page.locator("#failed-sign-ins-heading")).toHaveText("Failed sign-ins");
  await expect(page.locator("[data-security='totals']")).toHaveText(/^\d+ lockouts, \d+ refused calls\. See them in the audit log$/);
  // Giving the Auditor role audit.read, a sensitive key, alerted the administrators.
  await gotoHydrated(page, "/audit");
  await page.getByRole("link", { name: "Alerts →" }).click();
  await expect(page.locator("h1")).toHaveText("Alerts");
  await expect(page.locator("tr[data-alert='role.sensitive']", { hasText: "The role Auditor now grants" }).first()).toBeVisible();
  await page.screenshot({ path: "test-results/alerts.png", fullPage: true });
  // The backups register is read with the same key.
  await gotoHydrated(page, "/audit");
  await page.getByRole("link", { name: "Backups →" }).click();
  await expect(page.locator("h1")).toHaveText("Backups");
  await expect(page.locator("section.card")).toBeVisible();
}

/** Filtered to role changes, then exported: the file proves itself with the server's public key. */
async function auditLogFiltersAndExports(page: Page, testInfo: TestInfo) {
  await page.getByLabel("What").selectOption({ label: "Roles" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=role\./);
  const actions = page.locator("tbody td[data-action]");
  await expect(actions.first()).toBeVisible();
  for (const action of await actions.evaluateAll((cells) => cells.map((c) => c.getAttribute("data-action")))) {
    expect(action).toMatch(/^role\./);
  }
  await expect(page.locator("tbody tr", { hasText: "Invited" })).toHaveCount(0);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export NDJSON" }).click(),
  ]);
  const file = testInfo.outputPath("audit.ndjson");
  await download.saveAs(file);
  expect(serverBin, "GATEHOUSE_SERVER_BIN").toBeTruthy();
  const publicKey = execFileSync(serverBin!, ["audit", "public-key"]).toString().trim();
  const verified = execFileSync(serverBin!, ["audit", "verify-export", file, "--public-key", publicKey]).toString();
  expect(verified).toMatch(/^intact: workspace .*, \d+ entries .*a selection/);
}

test("an admin builds a role in the editor, assigns it with an expiry, and the member's UI follows", async ({
  page,
  browser,
}, testInfo) => {
  // Deleting the role without choosing where its holder goes answers 422 and the broken
  // segregation pair 409, on purpose.
  const console = watchConsole(page, [409, 422]);
  const stamp = Date.now();
  const { context, member } = await ownerWithMember(page, browser, {
    owner: `roles-owner+${stamp}@example.com`,
    ownerName: "Olive Owner",
    member: `roles-member+${stamp}@example.com`,
    memberName: "Sam Staff",
    workspace: "Role Makers",
  });

  // Staff cannot see roles: no menu entry.
  await gotoHydrated(member, "/");
  await expect(member.locator(".sidenav")).toContainText("Team");
  await expect(member.locator(".sidenav")).not.toContainText("Roles");

  await buildAuditorRole(page);
  await assignUntilTomorrow(page);
  await memberSeesTheRoleReadOnly(member);
  await editThenDeleteAuditor(page);
  await gotoHydrated(member, "/");
  await expect(member.locator(".sidenav")).not.toContainText("Roles");
  await context.close();
  await keepPairsApart(page);
  await auditLogShowsEveryChange(page, stamp);
  await auditLogFiltersAndExports(page, testInfo);
  await auditTrailHoldsSignInsAndKeepsForAWhile(page);
  console.assertClean();
});
