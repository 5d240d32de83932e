import { test as base, expect, type Page } from "@playwright/test";

/**
 * Every test fails on any console error, uncaught page error or hydration
 * warning: a release build must hydrate cleanly. A test that expects a
 * particular console error (a 404 document, say) lists it in `allowConsole`.
 */
export const test = base.extend<{ allowConsole: RegExp[]; consoleProblems: string[] }>({
  allowConsole: [[], { option: true }],
  consoleProblems: async ({ page, allowConsole }, use) => {
    const problems: string[] = [];
    page.on("console", (msg) => {
      const text = msg.text();
      const isProblem = msg.type() === "error" || /hydrat/i.test(text);
      if (isProblem && !allowConsole.some((re) => re.test(text))) {
        problems.push(`console.${msg.type()}: ${text}`);
      }
    });
    page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
    await use(problems);
    expect(problems, "browser console errors").toEqual([]);
  },
});

/** Resolves once the WASM bundle has hydrated the page: the theme toggle is
 * rendered hidden on the server and revealed only by client code. */
export async function waitForHydration(page: Page) {
  await expect(page.getByRole("button", { name: /theme/i })).toBeVisible();
}

export { expect };
