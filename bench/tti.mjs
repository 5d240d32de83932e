// Time to interactive of a page in Chromium (Debian's), for `make bench`:
// from the start of navigation until the WASM has hydrated every island of
// it (each counts itself on <html data-hydrated-islands>; the lazy ones load
// their chunk first). Also the page's
// layout shift (CLS) over that time. Prints "median max cls" over runs.
//
// usage: node bench/tti.mjs <url> <cookie name=value> [runs]
import { chromium } from "@playwright/test";

const [url, cookie, runs = "7"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const times = [];
let cls = 0;
try {
  for (let i = 0; i < Number(runs); i++) {
    // A new context each run: nothing cached, as a first visit.
    const context = await browser.newContext();
    const [name, ...value] = cookie.split("=");
    await context.addCookies([{ name, value: value.join("="), url }]);
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__shift = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
      }).observe({ type: "layout-shift", buffered: true });
      // The moment the last island counts itself, seen in the page itself.
      new MutationObserver((_, observer) => {
        const hydrated = Number(document.documentElement.dataset.hydratedIslands ?? 0);
        if (hydrated > 0 && hydrated >= document.querySelectorAll("leptos-island").length) {
          window.__interactive = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated-islands"] });
    });
    await page.goto(url);
    await page.waitForFunction(() => window.__interactive !== undefined);
    const [interactive, shift] = await page.evaluate(() => [window.__interactive, window.__shift]);
    times.push(interactive);
    cls = Math.max(cls, shift);
    await context.close();
  }
} finally {
  await browser.close();
}
times.sort((a, b) => a - b);
console.log(`${times[Math.floor(times.length / 2)].toFixed(0)} ${times[times.length - 1].toFixed(0)} ${cls}`);
