import { test, expect } from "@playwright/test";
import { gotoHydrated, ownerWithMember, watchConsole } from "./helpers";

test("an admin organises teams and departments", async ({ page, browser }) => {
  // The duplicate team name answers 422 on purpose.
  const console = watchConsole(page, [422]);
  const stamp = Date.now();
  const { context } = await ownerWithMember(page, browser, {
    owner: `teams-owner+${stamp}@example.com`,
    ownerName: "Tess Owner",
    member: `teams-member+${stamp}@example.com`,
    memberName: "Milo Member",
    workspace: "Team Builders",
  });
  await context.close();

  await gotoHydrated(page, "/team");
  await page.getByRole("link", { name: "Teams and departments" }).click();
  await expect(page.locator("h1")).toHaveText("Teams and departments");
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);

  const teams = page.locator("section", { has: page.locator("#teams-heading") });
  await teams.getByLabel("New team").fill("North");
  await teams.getByRole("button", { name: "Create team" }).click();
  const north = teams.locator(".group", { hasText: "North" });
  await expect(north).toContainText("0 members");
  await expect(teams.getByLabel("New team")).toHaveValue("");
  await teams.getByLabel("New team").fill("North");
  await teams.getByRole("button", { name: "Create team" }).click();
  await expect(teams.locator(".field-error")).toContainText("A team with this name already exists.");

  await north.getByLabel("Add to North").selectOption({ label: `Milo Member <teams-member+${stamp}@example.com>` });
  await north.getByRole("button", { name: "Add" }).click();
  await expect(north).toContainText("1 member");
  await expect(north).toContainText("Milo Member");
  await north.getByRole("button", { name: /^Remove Milo Member/ }).click();
  await expect(north).toContainText("0 members");

  const departments = page.locator("section", { has: page.locator("#departments-heading") });
  await departments.getByLabel("New department").fill("Research");
  await departments.getByRole("button", { name: "Create department" }).click();
  const research = departments.locator(".group", { hasText: "Research" });
  await expect(research).toContainText("0 members");
  await departments.getByLabel("Member").selectOption({ label: `Milo Member <teams-member+${stamp}@example.com>` });
  await departments.getByLabel("Department", { exact: true }).selectOption({ label: "Research" });
  await departments.getByRole("button", { name: "Move" }).click();
  await expect(research).toContainText("Milo Member");

  await north.getByRole("button", { name: "Delete team North" }).click();
  await expect(teams.locator(".group", { hasText: "North" })).toHaveCount(0);
  await research.getByRole("button", { name: "Delete department Research" }).click();
  await expect(departments).toContainText("No departments yet.");

  await gotoHydrated(page, "/audit");
  await expect(page.locator("tbody tr").first()).toContainText("Deleted department");
  await expect(page.locator("tbody tr").first()).toContainText("Research");
  console.assertClean();
});
