import { chromium } from "./node_modules/playwright-core/index.mjs";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--headless"] });
const p = await b.newPage();
p.on("console", (m) => console.log("console:", m.type(), m.text().slice(0, 400)));
p.on("pageerror", (e) => console.log("pageerror:", e.message.slice(0, 400)));
await p.goto("http://127.0.0.1:3000" + (process.argv[2] || "/signup"));
await p.waitForTimeout(4000);
console.log("hydrated:", await p.locator("html[data-hydrated=true]").count());
await b.close();
