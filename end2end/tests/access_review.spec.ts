import { test, expect } from "@playwright/test";
import { gotoHydrated, ownerWithMember } from "./helpers";

test("an access review revokes a role when it closes and keeps its report", async ({ page, browser }) => {
  const stamp = Date.now();
  const member = `review-member+${stamp}@example.com`;
  const { context, member: theirs } = await ownerWithMember(page, browser, {
    owner: `review-owner+${stamp}@example.com`,
    ownerName: "Olive Owner",
    member,
    memberName: "Sam Smith",
    workspace: `Reviewed ${stamp}`,
  });
  await expect(theirs.locator("nav").getByRole("link", { name: "Team" })).toBeVisible();

  await gotoHydrated(page, "/team");
  await page.getByRole("link", { name: "Access reviews" }).click();
  await expect(page.locator("h1")).toHaveText("Access reviews");

  // A review without a name is refused on the field; nothing is started.
  const start = page.locator("section", { has: page.locator("#start-heading") });
  await start.getByLabel("Staff").check();
  await start.getByRole("button", { name: "Start review" }).click();
  await expect(start.locator("#field-name-error")).toContainText("Name the review");
  await expect(page.getByText("No access review has been started.")).toBeVisible();

  await start.getByLabel("Name").fill("Year-end review");
  // The owner names themselves its reviewer: the only member who may manage the team.
  await expect(start.locator("input[name='reviewers[]']")).toHaveCount(1);
  await start.getByLabel("Olive Owner").check();
  await start.getByRole("button", { name: "Start review" }).click();
  await expect(page.getByText("Review #1 started.")).toBeVisible();
  const listed = page.locator("tr[data-review='1']");
  await expect(listed).toContainText("Staff");
  await expect(listed).toContainText("0 of 1 decided");
  await page.screenshot({ path: "test-results/access-reviews.png" });
  await listed.getByRole("link", { name: "Year-end review" }).click();

  // The member's role, its keys and last sign-in; the decision changes nothing yet.
  await expect(page.locator("h1")).toHaveText("Access review #1: Year-end review");
  await expect(page.locator("[data-reviewers]")).toHaveText("Reviewers: Olive Owner.");
  const row = page.locator(`tr[data-person='${member}'][data-role='Staff']`);
  await expect(row).toContainText("Sam Smith");
  await expect(row).toContainText("Last sign-in");
  await row.getByText(/key\(s\)/).click();
  await expect(row.locator("li").first()).toBeVisible();
  await row.getByRole("button", { name: "Revoke Sam Smith as Staff" }).click();
  await expect(page.locator(`tr[data-person='${member}'][data-decision='revoke']`)).toContainText("Revoke · Olive Owner");
  await gotoHydrated(theirs, "/");
  await expect(theirs.locator("nav").getByRole("link", { name: "Team" })).toBeVisible();

  await page.screenshot({ path: "test-results/access-review-open.png" });

  // Closing applies it and the outcome stays as the report.
  const close = page.locator("section", { has: page.locator("#close-heading") });
  await expect(close).toContainText("revokes the 1 role(s) marked to revoke");
  await close.getByRole("button", { name: "Close review" }).click();
  await expect(page.locator("[data-review-report]")).toContainText("1 assignment(s) reviewed, 1 decided; 1 marked to revoke");
  await expect(page.locator(`tr[data-person='${member}'] [data-outcome]`)).toHaveText("Revoked");
  await expect(page.locator("[data-review-status]")).toHaveText("Closed");
  await expect(page.getByRole("button", { name: /Revoke Sam Smith/ })).toHaveCount(0);
  await page.screenshot({ path: "test-results/access-review-closed.png", fullPage: true });

  // The member holds no role now: the team page is gone from their navigation.
  await gotoHydrated(theirs, "/");
  await expect(theirs.locator("nav").getByRole("link", { name: "Team" })).toHaveCount(0);
  await gotoHydrated(page, "/team");
  await expect(page.locator("tr", { hasText: member })).not.toContainText("Staff");

  await context.close();
});
