import { test, expect, waitForHydration } from "./fixtures";
import { PASSWORD, fillLogIn, fillSignUp, nav, uniqueName } from "./helpers";

const NEW_PASSWORD = "cobalt-heron-meadow-77";

test.describe("the whole account journey", () => {
  // The deliberate wrong-password login is answered 401, which Chromium
  // reports as a failed resource load.
  test.use({ allowConsole: [/status of 401/] });

  test("sign up, log out, log in, change password; the old password stops working", async ({
    page,
    consoleProblems,
  }) => {
    const name = uniqueName("ada");

    await page.goto("/register/");
    await waitForHydration(page);
    await fillSignUp(page, name, PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page).toHaveURL("/upload/");
    await expect(nav(page).getByRole("link", { name })).toBeVisible();
    await expect(nav(page).getByRole("link", { name: "My images" })).toBeVisible();
    await expect(nav(page).getByRole("link", { name: "Upload image" })).toBeVisible();

    await waitForHydration(page);
    await nav(page).getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL("/");
    await expect(nav(page).getByRole("link", { name: "Log in" })).toBeVisible();

    await page.goto("/login/");
    await waitForHydration(page);
    await fillLogIn(page, name, PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL("/images/");
    await expect(page.getByRole("heading", { name: "My images" })).toBeVisible();

    await nav(page).getByRole("link", { name }).click();
    await expect(page).toHaveURL("/account/");
    await waitForHydration(page);
    await page.getByLabel("Old password").fill(PASSWORD);
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("New password again").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change my password" }).click();
    await expect(page).toHaveURL("/password/done/");
    await expect(page.getByRole("heading", { name: "Password changed" })).toBeVisible();

    // Still logged in here; log out and try the old password.
    await waitForHydration(page);
    await nav(page).getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL("/");
    await page.goto("/login/");
    await waitForHydration(page);
    await fillLogIn(page, name, PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("alert")).toContainText("Please enter a correct username and password.");
    await expect(page).toHaveURL("/login/");

    await fillLogIn(page, name, NEW_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL("/images/");
    expect(consoleProblems).toEqual([]);
  });
});

test.describe("with failed submissions", () => {
  // A refused post is answered with its 4xx (the page again, with the
  // messages), which Chromium also reports as a failed resource load.
  test.use({ allowConsole: [/status of 40\d/] });

  // Forms are plain posts (only islands hydrate, and a form is not one): a
  // refused one comes back as the same page with its messages.
  test("a refused sign-up shows each error next to its field, keeping the username", async ({
    page,
    consoleProblems,
  }) => {
    const name = uniqueName("grace");
    await page.goto("/register/");
    await waitForHydration(page);

    await fillSignUp(page, name, PASSWORD, "something-else-entirely");
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page.getByText("The two password fields didn't match.")).toBeVisible();
    // Inline: the message belongs to the field it is about.
    await expect(page.getByLabel("Password again")).toHaveAccessibleDescription(/The two password fields didn't match\./);
    await expect(page.getByLabel("Password again")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Username")).toHaveValue(name);
    await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");
    await expect(page.getByLabel("Password again")).toHaveValue("");

    await fillSignUp(page, name, "12345678");
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page.getByText("This password is entirely numeric.")).toBeVisible();
    await expect(page.getByText("This password is too common.")).toBeVisible();
    await expect(page.getByLabel("Password", { exact: true })).toHaveAccessibleDescription(/entirely numeric/);
    await expect(page.getByLabel("Password", { exact: true })).toHaveAccessibleDescription(/too common/);
    await expect(page.getByLabel("Username")).toHaveValue(name);
    await expect(page).toHaveURL("/register/");

    await fillSignUp(page, name, PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page).toHaveURL("/upload/");
    expect(consoleProblems).toEqual([]);
  });
});

test("a protected page sends you to log in, then back to it", async ({ page, browser, consoleProblems }) => {
  const name = uniqueName("hopper");
  // Make the account in another browser context.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto("/register/");
  await fillSignUp(otherPage, name, PASSWORD);
  await otherPage.getByRole("button", { name: "Sign up" }).click();
  await expect(otherPage).toHaveURL("/upload/");
  await other.close();

  await page.goto("/upload/");
  await expect(page).toHaveURL("/login/?next=%2Fupload%2F");
  await waitForHydration(page);
  await fillLogIn(page, name, PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL("/upload/");
  await expect(page.getByRole("heading", { name: "Upload image" })).toBeVisible();
  // Logged in, / leads to the gallery.
  await page.goto("/");
  await expect(page).toHaveURL("/images/");
  expect(consoleProblems).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false, allowConsole: [/status of 40\d/] });

  test("sign up, see errors next to the fields, log out and log in", async ({ page }) => {
    const name = uniqueName("lin");
    await page.goto("/register/");
    await fillSignUp(page, name, PASSWORD, "mismatch-mismatch");
    await page.getByRole("button", { name: "Sign up" }).click();
    // The page came back from the server with the message and the username.
    await expect(page).toHaveURL("/register/");
    await expect(page.getByText("The two password fields didn't match.")).toBeVisible();
    // Next to the field it is about, not only somewhere on the page.
    await expect(page.getByLabel("Password again")).toHaveAccessibleDescription(/The two password fields didn't match\./);
    await expect(page.getByLabel("Password again")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Username")).toHaveValue(name);
    await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");

    await fillSignUp(page, name, PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page).toHaveURL("/upload/");
    await expect(nav(page).getByRole("link", { name })).toBeVisible();

    await nav(page).getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL("/");

    await page.goto("/images/");
    await expect(page).toHaveURL("/login/?next=%2Fimages%2F");
    await fillLogIn(page, name, PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL("/images/");
    await expect(page.getByRole("heading", { name: "My images" })).toBeVisible();
  });
});
