import { test, expect, waitForHydration } from "./fixtures";

test("the welcome page is in the server's HTML, before any script runs", async ({ request }) => {
  const res = await request.get("/");
  expect(res.status()).toBe(200);
  const html = await res.text();
  expect(html).toContain("<h1>Welcome to Cloudtalents</h1>");
  expect(html).toMatch(/\/pkg\/cloudtalents\.[\w-]+\.js/);
});

test("the page hydrates: bundle loads, the theme toggle works and sticks", async ({
  page,
  consoleProblems,
}) => {
  const assets = new Map<string, number>();
  const cacheControl = new Map<string, string | undefined>();
  page.on("response", (res) => {
    const url = new URL(res.url());
    if (url.pathname.startsWith("/pkg/")) {
      assets.set(url.pathname, res.status());
      cacheControl.set(url.pathname, res.headers()["cache-control"]);
    }
  });

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Welcome to Cloudtalents" })).toBeVisible();
  await waitForHydration(page);

  // Content-hashed names: cloudtalents.<hash>.js, .wasm and .css.
  const loaded = [...assets.entries()];
  for (const ext of ["js", "wasm", "css"]) {
    const found = loaded.filter(([p]) => new RegExp(`^/pkg/cloudtalents\\.[\\w-]+\\.${ext}$`).test(p));
    expect(found, `a hashed .${ext} loaded`).toHaveLength(1);
    expect(found[0][1]).toBe(200);
    expect(cacheControl.get(found[0][0])).toBe("public, max-age=31536000, immutable");
  }

  // Only client code can change the theme: this fails without hydration.
  const html = page.locator("html");
  const toggle = page.getByRole("button", { name: /theme/i });
  const before = (await html.getAttribute("data-theme")) ?? "light";
  await toggle.click();
  const after = before === "dark" ? "light" : "dark";
  await expect(html).toHaveAttribute("data-theme", after);

  // The choice is kept in a cookie and rendered by the server next time.
  const res = await page.request.get("/");
  expect(await res.text()).toContain(`data-theme="${after}"`);
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", after);
  await waitForHydration(page);
  expect(consoleProblems).toEqual([]);
});

test("navigation links lead to sign up and log in", async ({ page, consoleProblems }) => {
  await page.goto("/");
  await waitForHydration(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Cloudtalents" })).toHaveAttribute("href", "/");
  await expect(nav.getByRole("link", { name: "Sign up" })).toHaveAttribute("href", "/register/");
  await expect(nav.getByRole("link", { name: "Log in" })).toHaveAttribute("href", "/login/");
  // And following them gets there.
  await nav.getByRole("link", { name: "Sign up" }).click();
  await expect(page).toHaveURL("/register/");
  await expect(page.getByRole("heading", { name: "Sign up" })).toBeVisible();
  await nav.getByRole("link", { name: "Log in" }).click();
  await expect(page).toHaveURL("/login/");
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await nav.getByRole("link", { name: "Cloudtalents" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { name: "Welcome to Cloudtalents" })).toBeVisible();
  expect(consoleProblems).toEqual([]);
});

test.describe("unknown pages", () => {
  // Chromium reports the 404 document itself as a failed resource load.
  test.use({ allowConsole: [/status of 404/] });

  test("get the 404 page with status 404, hydrated", async ({ page, consoleProblems }) => {
    const res = await page.goto("/no/such/page");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page).toHaveTitle("Page not found · Cloudtalents");
    await waitForHydration(page);
    await page.getByRole("link", { name: "Back to the start" }).click();
    await expect(page).toHaveURL("/");
    await expect(page.getByRole("heading", { name: "Welcome to Cloudtalents" })).toBeVisible();
    expect(consoleProblems).toEqual([]);
  });
});

test("healthz answers ok", async ({ request }) => {
  const res = await request.get("/healthz");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ status: "ok", database: "ok" });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the welcome page and its links work", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Welcome to Cloudtalents" })).toBeVisible();
    // The hydration-only toggle stays hidden rather than dead.
    await expect(page.getByRole("button", { name: /theme/i })).toBeHidden();
    await expect(page.getByRole("link", { name: "Sign up" }).first()).toHaveAttribute("href", "/register/");
    // The links are plain links: following them works without any script.
    await page.getByRole("main").getByRole("link", { name: "Sign up" }).click();
    await expect(page).toHaveURL("/register/");
    await expect(page.getByRole("heading", { name: "Sign up" })).toBeVisible();
    await page.goto("/");
    await page.getByRole("main").getByRole("link", { name: "Log in" }).click();
    await expect(page).toHaveURL("/login/");
    await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  });
});
