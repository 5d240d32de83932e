import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";

/**
 * Every test fails on any console error, uncaught page error or hydration
 * warning: a release build must hydrate cleanly. A test that expects a
 * particular console or page error (a 404 document, say) lists it in
 * `allowConsole`.
 *
 * The check is automatic: it watches the test's own context and every
 * context the test opens with `browser.newContext()` (other users' pages
 * made by `newUserPage`, say), whether or not the test asks for
 * `consoleProblems`. A test may still ask for it to assert midway.
 */
export const test = base.extend<{ allowConsole: RegExp[]; consoleProblems: string[] }>({
  allowConsole: [[], { option: true }],
  consoleProblems: [
    async ({ browser, context, allowConsole }, use) => {
      const problems: string[] = [];
      const watch = (ctx: BrowserContext) => {
        // Context-wide events: every page of the context, popups included.
        ctx.on("console", (msg) => {
          const text = msg.text();
          const isProblem = msg.type() === "error" || /hydrat/i.test(text);
          if (isProblem && !allowConsole.some((re) => re.test(text))) {
            problems.push(`console.${msg.type()}: ${text} (${msg.page()?.url() ?? "no page"})`);
          }
        });
        ctx.on("weberror", (err) => {
          const text = err.error().message;
          if (!allowConsole.some((re) => re.test(text))) problems.push(`pageerror: ${text} (${err.page()?.url() ?? "no page"})`);
        });
      };
      watch(context);
      // Emitted before `browser.newContext()` resolves, so before the test
      // can open a page in the new context.
      browser.on("context", watch);
      try {
        await use(problems);
      } finally {
        browser.off("context", watch);
      }
      expect(problems, "browser console errors").toEqual([]);
    },
    { auto: true },
  ],
});

/** Resolves once the WASM bundle has hydrated the page: the theme toggle is
 * rendered hidden on the server and revealed only by client code, and every
 * island has counted itself on `<html data-hydrated-islands>` (an island
 * whose code is a lazy chunk hydrates once that chunk has loaded). */
export async function waitForHydration(page: Page) {
  await expect(page.getByRole("button", { name: /theme/i })).toBeVisible();
  await page.waitForFunction(
    () => Number(document.documentElement.dataset.hydratedIslands ?? 0) >= document.querySelectorAll("leptos-island").length,
  );
}

export { expect };
