import { defineConfig } from "@playwright/test";

// Browsers cannot be downloaded here: drive Debian's Chromium.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Every journey runs against SQLite. Against PostgreSQL (the second run of the test command,
// with DATABASE_URL set) only those whose server side leans on what differs by backend beyond
// the statements the integration tests already run on both: row-level security on a page
// (access), search and keyset pages over collations (lists), date arithmetic for charts
// (dashboard), streamed reads (exports), stored files and their rows (files) and batched
// transactional writes (imports). Every record flow, the sign-in, session and page-shell
// journeys run on SQLite only: their domain functions are the same code, tested on both
// databases by the integration tests, the isolation matrix and the HTTP tests. This keeps the
// whole test command within CI's time.
const bothDatabases = ["access", "dashboard", "exports", "files", "imports", "lists"];
const postgres = process.env.DATABASE_URL?.startsWith("postgres") ?? false;

export default defineConfig({
  testDir: "./tests",
  testMatch: postgres ? bothDatabases.map((name) => `${name}.spec.ts`) : "**/*.spec.ts",
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
