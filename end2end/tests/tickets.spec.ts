import { test, expect } from "@playwright/test";
import { callApi, gotoHydrated, ownerWithMember, watchConsole } from "./helpers";

test("a ticket waits unassigned, is taken, answered with a reply and a note, and closed; Staff see only the tickets given to them", async ({ page, browser }) => {
  const stamp = Date.now();
  const melbaEmail = `tickets-staff+${stamp}@example.com`;
  const { context, member } = await ownerWithMember(page, browser, {
    owner: `tickets-owner+${stamp}@example.com`,
    ownerName: "Ada Lovelace",
    member: melbaEmail,
    memberName: "Melba Roy",
    workspace: `Support ${stamp}`,
  });
  const ownerConsole = watchConsole(page);
  expect((await callApi(page, "/api/customers/create", {
    name: "Babbage & Co", email: "", phone: "", company: "", tax_id: "", notes: "", assigned_user_id: "", team_id: "",
  })).status()).toBe(200);

  await gotoHydrated(page, "/");
  await page.locator(".sidenav").getByRole("link", { name: "Tickets" }).click();
  await expect(page.getByText("No tickets yet.")).toBeVisible();
  await page.getByRole("link", { name: "New ticket" }).click();
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Customer", { exact: true }).selectOption({ label: "Babbage & Co" });
  await page.getByLabel("Subject").fill("Engine will not start");
  await page.getByLabel("Priority").selectOption("urgent");
  await page.getByLabel("What the customer asked").fill("It hums, then nothing.\nSince Tuesday.");
  await page.getByRole("button", { name: "Open ticket" }).click();
  await expect(page).toHaveURL(/\/tickets\/[0-9a-f-]{36}$/);
  await expect(page.locator("h1")).toHaveText("T-1 · Engine will not start");
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  const details = page.locator(".details");
  await expect(details).toContainText("Unassigned");
  await expect(details.locator(".status").first()).toHaveText("Open");
  await expect(page.locator(".thread .message-body")).toHaveCount(1);
  await expect(page.locator(".thread .message-body")).toContainText("It hums, then nothing.");
  const url = page.url();

  await gotoHydrated(page, "/tickets?view=unassigned");
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await page.locator("tbody tr").getByRole("link").click();
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByRole("button", { name: "Take it" }).click();
  await expect(details).toContainText("Ada Lovelace");
  await expect(page.getByRole("button", { name: "Take it" })).toHaveCount(0);

  await page.getByLabel("Your message").fill("Have you tried the crank?");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.locator(".thread .message")).toHaveCount(2);
  await expect(page.getByLabel("Your message")).toHaveValue("");
  await page.getByLabel("Your message").fill("Known fault in batch 7.");
  await page.getByLabel("Internal note").check();
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.locator(".thread .message-note")).toHaveCount(1);
  await expect(page.locator(".thread .message-note")).toContainText("Known fault in batch 7.");

  for (const [step, status] of [["Wait for the customer", "Pending"], ["Reopen", "Open"], ["Mark resolved", "Resolved"], ["Close", "Closed"]]) {
    await page.getByRole("button", { name: step, exact: true }).click();
    await expect(details.locator(".status").first()).toHaveText(status);
  }
  await expect(page.getByLabel("Your message")).toHaveCount(0);
  await gotoHydrated(page, "/tickets?view=mine&status=closed");
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody tr")).toContainText("Engine will not start");

  // A second ticket, given to Melba through the edit form.
  const customers = await (await callApi(page, "/api/customers/list", { search: "" })).json();
  const made = await callApi(page, "/api/tickets/create", {
    customer_id: customers.items[0].id, subject: "Invoice question", priority: "low",
    assigned_user_id: "", team_id: "", message: "Why two invoices?",
  });
  expect(made.status()).toBe(200);
  const second = (await made.json()).ticket.id as string;
  await gotoHydrated(page, `/tickets/${second}`);
  const edit = page.locator("section", { has: page.locator("#edit-heading") });
  await edit.getByLabel("Assigned to").selectOption({ label: `Melba Roy <${melbaEmail}>` });
  await edit.getByRole("button", { name: "Save ticket" }).click();
  await expect(details).toContainText("Melba Roy");
  ownerConsole.assertClean();

  // Melba, Staff, sees only the ticket given to her, and answers it.
  const theirConsole = watchConsole(member, [404]);
  await gotoHydrated(member, "/tickets");
  await expect(member.locator("tbody tr")).toHaveCount(1);
  await expect(member.locator("tbody tr")).toContainText("Invoice question");
  await member.locator("tbody tr").getByRole("link").click();
  await expect(member.locator("html[data-hydrated=true]")).toHaveCount(1);
  await member.getByLabel("Your message").fill("One was a duplicate; I have voided it.");
  await member.getByRole("button", { name: "Send" }).click();
  await expect(member.locator(".thread .message")).toHaveCount(2);
  await member.goto(url);
  await expect(member.locator("main")).toContainText("We couldn't find that.");
  await expect(member.locator("main")).not.toContainText("Engine will not start");
  theirConsole.assertClean();
  await context.close();
});
