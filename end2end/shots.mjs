import { chromium } from "./node_modules/playwright-core/index.mjs";
const base = "http://127.0.0.1:3000";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--headless"] });
const ctx = await b.newContext({ viewport: { width: 1280, height: 900 } });
const p = await ctx.newPage();
const token = async () => /<meta name="csrf-token" content="([^"]+)"/.exec(await (await p.request.get(base + "/signin")).text())[1];
const api = async (path, form) => {
  const r = await p.request.post(base + path, { form, headers: { "x-csrf-token": await token() } });
  if (r.status() !== 200) console.log(path, r.status(), await r.text());
  return r.json();
};
await api("/api/accounts/sign_in", { email: "demo@gatehouse.test", password: "velvet orbit harbor lantern" });
const cust = (await api("/api/customers/create", { name: "Royal Society", email: "orders@royalsociety.example", phone: "", company: "Royal Society", tax_id: "", notes: "", assigned_user_id: "", team_id: "" })).id;
const prods = [];
for (const [sku, name, price] of [["ENG-1", "Difference Engine", "1234.50"], ["GEAR-7", "Brass gear", "19.99"], ["SUP-12", "Support plan, 12 months", "2400"]]) {
  prods.push((await api("/api/products/create", { sku, name, description: "", unit_price: price, currency: "", stock: "", active: "on" })).id);
}
let q = await api("/api/quotes/create", { customer_id: cust, title: "Engines for the Society", valid_until: "", notes: "Delivery in spring.", assigned_user_id: "", team_id: "" });
for (const [i, qty, disc] of [[0, "2", "10"], [1, "40", ""], [2, "1", "5"]]) {
  q = await api("/api/quotes/add_line", { id: q.quote.id, version: String(q.quote.header.version), product_id: prods[i], quantity: qty, discount: disc });
}
await p.goto(base + "/quotes/" + q.quote.id);
await p.waitForSelector("html[data-hydrated=true]");
await p.screenshot({ path: "/tmp/quote.png", fullPage: true });
q = await api("/api/quotes/set_status", { id: q.quote.id, version: String(q.quote.header.version), status: "sent" });
q = await api("/api/quotes/set_status", { id: q.quote.id, version: String(q.quote.header.version), status: "accepted" });
const order = await api("/api/quotes/convert", { id: q.quote.id, version: String(q.quote.header.version) });
await p.goto(base + "/orders/" + order);
await p.waitForSelector("html[data-hydrated=true]");
await p.screenshot({ path: "/tmp/order.png", fullPage: true });
await p.goto(base + "/quotes");
await p.waitForSelector("html[data-hydrated=true]");
await p.screenshot({ path: "/tmp/quotes.png" });
await p.goto(base + "/quotes/new");
await p.waitForSelector("html[data-hydrated=true]");
await p.screenshot({ path: "/tmp/newquote.png" });
await b.close();
