import type { Locator, Page } from "@playwright/test";
import { test, expect, waitForHydration } from "./fixtures";
import { canvasFiles, createAlbum, dropAndUpload, expectNoSeriousAxe, formUpload, nav, signUp, waitForSelectionBar, zipBytes } from "./helpers";

/** A share link's password. Tries are throttled per client address across
 * every link (5 at once, then one per 3 minutes), so the suite makes few. */
const LINK_PASSWORD = "open sesame 1";

/** The grid of a gallery, an album or a share link's page. */
const grid = (page: Page) => page.getByRole("list", { name: "Images", exact: true });
const names = (page: Page) => grid(page).locator(".thumb-name");
const count = (page: Page) => page.locator(".gallery-count");
const exactly = (text: string) => new RegExp("^" + text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "$");
const card = (page: Page, name: string) =>
  grid(page).locator(".thumb").filter({ has: page.locator(".thumb-name", { hasText: exactly(name) }) });
/** What a click on a thumbnail hits: its link. */
const thumb = (page: Page, name: string) => card(page, name).getByRole("link");
/** The cards of /shares/, one per link. */
const shareItems = (page: Page) => page.locator("ul.share-list > li.card.share");
/** A fact of a link's card: the <dd> after the <dt> called `term`. */
const fact = (item: Locator, term: string) =>
  item.locator("dt", { hasText: exactly(term) }).locator("xpath=following-sibling::dd[1]");
const expiresSelect = (page: Page) => page.getByLabel("Expires", { exact: true });

/** Uploads images straight into an album (in that order, so the last is the
 * newest); lands on the album's page. */
async function uploadInto(page: Page, albumId: string, files: string[]) {
  await page.goto(`/upload/?album=${albumId}`);
  await waitForHydration(page);
  await expect(page.getByLabel("Album", { exact: true })).toHaveValue(albumId);
  await page.getByLabel("Description").fill("Shared in a test");
  const dt = await canvasFiles(page, files.map((name) => ({ name: `${name}.png`, width: 120, height: 90 })));
  await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer: dt });
  await expect(page.locator(".upload-item")).toHaveCount(files.length);
  await page.getByRole("button", { name: /^Upload/ }).click();
  await expect(page).toHaveURL(`/albums/${albumId}/`);
  await waitForHydration(page);
}

/** Selects `picks` in the hydrated gallery and presses the bar's "Share". */
async function shareSelection(page: Page, picks: string[]) {
  await page.goto("/images/");
  await waitForSelectionBar(page);
  await page.locator(".selection-bar").getByRole("button", { name: "Select", exact: true }).click();
  for (const name of picks) await thumb(page, name).click();
  await expect(page.locator(".selection-bar .selection-count")).toHaveText(`${picks.length} selected`);
  await page.locator("#selection").getByRole("button", { name: "Share", exact: true }).click();
  await expect(page).toHaveURL(/\/shares\/new\/\?images=\d+((,|%2C)\d+)*$/);
}

type LinkFields = { title?: string; message?: string; password?: string; download?: boolean };
/** Fills the share form shown and creates the link; answers the link as
 * shown on /shares/ (a full URL), its path and its card there. */
async function createLink(page: Page, fields: LinkFields = {}): Promise<{ link: string; path: string; item: Locator }> {
  if (fields.title) await page.getByLabel("Title (optional)").fill(fields.title);
  if (fields.message) await page.getByLabel("Message (optional)").fill(fields.message);
  if (fields.password) await page.getByLabel("Password (optional)").fill(fields.password);
  if (fields.download === false) await page.getByRole("checkbox", { name: "Allow download" }).uncheck();
  await page.getByRole("button", { name: "Create link", exact: true }).click();
  await expect(page).toHaveURL(/\/shares\/\?created=\d+$/);
  const item = shareItems(page).filter({ hasText: "Link created. Copy it and send it to the people you want to see it." });
  await expect(item).toHaveCount(1);
  const link = await item.getByLabel("Link", { exact: true }).inputValue();
  expect(link).toMatch(/^https?:\/\/[^/]+\/s\/[A-Za-z0-9_-]+$/);
  return { link, path: new URL(link).pathname, item };
}

