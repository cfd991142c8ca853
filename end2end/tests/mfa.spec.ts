import { test, expect, type Page } from "@playwright/test";
import {
  PASSWORD,
  codesMailedTo,
  gotoHydrated,
  mailsTo,
  newCodeMailedTo,
  ownerWithMember,
  signUp,
  totpCode,
  watchConsole,
} from "./helpers";

async function signInWithPassword(page: Page, email: string) {
  await gotoHydrated(page, "/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function giveCode(page: Page, code: string) {
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Confirm" }).click();
}

async function signOut(page: Page) {
  // Before hydration the button posts natively and lands elsewhere.
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
}

/** Sets up an authenticator app from the account page; returns the key and recovery codes. */
async function setUpApp(page: Page) {
  const card = page.locator("#two-step");
  await card.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(card.locator(".qr svg")).toBeVisible();
  const key = (await card.getByTestId("totp-key").textContent())!;
  expect(key.replace(/\s/g, "")).toMatch(/^[A-Z2-7]{32}$/);
  // A wrong code first: refused, nothing turned on.
  await card.getByLabel("Code from the app").fill("12345");
  await card.getByRole("button", { name: "Turn on" }).click();
  await expect(card.locator("#field-app-code-error")).toContainText("That code is not right");
  await card.getByLabel("Code from the app").fill(totpCode(key));
  await card.getByRole("button", { name: "Turn on" }).click();
  const codes = card.locator(".recovery-codes li");
  await expect(codes).toHaveCount(10);
  await expect(card.locator(".factor").first()).toContainText("On");
  return { key, recovery: await codes.allTextContents() };
}

test("an authenticator app guards sign-in; codes and recovery codes work once", async ({ page }) => {
  // The refused codes answer 422 on purpose.
  const console = watchConsole(page, [422]);
  const email = `mfa+${Date.now()}@example.com`;
  await signUp(page, email, "Katherine Johnson", "Orbital Mechanics");
  await gotoHydrated(page, "/account");
  const { key, recovery } = await setUpApp(page);
  await expect(page.locator("#two-step")).toContainText("10 recovery codes left.");

  // Password, then the app's code: the enrolment used this step, so the app's next one.
  await signOut(page);
  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/signin\/verify$/);
  // Half-way through, nothing is reachable.
  const half = await page.request.post("/api/sessions/list", {
    headers: { "x-csrf-token": (await page.locator('meta[name="csrf-token"]').getAttribute("content"))! },
  });
  expect(half.status()).toBe(401);
  const code = totpCode(key, 1);
  await giveCode(page, "abc123");
  await expect(page.locator("#field-code-error")).toContainText("That code is not right");
  await giveCode(page, code);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator(".topbar")).toContainText("Katherine Johnson");

  // The same code again is refused.
  await signOut(page);
  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/signin\/verify$/);
  await giveCode(page, code);
  await expect(page.locator("#field-code-error")).toContainText("already used");

  // A recovery code instead: it works once.
  await giveCode(page, recovery[0]);
  await expect(page).toHaveURL(/\/$/);
  await gotoHydrated(page, "/account");
  await expect(page.locator("#two-step")).toContainText("9 recovery codes left.");
  await signOut(page);
  await signInWithPassword(page, email);
  await giveCode(page, recovery[0]);
  await expect(page.locator("#field-code-error")).toContainText("That code is not right");
  await giveCode(page, recovery[1].toLowerCase());
  await expect(page).toHaveURL(/\/$/);

  // Turning it off needs the password and a current code.
  await gotoHydrated(page, "/account");
  const card = page.locator("#two-step");
  await card.getByText("Turn off the authenticator app").click();
  const off = card.locator("details[open] form");
  await off.getByLabel("Your password").fill("not my password at all");
  await off.getByLabel("Current code").fill(recovery[2]);
  await off.getByRole("button", { name: "Turn off" }).click();
  await expect(off.locator("#field-disable-app-password-error")).toContainText(
    "That is not your password.",
  );
  await off.getByLabel("Your password").fill(PASSWORD);
  await off.getByRole("button", { name: "Turn off" }).click();
  await expect(card.getByRole("button", { name: "Set up an authenticator app" })).toBeVisible();
  await signOut(page);
  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/$/);

  console.assertClean();
});

