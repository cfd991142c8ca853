import { test, expect, type Page } from "@playwright/test";
import { gotoHydrated, ownerWithMember, signInAsDemo } from "./helpers";

async function wrongPassword(page: Page, email: string, guess: string) {
  await gotoHydrated(page, "/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(guess);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("The email address or password is incorrect.")).toBeVisible();
}

test("a burst of failed sign-ins alerts the owner: counted in the notifications menu, listed, marked read", async ({
  page,
  browser,
}) => {
  const stamp = Date.now();
  const member = `alerts-member+${stamp}@example.com`;
  const { context, member: theirs } = await ownerWithMember(page, browser, {
    owner: `alerts-owner+${stamp}@example.com`,
    ownerName: "Olive Owner",
    member,
    memberName: "Sam Staff",
    workspace: `Alerted ${stamp}`,
  });

  // The owner lowers the account threshold to three (and raises the address one: every journey
  // signs in from 127.0.0.1); a bad value is named and saves nothing.
  await gotoHydrated(page, "/audit/alerts");
  await expect(page.locator("h1")).toHaveText("Alerts");
  const bell = page.locator(".topbar .notif-menu > summary");
  await expect(bell).toHaveAttribute("aria-label", "Notifications: no new alerts");
  await expect(bell.locator(".nav-count")).toHaveCount(0);
  const thresholds = page.locator("section", { has: page.locator("#thresholds-heading") });
  const onAccount = thresholds.getByLabel("Failed steps on one account");
  await expect(onAccount).toHaveValue("5");
  await onAccount.fill("1");
  await thresholds.getByRole("button", { name: "Save thresholds" }).click();
  await expect(thresholds.locator("#field-account_burst-error")).toContainText("from 2 to 1000");
  // Refused, the form keeps what was typed beside the message.
  await expect(onAccount).toHaveValue("1");
  await onAccount.fill("3");
  await thresholds.getByLabel("Failed steps from one address").fill("1000");
  await thresholds.getByRole("button", { name: "Save thresholds" }).click();
  await expect(page.getByText("Thresholds saved.")).toBeVisible();
  await expect(page.locator("section", { has: page.locator("#thresholds-heading") }).getByLabel("Failed steps on one account")).toHaveValue("3");

  // Someone guesses the member's password three times.
  await theirs.getByRole("button", { name: "Sign out" }).click();
  await expect(theirs).toHaveURL(/\/signin$/);
  for (let i = 0; i < 3; i++) {
    await wrongPassword(theirs, member, `a wrong guess ${i}`);
  }

  // The owner's menu counts it and shows it; marking it read clears the count (for the owner
  // only), and the alerts page still lists it.
  await gotoHydrated(page, "/");
  await expect(bell.locator(".nav-count")).toHaveText("1");
  await expect(bell).toHaveAttribute("aria-label", "Notifications: 1 new alert");
  await bell.click();
  const panel = page.locator(".topbar .notif-panel");
  await expect(panel).toBeVisible();
  const item = panel.locator("li[data-alert='sign_in.burst_account']");
  await expect(item).toContainText("Failed sign-ins on one account");
  await expect(item).toContainText(`3 failed sign-in steps on ${member} in 15 minutes`);
  await page.screenshot({ path: "test-results/alerts-menu.png" });
  await panel.getByRole("button", { name: "Mark all as read" }).click();
  await expect(bell.locator(".nav-count")).toHaveCount(0);
  await expect(bell).toHaveAttribute("aria-label", "Notifications: no new alerts");
  await bell.click();
  await expect(panel.getByText("No new alerts.")).toBeVisible();
  await panel.getByRole("link", { name: "All alerts" }).click();
  await expect(page.locator("h1")).toHaveText("Alerts");
  const burst = page.locator("tr[data-alert='sign_in.burst_account']");
  await expect(burst).toContainText("Failed sign-ins on one account");
  await expect(burst).toContainText(`3 failed sign-in steps on ${member} in 15 minutes`);
  await page.screenshot({ path: "test-results/alerts-burst.png", fullPage: true });
  await gotoHydrated(page, "/");
  await expect(bell).toBeVisible();
  await expect(bell.locator(".nav-count")).toHaveCount(0);

  await context.close();
});

test("an incident is reported, contained, noted and resolved in the register", async ({ page }) => {
  const title = `Laptop left on a train ${Date.now()}`;
  await signInAsDemo(page);
  await gotoHydrated(page, "/audit");
  await page.getByRole("link", { name: "Registers →" }).click();
  await expect(page.locator("h1")).toHaveText("Registers");
  await expect(page.locator("[data-register='region']")).toBeVisible();

  // A time in the future is named and nothing is reported.
  const report = page.locator("section", { has: page.locator("#report-heading") });
  await report.getByLabel("What happened").fill(title);
  await report.getByLabel("Severity").selectOption("high");
  await report.getByLabel("Detected at (UTC)").fill("2099-01-01T09:00");
  await report.getByRole("button", { name: "Report incident" }).click();
  await expect(report.locator(".field-error").filter({ hasText: "in the future" })).toBeVisible();
  await expect(page.locator("tr", { hasText: title })).toHaveCount(0);
  await expect(report.getByLabel("What happened")).toHaveValue(title);
  await expect(report.getByLabel("Severity")).toHaveValue("high");

  await report.getByLabel("Detected at (UTC)").fill("2026-01-05T09:15");
  await report.getByLabel("What is known so far").fill("Disk encrypted.\nReported by the owner.");
  await report.getByRole("button", { name: "Report incident" }).click();
  await expect(report.getByText(/^Incident #\d+ reported\.$/)).toBeVisible();
  const row = page.locator("tr[data-incident]", { hasText: title });
  await expect(row).toHaveAttribute("data-status", "open");
  await expect(row).toContainText("High");
  await expect(row).toContainText("2026-01-05 09:15 UTC");

  await row.getByRole("button", { name: "Contained" }).click();
  await expect(row).toHaveAttribute("data-status", "contained");
  await expect(row.getByRole("button", { name: "Contained" })).toHaveCount(0);

  const note = page.locator("section", { has: page.locator("#note-heading") });
  const choice = await note.getByLabel("Incident").locator("option", { hasText: title }).getAttribute("value");
  await note.getByLabel("Incident").selectOption(choice!);
  await note.getByLabel("Note").fill("Remote wipe confirmed.");
  await note.getByRole("button", { name: "Add note" }).click();
  await row.getByText("Timeline (2)").click();
  await expect(row.locator(".timeline li")).toHaveCount(2);
  await expect(row.locator(".timeline li").last()).toContainText("Remote wipe confirmed.");

  await row.getByRole("button", { name: "Resolved" }).click();
  await expect(row).toHaveAttribute("data-status", "resolved");
  await expect(row.locator("button")).toHaveCount(0);
  await page.screenshot({ path: "test-results/registers.png", fullPage: true });

  // Each step is in the trail.
  await gotoHydrated(page, "/audit?action=incident.");
  await expect(page.locator("tbody td[data-action='incident.resolve']").first()).toBeVisible();
  await expect(page.locator("tbody td[data-action='incident.note']").first()).toBeVisible();
});

test("a retention policy is checked and kept in the register", async ({ page }) => {
  await signInAsDemo(page);
  await gotoHydrated(page, "/audit/registers");
  const quotes = page.locator("tr[data-retention='quotes']");
  const days = quotes.getByLabel("Days to keep declined quotes");
  // Empty keeps them until deleted (and makes the journey repeatable).
  await days.fill("");
  await quotes.getByRole("button", { name: "Save" }).click();
  await expect(quotes).toContainText("Until deleted");
  // Too short: named, nothing saved.
  await quotes.getByLabel("Days to keep declined quotes").fill("7");
  await quotes.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("section", { has: page.locator("#retention-heading") }).locator(".field-error")).toContainText("from 30 to 3650");
  await expect(quotes).toContainText("Until deleted");
  // Ten years: nothing in the demo data is that old, so no journey loses a record.
  await quotes.getByLabel("Days to keep declined quotes").fill("3650");
  await quotes.getByRole("button", { name: "Save" }).click();
  await expect(quotes).toContainText("3650 days");
  await page.screenshot({ path: "test-results/retention.png" });
  await gotoHydrated(page, "/audit?action=settings.");
  await expect(page.locator("tbody td[data-action='settings.retention']").first()).toBeVisible();
});