test.describe("an album's link", () => {
  // Once revoked, the link answers the 404 page, which Chromium logs.
  test.use({ allowConsole: [/status of 404/] });

  test("share an album; a visitor sees it, follows its changes, loses it when revoked", async ({ page, browser, baseURL }) => {
    test.setTimeout(90_000);
    const owner = await signUp(page, "sharer");
    const albumId = (await createAlbum(page, "Trip")).match(/\d+/)![0];
    await uploadInto(page, albumId, ["Harbour", "Meadow"]);
    const fileKey = (await grid(page).locator("img").first().getAttribute("src"))!.split("/")[2];
    expect(fileKey).toMatch(/^[0-9a-f]{32}$/);

    await waitForHydration(page);
    await page.getByRole("link", { name: "Share", exact: true }).click();
    await expect(page).toHaveURL(`/shares/new/?album=${albumId}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Share Album “Trip”");
    await waitForHydration(page);
    await expect(expiresSelect(page).locator("option")).toHaveText(["Never", "1 day", "7 days", "30 days", "On a date"]);
    await expect(expiresSelect(page).locator("option:checked")).toHaveText("30 days");
    // Once hydrated, the date field shows only with "On a date".
    await expect(page.getByLabel("Expiry date")).toBeHidden();
    await expiresSelect(page).selectOption({ label: "On a date" });
    await expect(page.getByLabel("Expiry date")).toBeVisible();
    await expiresSelect(page).selectOption({ label: "30 days" });
    await expect(page.getByRole("checkbox", { name: "Allow download" })).toBeChecked();
    const message = "Pictures from our summer by the sea.";
    const { link, path, item } = await createLink(page, { title: "Summer trip", message });
    expect(new URL(link).origin).toBe(new URL(baseURL!).origin);
    await expect(item.getByRole("heading", { level: 2 })).toHaveText("Summer trip");

    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await waitForHydration(page);
    await item.getByRole("button", { name: "Copy link", exact: true }).click();
    await expect(item.getByText("Copied.", { exact: true })).toBeVisible();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(link);

    const visitorContext = await browser.newContext();
    try {
      const visitor = await visitorContext.newPage();
      const res = (await visitor.goto(path))!;
      expect(res.status()).toBe(200);
      expect(res.headers()["referrer-policy"]).toBe("no-referrer");
      expect(res.headers()["cache-control"]).toBe("private, no-store");
      const html = await res.text();
      // Nothing names the owner or the owner's own media URLs.
      expect(html).not.toContain(owner);
      expect(html).not.toContain(fileKey);
      expect(html.split(`${path}/media/`).join("")).not.toContain("/media/");
      const robots = await visitor.locator('meta[name="robots"]').evaluateAll((ms) => ms.map((m) => m.getAttribute("content")));
      expect(robots).toContain("noindex, nofollow");

      await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("Summer trip");
      await expect(visitor.locator("p.share-message")).toHaveText(message);
      await expect(count(visitor)).toHaveText("2 images");
      await expect(names(visitor)).toHaveText(["Meadow", "Harbour"]);
      await expect(visitor.getByRole("link", { name: "Download all" })).toHaveAttribute("href", `${path}/zip`);
      // No way into the rest of the app: every link stays under the share link.
      await expect(nav(visitor)).toContainText("Cloudtalents");
      await expect(nav(visitor).getByRole("link")).toHaveCount(0);
      const hrefs = await visitor.locator("a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
      for (const href of hrefs) expect(href.startsWith(`${path}/`), href).toBe(true);

      const img = card(visitor, "Meadow").locator("img");
      const src = (await img.getAttribute("src"))!;
      expect(src).toMatch(new RegExp(`^${path}/media/\\d+/`));
      await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
      expect((await visitorContext.request.get(src)).status()).toBe(200);

      await waitForHydration(visitor);
      await thumb(visitor, "Meadow").click();
      const dialog = visitor.getByRole("dialog");
      await expect(dialog.getByRole("heading")).toHaveText("Meadow");
      const download = dialog.getByRole("link", { name: "Download", exact: true });
      await expect(download).toHaveAttribute("href", new RegExp(`^${path}/download/\\d+$`));
      await visitor.keyboard.press("ArrowRight");
      await expect(dialog.getByRole("heading")).toHaveText("Harbour");
      await visitor.keyboard.press("Escape");
      await expect(dialog).toBeHidden();

      // An album's link follows the album.
      await uploadInto(page, albumId, ["Lake"]);
      await visitor.reload();
      await expect(names(visitor)).toHaveText(["Lake", "Meadow", "Harbour"]);
      await expect(count(visitor)).toHaveText("3 images");

      await waitForHydration(page);
      await nav(page).getByRole("link", { name: "Shared links", exact: true }).click();
      await expect(page).toHaveURL("/shares/");
      await waitForHydration(page);
      page.once("dialog", (d) => d.accept());
      await shareItems(page).getByRole("button", { name: "Revoke", exact: true }).click();
      await expect(page.getByText("You have not shared anything yet.")).toBeVisible();

      // Gone at once: the page and the bytes.
      const gone = (await visitor.reload())!;
      expect(gone.status()).toBe(404);
      await expect(visitor.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await expect(visitor.getByRole("link", { name: "Back to the start" })).toHaveCount(0);
      expect((await visitorContext.request.get(src)).status()).toBe(404);
    } finally {
      await visitorContext.close();
    }
  });
});

test.describe("a password link", () => {
  // A wrong password is answered with 401.
  test.use({ allowConsole: [/status of 401/] });

  test("share an image from its page with a password; the visitor must give it", async ({ page, browser }) => {
    test.setTimeout(60_000);
    await signUp(page, "guardian");
    await dropAndUpload(page, ["Lantern"]);
    const detail = (await thumb(page, "Lantern").getAttribute("href"))!;
    await page.goto(detail);
    await waitForHydration(page);
    await page.getByRole("link", { name: "Share", exact: true }).click();
    await expect(page).toHaveURL(`/shares/new/?images=${detail.match(/\d+/)![0]}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Share 1 image");
    await waitForHydration(page);
    const { path, item } = await createLink(page, { password: LINK_PASSWORD });
    await expect(item.getByRole("heading", { level: 2 })).toHaveText("1 image");
    await expect(fact(item, "Password")).toHaveText("Yes");

    const visitorContext = await browser.newContext();
    const stranger = await browser.newContext();
    try {
      const visitor = await visitorContext.newPage();
      await visitor.goto(path);
      await expect(visitor.getByRole("heading", { name: "Password required" })).toBeVisible();
      await expect(grid(visitor)).toHaveCount(0);
      await expect(visitor.getByText("Lantern")).toHaveCount(0);

      await waitForHydration(visitor);
      await visitor.getByLabel("Password", { exact: true }).fill("open sesame 2");
      await visitor.getByRole("button", { name: "Open", exact: true }).click();
      await expect(visitor.getByText("That password is not right.")).toBeVisible();
      await expect(grid(visitor)).toHaveCount(0);
      await visitor.getByLabel("Password", { exact: true }).fill(LINK_PASSWORD);
      await visitor.getByRole("button", { name: "Open", exact: true }).click();
      await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("Shared images");
      await expect(names(visitor)).toHaveText(["Lantern"]);
      await expect(visitor).toHaveURL(path);
      // The browser remembers it.
      await visitor.reload();
      await expect(names(visitor)).toHaveText(["Lantern"]);

      // Without the password's cookie: the form, and no bytes.
      const src = (await grid(visitor).locator("img").first().getAttribute("src"))!;
      expect((await visitorContext.request.get(src)).status()).toBe(200);
      expect((await stranger.request.get(src)).status()).toBe(404);
      const locked = await stranger.request.get(path);
      expect(await locked.text()).toContain("Password required");
    } finally {
      await visitorContext.close();
      await stranger.close();
    }

    // Views are counted off the request path: poll.
    await page.goto("/shares/");
    await expect(shareItems(page)).toHaveCount(1);
    await expect(async () => {
      await page.reload();
      expect(Number(await fact(shareItems(page), "Views").textContent())).toBeGreaterThanOrEqual(1);
    }).toPass();
    await expect(fact(shareItems(page), "Last opened")).not.toHaveText("Never");
  });
});

test("a link without downloads serves none; one with them gives a ZIP", async ({ page, browser }) => {
  test.setTimeout(90_000);
  await signUp(page, "lender");
  await dropAndUpload(page, ["Harbour", "Meadow", "Lake"]);
  await shareSelection(page, ["Lake", "Harbour"]);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Share 2 images");
  await waitForHydration(page);
  const closed = await createLink(page, { title: "Look only", download: false });
  await expect(fact(closed.item, "Download allowed")).toHaveText("No");
  await shareSelection(page, ["Lake", "Harbour"]);
  await waitForHydration(page);
  const open = await createLink(page, { title: "Take them" });
  await expect(shareItems(page)).toHaveCount(2);

  const visitorContext = await browser.newContext();
  try {
    const visitor = await visitorContext.newPage();
    await visitor.goto(closed.path);
    await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("Look only");
    await expect(names(visitor)).toHaveText(["Lake", "Harbour"]);
    await expect(visitor.getByRole("link", { name: "Download all" })).toHaveCount(0);
    await waitForHydration(visitor);
    await thumb(visitor, "Lake").click();
    const dialog = visitor.getByRole("dialog");
    await expect(dialog.getByRole("heading")).toHaveText("Lake");
    await expect(dialog.getByRole("link", { name: "Download", exact: true })).toHaveCount(0);
    await dialog.getByRole("button", { name: "Close", exact: true }).click();
    await expect(dialog).toBeHidden();

    const src = (await card(visitor, "Lake").locator("img").getAttribute("src"))!;
    const imageId = src.match(/\/media\/(\d+)\//)![1];
    expect((await visitorContext.request.get(src)).status()).toBe(200);
    expect((await visitorContext.request.get(`${closed.path}/zip`)).status()).toBe(404);
    expect((await visitorContext.request.get(`${closed.path}/download/${imageId}`)).status()).toBe(404);

    await visitor.goto(open.path);
    await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("Take them");
    expect((await visitorContext.request.get(`${open.path}/download/${imageId}`)).status()).toBe(200);
    const downloading = visitor.waitForEvent("download");
    await visitor.getByRole("link", { name: "Download all" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    await zipBytes(download);
  } finally {
    await visitorContext.close();
  }
});

test.describe("without JavaScript", () => {
  // The wrong password's page comes with status 401.
  test.use({ javaScriptEnabled: false, allowConsole: [/status of 401/] });

  test("make and edit a password link with plain forms; the visitor opens it with plain posts", async ({ page, browser }) => {
    test.setTimeout(60_000);
    await signUp(page, "nojssharer", false);
    await formUpload(page, "Lighthouse", "On the cliff");
    await page.goto((await thumb(page, "Lighthouse").getAttribute("href"))!);
    await page.getByRole("link", { name: "Share", exact: true }).click();
    await expect(page).toHaveURL(/\/shares\/new\/\?images=\d+$/);
    // Without script the date field is always there.
    await expect(page.getByLabel("Expiry date")).toBeVisible();
    await expiresSelect(page).selectOption({ label: "Never" });
    const { path, item } = await createLink(page, { title: "Plain link", password: LINK_PASSWORD });
    await expect(fact(item, "Expires")).toHaveText("Never");

    await item.getByRole("link", { name: "Edit", exact: true }).click();
    await expect(page).toHaveURL(/\/shares\/\d+\/$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Edit link: /);
    await expect(expiresSelect(page).locator("option:checked")).toHaveText("Unchanged: never");
    await expect(page.getByLabel("New password (optional)")).toBeVisible();
    await expect(page.getByRole("checkbox", { name: "Remove the password" })).not.toBeChecked();
    await page.getByLabel("Title (optional)").fill("Plain link, edited");
    await page.getByRole("button", { name: "Save link", exact: true }).click();
    await expect(page).toHaveURL("/shares/");
    await expect(shareItems(page).getByRole("heading", { level: 2 })).toHaveText("Plain link, edited");

    const visitorContext = await browser.newContext({ javaScriptEnabled: false });
    try {
      const visitor = await visitorContext.newPage();
      await visitor.goto(path);
      await expect(visitor.getByRole("heading", { name: "Password required" })).toBeVisible();
      await visitor.getByLabel("Password", { exact: true }).fill("open sesame 2");
      const refused = visitor.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === path);
      await visitor.getByRole("button", { name: "Open", exact: true }).click();
      expect((await refused).status()).toBe(401);
      await expect(visitor.getByText("That password is not right.")).toBeVisible();
      await expect(grid(visitor)).toHaveCount(0);

      await visitor.getByLabel("Password", { exact: true }).fill(LINK_PASSWORD);
      await visitor.getByRole("button", { name: "Open", exact: true }).click();
      await expect(visitor).toHaveURL(path);
      await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("Plain link, edited");
      await expect(names(visitor)).toHaveText(["Lighthouse"]);
    } finally {
      await visitorContext.close();
    }
  });
});

test.describe("accessibility", () => {
  for (const theme of ["light", "dark"] as const) {
    test(`share pages have no serious axe violations, ${theme} theme`, async ({ page, browser, baseURL }) => {
      test.setTimeout(60_000);
      await signUp(page, `axeshare${theme}`);
      const albumId = (await createAlbum(page, "Axe trip")).match(/\d+/)![0];
      await uploadInto(page, albumId, ["Dune"]);
      const newShare = `/shares/new/?album=${albumId}`;
      await page.goto(newShare);
      await waitForHydration(page);
      const { path } = await createLink(page, { title: "Axe link", message: "For the checker." });

      // The theme cookie (what the toggle sets) makes the server render it.
      await page.context().addCookies([{ name: "theme", value: theme, url: baseURL! }]);
      await page.emulateMedia({ colorScheme: theme });
      for (const url of ["/shares/", newShare]) {
        await page.goto(url);
        await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
        await waitForHydration(page);
        await expectNoSeriousAxe(page, `${url}, ${theme} theme`);
      }

      const visitorContext = await browser.newContext({ colorScheme: theme });
      try {
        await visitorContext.addCookies([{ name: "theme", value: theme, url: baseURL! }]);
        const visitor = await visitorContext.newPage();
        await visitor.goto(path);
        await expect(visitor.locator("html")).toHaveAttribute("data-theme", theme);
        await waitForHydration(visitor);
        await expect(names(visitor)).toHaveText(["Dune"]);
        await expectNoSeriousAxe(visitor, `the visitor's page, ${theme} theme`);
      } finally {
        await visitorContext.close();
      }
    });
  }
});