test("a workspace that requires a second factor sends a member straight to set-up", async ({
  page,
  browser,
}) => {
  const console = watchConsole(page, [403, 422]);
  const stamp = Date.now();
  const owner = `mfa-owner+${stamp}@example.com`;
  const member = `mfa-member+${stamp}@example.com`;
  const { context: theirs, member: them } = await ownerWithMember(page, browser, {
    owner,
    ownerName: "Mary Jackson",
    member,
    memberName: "Dorothy Vaughan",
    workspace: `Wind Tunnel ${stamp}`,
  });
  const theirConsole = watchConsole(them, [403, 422]);

  // Requiring a second factor of everyone includes the Owner: they must have one first.
  await gotoHydrated(page, "/settings");
  await page.getByLabel("Required for everyone").check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator(".field-error[role=alert]")).toContainText(
    "Set up two-step sign-in for yourself first",
  );

  // The Owner chooses codes by email.
  await gotoHydrated(page, "/account");
  const card = page.locator("#two-step");
  const seen = codesMailedTo(owner);
  await card.getByRole("button", { name: "Set up codes by email" }).click();
  await expect(card).toContainText("We sent a code to");
  await card.getByLabel("Code from the email").fill(await newCodeMailedTo(owner, seen));
  await card.getByRole("button", { name: "Turn on" }).click();
  await expect(card.locator(".factor").nth(1)).toContainText(`Codes go to ${owner}.`);

  // A second factor while one is on: the form asks for the password and a current code from
  // the first (a stolen session has neither), and the change is mailed.
  await card.getByRole("button", { name: "Set up an authenticator app" }).click();
  const key = (await card.getByTestId("totp-key").textContent())!;
  await expect(card.locator("#field-app-password")).toBeVisible();
  await card.locator("#field-app-code").fill(totpCode(key));
  await card.getByRole("button", { name: "Turn on" }).click();
  await expect(card.locator("#field-app-password-error")).toContainText(
    "Enter your password to confirm it's you.",
  );
  const mailedBefore = codesMailedTo(owner);
  await card.getByRole("button", { name: "Email me a code" }).click();
  await card.locator("#field-app-password").fill(PASSWORD);
  await card.locator("#field-app-current_code").fill(await newCodeMailedTo(owner, mailedBefore));
  await card.getByRole("button", { name: "Turn on" }).click();
  await expect(card.locator(".recovery-codes li")).toHaveCount(10);
  await expect(card.locator(".factor").first()).toContainText("On");
  await expect
    .poll(() => mailsTo(owner).some((m) => m.includes("An authenticator app was set up")))
    .toBe(true);

  await gotoHydrated(page, "/settings");
  await page.getByLabel("Required for everyone").check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await expect(page.getByLabel("Required for everyone")).toBeChecked();

  // The member's next sign-in goes from the password straight to set-up; nothing else works.
  await signOut(them);
  await signInWithPassword(them, member);
  await expect(them).toHaveURL(/\/account#two-step$/);
  await expect(them.locator("#two-step")).toContainText("Your workspace requires two-step sign-in.");
  await gotoHydrated(them, "/team");
  await expect(them.getByRole("alert").last()).toContainText("requires two-step sign-in");
  await gotoHydrated(them, "/account");
  await setUpApp(them);
  await gotoHydrated(them, "/team");
  await expect(them.locator(".banner")).toHaveCount(0);
  await expect(them.locator("#members-heading")).toBeVisible();

  // And the Owner's next sign-in asks for a mailed code.
  await signOut(page);
  await signInWithPassword(page, owner);
  await expect(page).toHaveURL(/\/signin\/verify$/);
  // The sign-in redirect loads the page afresh: wait for hydration, or the click posts the
  // plain form (which answers with a redirect, not the message).
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  const before = codesMailedTo(owner);
  await page.getByRole("button", { name: "Email me a code" }).click();
  await expect(page.getByText("We sent a code to your email address.")).toBeVisible();
  await giveCode(page, await newCodeMailedTo(owner, before));
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator(".topbar")).toContainText("Mary Jackson");

  console.assertClean();
  theirConsole.assertClean();
  await theirs.close();
});
