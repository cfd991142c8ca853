import { test, expect } from "@playwright/test";
import { callApi, gotoHydrated, signUp, watchConsole } from "./helpers";

test("a customer gets contact persons, an address and tags; a stale tab is refused and shows the current state; tags filter the list and go on many at once", async ({ page, context }) => {
  // The refused fields and the stale change answer 422 and 409 on purpose.
  const console = watchConsole(page, [409, 422]);
  await signUp(page, `parts+${Date.now()}@example.com`, "Grace Hopper", "Parts Works");
  const made = await callApi(page, "/api/customers/create", {
    name: "Univac Ltd", email: "", phone: "", company: "", tax_id: "", notes: "", assigned_user_id: "", team_id: "",
  });
  const customer = (await made.json()).id as string;
  for (const name of ["Eniac Corp", "Colossus plc"]) {
    await callApi(page, "/api/customers/create", {
      name, email: "", phone: "", company: "", tax_id: "", notes: "", assigned_user_id: "", team_id: "",
    });
  }

  await gotoHydrated(page, `/customers/${customer}`);
  const contacts = page.locator("section", { has: page.locator("#contacts-heading") });
  await expect(contacts).toContainText("No contact persons yet.");
  await contacts.getByLabel("Contact name").fill("Ada Lovelace");
  await contacts.getByLabel("Role at the company").fill("Head of Finance");
  await contacts.getByLabel("Contact email").fill("not an address");
  await contacts.getByRole("button", { name: "Add contact" }).click();
  await expect(contacts.locator("#field-contact_email-error")).toContainText("email address");
  await contacts.getByLabel("Contact email").fill("ada@univac.example");
  await contacts.getByRole("button", { name: "Add contact" }).click();
  await expect(contacts.locator("tbody tr")).toHaveCount(1);
  await expect(contacts.locator("tbody")).toContainText("Head of Finance");
  await expect(contacts.getByLabel("Contact name")).toHaveValue("");

  // A second tab opened now holds this version; an address added here makes it stale there.
  const other = await context.newPage();
  await gotoHydrated(other, page.url());
  const addresses = page.locator("section", { has: page.locator("#addresses-heading") });
  await addresses.getByLabel("For").selectOption("shipping");
  await addresses.getByLabel("Street and number").fill("1 Canal Street");
  await addresses.getByLabel("City").fill("Manchester");
  await addresses.getByLabel("Country").fill("XX");
  await addresses.getByRole("button", { name: "Add address" }).click();
  await expect(addresses.locator("#field-country-error")).toContainText("Choose a country");
  await addresses.getByLabel("Country").fill("gb");
  await addresses.getByRole("button", { name: "Add address" }).click();
  await expect(addresses.locator("tbody tr")).toHaveCount(1);
  await expect(addresses.locator("tbody")).toContainText("United Kingdom");

  const otherContacts = other.locator("section", { has: other.locator("#contacts-heading") });
  await otherContacts.getByLabel("Contact name").fill("Charles Babbage");
  await otherContacts.getByRole("button", { name: "Add contact" }).click();
  await expect(otherContacts.locator(".alert-error")).toContainText("changed by someone else");
  // The refused tab now shows the customer as it is: the address added in the first tab.
  await expect(other.locator("section", { has: other.locator("#addresses-heading") }).locator("tbody tr")).toHaveCount(1);
  await expect(otherContacts.locator("tbody tr")).toHaveCount(1);
  await other.close();

  // Tags: saved as one set, one per spelling, shown as links to the filtered list.
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  const tags = page.locator("section", { has: page.locator("#tags-heading") });
  await tags.getByLabel("Tags").fill("VIP, Trade fair, vip");
  await tags.getByRole("button", { name: "Save tags" }).click();
  const details = page.locator(".details");
  await expect(details.locator("a.tag")).toHaveText(["Trade fair", "VIP"]);
  await contacts.getByRole("button", { name: "Remove contact Ada Lovelace" }).click();
  await expect(contacts).toContainText("No contact persons yet.");
  await details.getByRole("link", { name: "VIP" }).click();
  await expect(page).toHaveURL(/\/customers\?tag=VIP$/);
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody")).toContainText("Univac Ltd");

  // A bulk tag on the whole list, then the filter finds all three.
  await gotoHydrated(page, "/customers");
  for (const name of ["Univac Ltd", "Eniac Corp", "Colossus plc"]) {
    await page.getByLabel(`Select ${name}`).check();
  }
  const bar = page.locator(".bulk-bar");
  await bar.getByLabel("Tag", { exact: true }).fill("Newsletter");
  await bar.getByRole("button", { name: "Tag 3 customers" }).click();
  await expect(page.locator(".alert-success")).toHaveText("Tagged 3 customers.");
  await expect(page.locator("tbody a.tag", { hasText: "Newsletter" })).toHaveCount(3);
  await page.getByLabel("Tag", { exact: true }).fill("newsletter");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/tag=newsletter/);
  await expect(page.locator("tbody tr")).toHaveCount(3);

  // The customer's history shows each change.
  await gotoHydrated(page, `/customers/${customer}`);
  const history = page.locator("section", { has: page.locator("#history-heading") });
  await expect(history).toContainText("contact_added");
  await expect(history).toContainText("tags_set");
  console.assertClean();
});
