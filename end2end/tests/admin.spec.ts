import type { Page } from "@playwright/test";
import { test, expect, waitForHydration } from "./fixtures";
import { PASSWORD, expectNoSeriousAxe, fillLogIn, fillSignUp, nav, totp, uniqueName } from "./helpers";

// scripts/e2e.sh makes this admin with `create-user --admin` before the
// server starts.
const ADMIN = process.env.E2E_ADMIN ?? "";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "";

async function logInAsAdmin(page: Page) {
  expect(ADMIN, "E2E_ADMIN (set by scripts/e2e.sh)").not.toEqual("");
  await page.goto("/login/");
  await waitForHydration(page);
  await fillLogIn(page, ADMIN, ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL("/images/");
}

/** Makes a single-use invitation link on the admin page; answers it. */
async function makeInvitation(page: Page): Promise<string> {
  await nav(page).getByRole("link", { name: "Admin", exact: true }).click();
  await expect(page).toHaveURL("/admin/");
  await waitForHydration(page);
  await page.getByLabel("Sign-ups allowed").fill("1");
  await page.getByLabel("Valid for days").fill("3");
  await page.getByRole("button", { name: "Make invitation link" }).click();
  await expect(page).toHaveURL(/\/admin\/\?invitation=\d+#invitations$/);
  await expect(page.getByRole("status").filter({ hasText: "Invitation link made" })).toBeVisible();
  const newest = page.getByRole("textbox", { name: /^Invitation link \(0 of 1 used, valid until/ }).first();
  const link = await newest.inputValue();
  expect(link).toMatch(/\/register\/\?invite=[A-Za-z0-9_-]{43}$/);
  return link;
}

/** Signs a new user up in `guest` by the invitation `link`; answers the name. */
async function signUpByInvitation(guest: Page, link: string, prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await guest.goto(new URL(link).pathname + new URL(link).search);
  await waitForHydration(guest);
  await fillSignUp(guest, name, PASSWORD);
  await guest.getByRole("button", { name: "Sign up" }).click();
  await expect(guest).toHaveURL("/upload/");
  return name;
}

test.describe("the admin page", () => {
  test("an admin invites someone, who signs up by the link; the admin sets their quota and disables them", async ({
    page,
    browser,
  }) => {
    test.setTimeout(60_000);
    await logInAsAdmin(page);
    const link = await makeInvitation(page);

    const guestContext = await browser.newContext();
    try {
      const guest = await guestContext.newPage();
      const name = await signUpByInvitation(guest, link, "invited");
      await expect(guest.getByText("Storage used:")).toBeVisible();

      // Used up: no longer offered on the admin page.
      await page.goto(`/admin/?q=${name}`);
      await waitForHydration(page);
      await expect(page.getByText("1 user.")).toBeVisible();
      const values = await page.getByRole("textbox", { name: /^Invitation link/ }).evaluateAll(
        (inputs) => inputs.map((i) => (i as HTMLInputElement).value),
      );
      expect(values).not.toContain(link);

      await page.getByLabel(`Quota for ${name}`).fill("2GB");
      await page.getByRole("button", { name: `Set quota for ${name}` }).click();
      await expect(page).toHaveURL("/admin/");
      await page.goto(`/admin/?q=${name}`);
      await expect(page.getByLabel(`Quota for ${name}`)).toHaveValue("2 GB");
      await guest.goto("/account/");
      await expect(guest.getByLabel("Storage used")).toBeVisible();
      await expect(guest.locator(".usage-text")).toHaveText("0 bytes of 2 GB");

      await waitForHydration(page);
      page.once("dialog", (dialog) => dialog.accept());
      await page.getByRole("button", { name: `Disable ${name}` }).click();
      await expect(page).toHaveURL("/admin/");
      await page.goto(`/admin/?q=${name}`);
      await expect(page.getByRole("button", { name: `Enable ${name}` })).toBeVisible();
      // Their next request finds them logged out.
      await guest.goto("/images/");
      await expect(guest).toHaveURL(/\/login\/\?next=%2Fimages%2F$/);
    } finally {
      await guestContext.close();
    }
  });

  test("an invited user turns on two-factor login from the secret key and logs in with a code", async ({
    page,
    browser,
  }) => {
    test.setTimeout(60_000);
    await logInAsAdmin(page);
    const link = await makeInvitation(page);
    const guestContext = await browser.newContext();
    try {
      const guest = await guestContext.newPage();
      const name = await signUpByInvitation(guest, link, "twofactor");
      await waitForHydration(guest);
      await nav(guest).getByRole("link", { name }).click();
      await expect(guest).toHaveURL("/account/");
      await guest.getByRole("link", { name: "Set up two-factor login" }).click();
      await expect(guest).toHaveURL("/account/two-factor/");
      await waitForHydration(guest);
      await expect(guest.getByRole("img", { name: /QR code/ })).toBeVisible();
      await expectNoSeriousAxe(guest, "/account/two-factor/");
      const secret = await guest.getByLabel("Secret key", { exact: true }).inputValue();
      expect(secret.replace(/ /g, "")).toMatch(/^[A-Z2-7]{32}$/);
      await guest.getByLabel("Code", { exact: true }).fill(totp(secret));
      await guest.getByRole("button", { name: "Turn on two-factor login" }).click();
      await expect(guest).toHaveURL("/account/two-factor/codes/");
      await expect(guest.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);

      await waitForHydration(guest);
      await nav(guest).getByRole("button", { name: "Log out" }).click();
      await expect(guest).toHaveURL("/");
      await guest.goto("/login/");
      await waitForHydration(guest);
      await fillLogIn(guest, name, PASSWORD);
      await guest.getByRole("button", { name: "Log in" }).click();
      await expect(guest).toHaveURL("/login/code/?next=%2Fimages%2F");
      await waitForHydration(guest);
      await expectNoSeriousAxe(guest, "/login/code/");
      // The code of the next 30-second step: the one used to turn it on is
      // spent, and a clock a little ahead is allowed for.
      await guest.getByLabel("Code", { exact: true }).fill(totp(secret, Date.now() + 30_000));
      await guest.getByRole("button", { name: "Verify" }).click();
      await expect(guest).toHaveURL("/images/");
      await expect(nav(guest).getByRole("link", { name })).toBeVisible();
    } finally {
      await guestContext.close();
    }
  });

  test.describe("for anyone else", () => {
    // The admin page's 404 document is reported as a failed load.
    test.use({ allowConsole: [/status of 404/] });

    test("there is no admin page", async ({ page }) => {
      const name = uniqueName("plain");
      await page.goto("/register/");
      await waitForHydration(page);
      await fillSignUp(page, name, PASSWORD);
      await page.getByRole("button", { name: "Sign up" }).click();
      await expect(page).toHaveURL("/upload/");
      await expect(nav(page).getByRole("link", { name: "Admin", exact: true })).toHaveCount(0);
      const res = await page.goto("/admin/");
      expect(res?.status()).toBe(404);
      await expect(page.getByText("There is nothing here.")).toBeVisible();
      await expect(page.getByRole("heading", { name: "Users" })).toHaveCount(0);
    });
  });

  for (const theme of ["light", "dark"] as const) {
    test(`the admin page has no serious axe violations, ${theme} theme`, async ({ page, baseURL }) => {
      await logInAsAdmin(page);
      await page.context().addCookies([{ name: "theme", value: theme, url: baseURL! }]);
      await page.emulateMedia({ colorScheme: theme });
      await page.goto("/admin/");
      await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
      await waitForHydration(page);
      await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
      await expectNoSeriousAxe(page, `/admin/, ${theme} theme`);
    });
  }
});
