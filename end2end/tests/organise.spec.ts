import fs from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { test, expect, waitForHydration } from "./fixtures";
import { canvasFiles, dropAndUpload, formUpload, nav, signUp } from "./helpers";

/** The gallery's grid (not the trash's list). */
const grid = (page: Page) => page.getByRole("list", { name: "Images", exact: true });
/** The names under the gallery's thumbnails, in order. */
const names = (page: Page) => grid(page).locator(".thumb-name");
/** The gallery card of the image called `name`. */
const card = (page: Page, name: string) => grid(page).locator(".thumb").filter({ hasText: name });
/** A card's star (or the lightbox's, or the image page's). */
const star = (scope: Page | Locator) => scope.getByRole("button", { name: "Favourite", exact: true });
const trashItems = (page: Page) => page.getByRole("list", { name: "Images in the trash" }).getByRole("listitem");
const searchBox = (page: Page) => page.getByRole("searchbox", { name: "Search" });
const searchButton = (page: Page) => page.getByRole("button", { name: "Search", exact: true });
const count = (page: Page) => page.locator(".gallery-count");

/** Searches from the gallery's form (a plain GET, hydrated or not). */
async function search(page: Page, q: string) {
  await searchBox(page).fill(q);
  await searchButton(page).click();
  await expect(page).toHaveURL(new RegExp(`/images/\\?q=${encodeURIComponent(q)}(&|$)`));
}

test("search finds words of names and descriptions, ignoring case and accents", async ({ page }) => {
  await signUp(page, "searcher");
  await dropAndUpload(page, ["Harbour"], "Fishing boats in the fog");
  await dropAndUpload(page, ["Catalina"], "Breakfast at the Café");
  await dropAndUpload(page, ["Meadow"], "Cows grazing in the sun");
  await expect(count(page)).toHaveText("3 images");
  await waitForHydration(page);

  // A word of a description.
  await search(page, "fog");
  await expect(names(page)).toHaveText(["Harbour"]);
  await expect(count(page)).toHaveText("1 image found");
  await expect(searchBox(page)).toHaveValue("fog");
  // Results come best match first, so the order cannot be chosen.
  await expect(page.getByRole("combobox", { name: "Sort" })).toBeDisabled();

  // Neither case nor accents matter: "CAFE" finds "Café".
  await waitForHydration(page);
  await search(page, "CAFE");
  await expect(names(page)).toHaveText(["Catalina"]);
  // A word's beginning is enough: "cat" finds "Catalina".
  await waitForHydration(page);
  await search(page, "cat");
  await expect(names(page)).toHaveText(["Catalina"]);

  await waitForHydration(page);
  await search(page, "zebra");
  await expect(page.getByText("No images match “zebra”.")).toBeVisible();
  await expect(grid(page)).toHaveCount(0);
  await page.getByRole("link", { name: "Show all images" }).click();
  await expect(page).toHaveURL("/images/");
  await expect(names(page)).toHaveText(["Meadow", "Catalina", "Harbour"]);
});

test("the order follows the Sort menu at once, and the URL keeps it", async ({ page }) => {
  await signUp(page, "sorter");
  await dropAndUpload(page, ["banana", "apple", "cherry"]);
  await expect(names(page)).toHaveText(["cherry", "apple", "banana"]);
  const sort = page.getByRole("combobox", { name: "Sort" });
  await expect(sort).toHaveValue("newest");
  await expect(sort).toBeEnabled();

  await waitForHydration(page);
  await sort.selectOption({ label: "Name A→Z" });
  await expect(page).toHaveURL(/[?&]sort=name(&|$)/);
  await expect(names(page)).toHaveText(["apple", "banana", "cherry"]);
  await expect(sort).toHaveValue("name");

  await waitForHydration(page);
  await sort.selectOption({ label: "Oldest first" });
  await expect(page).toHaveURL(/[?&]sort=oldest(&|$)/);
  await expect(names(page)).toHaveText(["banana", "apple", "cherry"]);
});

test("star a card in place, then show favourites only", async ({ page }) => {
  await signUp(page, "starry");
  await dropAndUpload(page, ["Lake", "Forest"]);
  await expect(names(page)).toHaveText(["Forest", "Lake"]);
  await waitForHydration(page);
  await expect(star(card(page, "Lake"))).toHaveAttribute("aria-pressed", "false");
  // Survives only if the page is not reloaded.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

  await star(card(page, "Lake")).click();
  await expect(star(card(page, "Lake"))).toHaveAttribute("aria-pressed", "true");
  await expect(star(card(page, "Forest"))).toHaveAttribute("aria-pressed", "false");
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

  // Ticking the box applies the filter by itself (a click, not check():
  // the page navigates away at once).
  await page.getByRole("checkbox", { name: "Favourites" }).click();
  await expect(page).toHaveURL(/[?&]favourites=1(&|$)/);
  await expect(names(page)).toHaveText(["Lake"]);
  await expect(count(page)).toHaveText("1 image");
  await expect(page.getByRole("checkbox", { name: "Favourites" })).toBeChecked();
  await expect(star(card(page, "Lake"))).toHaveAttribute("aria-pressed", "true");

  // Unstarred, it is gone from the favourites next time they are listed.
  await waitForHydration(page);
  await star(card(page, "Lake")).click();
  await expect(star(card(page, "Lake"))).toHaveAttribute("aria-pressed", "false");
  await page.reload();
  await expect(page.getByText("No favourites yet: press the star on an image to add it.")).toBeVisible();
  await expect(grid(page)).toHaveCount(0);
});

test("the lightbox: slideshow, star, download link", async ({ page }) => {
  await signUp(page, "slides");
  await dropAndUpload(page, ["one", "two", "three"]);
  await expect(names(page)).toHaveText(["three", "two", "one"]);
  await waitForHydration(page);
  await card(page, "three").getByRole("link").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading")).toHaveText("three");
  await expect(dialog.getByRole("link", { name: "Download", exact: true })).toHaveAttribute("href", /^\/images\/\d+\/download\/$/);

  // Space starts the slideshow (focus is on the thumbnail's link, which
  // Space does not follow); the next image comes by itself within 5 s.
  const play = dialog.getByRole("button", { name: "Slideshow" });
  await expect(play).toHaveAttribute("aria-pressed", "false");
  await page.keyboard.press("Space");
  await expect(play).toHaveAttribute("aria-pressed", "true");
  await expect(dialog.getByRole("heading")).toHaveText("two");
  await play.click();
  await expect(play).toHaveAttribute("aria-pressed", "false");

  // The star in the lightbox is the card's star too.
  const shown = (await dialog.getByRole("heading").textContent())!;
  await expect(star(dialog)).toHaveAttribute("aria-pressed", "false");
  await star(dialog).click();
  await expect(star(dialog)).toHaveAttribute("aria-pressed", "true");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
  await expect(star(card(page, shown))).toHaveAttribute("aria-pressed", "true");
  await page.reload();
  await expect(star(card(page, shown))).toHaveAttribute("aria-pressed", "true");
  await expect(star(card(page, "three"))).toHaveAttribute("aria-pressed", "false");

  // And the other way: a card starred in the grid is starred in the
  // lightbox, already loaded or not.
  await waitForHydration(page);
  await star(card(page, "three")).click();
  await expect(star(card(page, "three"))).toHaveAttribute("aria-pressed", "true");
  await card(page, "three").getByRole("link").click();
  await expect(dialog.getByRole("heading")).toHaveText("three");
  await expect(star(dialog)).toHaveAttribute("aria-pressed", "true");
  await dialog.getByRole("button", { name: "Close" }).click();
  await star(card(page, "one")).click();
  await expect(star(card(page, "one"))).toHaveAttribute("aria-pressed", "true");
  await card(page, "one").getByRole("link").click();
  await expect(dialog.getByRole("heading")).toHaveText("one");
  await expect(star(dialog)).toHaveAttribute("aria-pressed", "true");
});

test("move to trash from the lightbox, find it in the trash, restore it whole", async ({ page }) => {
  await signUp(page, "restorer");
  await dropAndUpload(page, ["keeper", "tossed"]);
  await expect(names(page)).toHaveText(["tossed", "keeper"]);
  const src = (await card(page, "tossed").locator("img").getAttribute("src"))!;
  expect(src).toMatch(/^\/media\//);
  expect((await page.request.get(src)).status()).toBe(200);

  await waitForHydration(page);
  await card(page, "tossed").getByRole("link").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading")).toHaveText("tossed");
  // Undoable, so nothing asks first; the lightbox moves on.
  await dialog.getByRole("button", { name: "Move to trash" }).click();
  await expect(dialog.getByRole("heading")).toHaveText("keeper");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(names(page)).toHaveText(["keeper"]);
  // A card after the trashed one opens its own image, not its old place's.
  await card(page, "keeper").getByRole("link").click();
  await expect(dialog.getByRole("heading")).toHaveText("keeper");
  await dialog.getByRole("button", { name: "Close" }).click();
  // Gone on the server too: from the gallery and from its media URLs.
  await page.reload();
  await expect(names(page)).toHaveText(["keeper"]);
  expect((await page.request.get(src)).status()).toBe(404);

  await waitForHydration(page);
  await nav(page).getByRole("link", { name: "Trash", exact: true }).click();
  await expect(page).toHaveURL("/trash/");
  await expect(page.getByRole("heading", { name: "Trash", exact: true })).toBeVisible();
  const item = trashItems(page);
  await expect(item).toHaveCount(1);
  await expect(item.locator(".thumb-name")).toHaveText("tossed");
  await expect(item).toContainText(/Deleted for good on \d{4}-\d{2}-\d{2}/);
  // Its thumbnail still shows here.
  const thumb = item.getByRole("img", { name: "tossed" });
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

  await waitForHydration(page);
  await item.getByRole("button", { name: "Restore" }).click();
  await expect(page.getByText("The trash is empty.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Empty trash" })).toHaveCount(0);

  await page.goto("/images/");
  await expect(names(page)).toHaveText(["tossed", "keeper"]);
  expect((await page.request.get(src)).status()).toBe(200);
});

test("delete forever asks first, then the files are gone", async ({ page }) => {
  await signUp(page, "purger");
  await dropAndUpload(page, ["doomed"]);
  const src = (await card(page, "doomed").locator("img").getAttribute("src"))!;
  expect(src).toMatch(/^\/media\/[0-9a-f]{32}\/thumb-400\.jpg$/);
  const display = src.replace(/thumb-400\.jpg$/, "display.jpg");
  const detail = (await card(page, "doomed").getByRole("link").getAttribute("href"))!;
  expect((await page.request.get(src)).status()).toBe(200);
  expect((await page.request.get(display)).status()).toBe(200);

  // The image's page, hydrated, moves it to the trash too.
  await page.goto(detail);
  await waitForHydration(page);
  await page.getByRole("button", { name: "Move to trash" }).click();
  await expect(page).toHaveURL("/images/");
  await expect(page.getByText("No images yet.")).toBeVisible();

  await page.goto("/trash/");
  const item = trashItems(page);
  await expect(item).toHaveCount(1);
  const trashedThumb = (await item.getByRole("img", { name: "doomed" }).getAttribute("src"))!;
  expect((await page.request.get(trashedThumb)).status()).toBe(200);

  await waitForHydration(page);
  let question = "";
  page.once("dialog", async (d) => {
    question = d.message();
    await d.accept();
  });
  await item.getByRole("button", { name: "Delete forever" }).click();
  await expect(page.getByText("The trash is empty.")).toBeVisible();
  expect(question).toContain("doomed");
  // Every URL of its files answers 404 to its owner now.
  for (const url of [src, display, trashedThumb, `${detail}download/`]) {
    expect((await page.request.get(url)).status(), url).toBe(404);
  }
});

test("empty the trash", async ({ page }) => {
  await signUp(page, "emptier");
  await dropAndUpload(page, ["first", "second"]);
  await waitForHydration(page);
  await card(page, "second").getByRole("link").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading")).toHaveText("second");
  await dialog.getByRole("button", { name: "Move to trash" }).click();
  await expect(dialog.getByRole("heading")).toHaveText("first");
  await dialog.getByRole("button", { name: "Move to trash" }).click();
  // The last one gone, the page comes back from the server, empty.
  await expect(page.getByText("No images yet.")).toBeVisible();

  await page.goto("/trash/");
  await expect(trashItems(page)).toHaveCount(2);
  await waitForHydration(page);
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Empty trash" }).click();
  await expect(page.getByText("The trash is empty.")).toBeVisible();
  await expect(trashItems(page)).toHaveCount(0);
});

test("download from the image's page: the file, named after the image", async ({ page }) => {
  await signUp(page, "downloader");
  await page.goto("/upload/");
  await waitForHydration(page);
  await page.getByLabel("Description").fill("Stars over the bay");
  const files = await canvasFiles(page, [{ name: "stars.png", width: 200, height: 150 }]);
  await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer: files });
  const item = page.locator(".upload-item");
  await expect(item).toHaveCount(1);
  // "/" and "?" cannot be in a file name; they become "_", trimmed at the end.
  await item.getByLabel("Name").fill("Night sky/stars?");
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page).toHaveURL("/images/");
  // Its page (a click on the card would open the lightbox).
  await page.goto((await card(page, "Night sky/stars?").getByRole("link").getAttribute("href"))!);
  await expect(page.getByRole("heading", { name: "Night sky/stars?" })).toBeVisible();

  const link = page.getByRole("link", { name: "Download", exact: true });
  await expect(link).toHaveAttribute("href", /^\/images\/\d+\/download\/$/);
  await expect(link).toHaveAttribute("download", "");
  const res = await page.request.get((await link.getAttribute("href"))!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("image/jpeg");
  expect(res.headers()["content-disposition"]).toBe(
    `attachment; filename="Night sky_stars.jpg"; filename*=UTF-8''Night%20sky_stars.jpg`,
  );

  await waitForHydration(page);
  const downloading = page.waitForEvent("download");
  await link.click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^Night sky_stars.*\.jpg$/);
  // A real JPEG came down.
  const bytes = fs.readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
});

test.describe("accessibility", () => {
  for (const theme of ["light", "dark"] as const) {
    test(`gallery, trash, upload, albums and album pages have no serious axe violations, ${theme} theme`, async ({ page, baseURL }) => {
      test.setTimeout(60_000);
      await signUp(page, `axe${theme}`);
      await dropAndUpload(page, ["Kept", "Trashed"]);
      // One in the gallery, one in the trash.
      await page.goto((await card(page, "Trashed").getByRole("link").getAttribute("href"))!);
      await waitForHydration(page);
      await page.getByRole("button", { name: "Move to trash" }).click();
      await expect(page).toHaveURL("/images/");
      await expect(names(page)).toHaveText(["Kept"]);

      // An album holding the kept image.
      await page.goto("/albums/new/");
      await waitForHydration(page);
      await page.getByLabel("Name").fill("Axe album");
      await page.getByRole("button", { name: "Create album" }).click();
      await expect(page).toHaveURL(/\/albums\/\d+\/$/);
      const album = new URL(page.url()).pathname;
      await page.goto("/images/");
      await page.goto((await card(page, "Kept").getByRole("link").getAttribute("href"))!);
      await waitForHydration(page);
      await page.getByRole("button", { name: "Add to album", exact: true }).click();
      await expect(page.getByRole("button", { name: "Remove from album", exact: true })).toBeVisible();

      // The theme cookie (what the toggle sets) makes the server render it.
      await page.context().addCookies([{ name: "theme", value: theme, url: baseURL! }]);
      await page.emulateMedia({ colorScheme: theme });
      for (const path of ["/images/", "/trash/", "/upload/", "/albums/", album]) {
        await page.goto(path);
        await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
        await waitForHydration(page);
        if (path === "/trash/") await expect(trashItems(page)).toHaveCount(1);
        if (path === "/images/") await expect(names(page)).toHaveText(["Kept"]);
        const results = await new AxeBuilder({ page }).analyze();
        const serious = results.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map(
            (v) =>
              `${v.id} (${v.impact}): ${v.help}\n` +
              v.nodes.map((n) => `  ${n.target.join(" ")}: ${n.failureSummary ?? ""}`).join("\n"),
          );
        expect(serious, `axe on ${path}, ${theme} theme:\n${serious.join("\n")}`).toEqual([]);
      }
    });
  }
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("search by a word of a description", async ({ page }) => {
    await signUp(page, "nojssearch", false);
    await formUpload(page, "Harbour", "Fishing boats in the fog");
    await formUpload(page, "Meadow", "Cows grazing in the sun");
    await expect(names(page)).toHaveText(["Meadow", "Harbour"]);

    await search(page, "fog");
    await expect(names(page)).toHaveText(["Harbour"]);
    await expect(card(page, "Meadow")).toHaveCount(0);
    await expect(count(page)).toHaveText("1 image found");
    await expect(searchBox(page)).toHaveValue("fog");
  });

  test("star a card, then filter the favourites", async ({ page }) => {
    await signUp(page, "nojsstar", false);
    await formUpload(page, "Lake", "Still water");
    await formUpload(page, "Forest", "Tall trees");
    await expect(names(page)).toHaveText(["Forest", "Lake"]);

    // A plain post that comes back to the gallery, starred.
    await star(card(page, "Lake")).click();
    await expect(page).toHaveURL("/images/");
    await expect(star(card(page, "Lake"))).toHaveAttribute("aria-pressed", "true");
    await expect(star(card(page, "Forest"))).toHaveAttribute("aria-pressed", "false");

    // Without script the box applies with the form's button.
    await page.getByRole("checkbox", { name: "Favourites" }).check();
    await searchButton(page).click();
    await expect(page).toHaveURL(/[?&]favourites=1(&|$)/);
    await expect(names(page)).toHaveText(["Lake"]);
    await expect(page.getByRole("checkbox", { name: "Favourites" })).toBeChecked();
  });

  test("move to trash from the image's page, restore, delete forever", async ({ page }) => {
    await signUp(page, "nojstrash", false);
    await formUpload(page, "Lighthouse", "On the cliff");
    const src = (await card(page, "Lighthouse").locator("img").getAttribute("src"))!;
    const detail = (await card(page, "Lighthouse").getByRole("link").getAttribute("href"))!;

    await card(page, "Lighthouse").getByRole("link").click();
    await expect(page).toHaveURL(detail);
    await page.getByRole("button", { name: "Move to trash" }).click();
    await expect(page).toHaveURL("/images/");
    await expect(page.getByText("No images yet.")).toBeVisible();

    await nav(page).getByRole("link", { name: "Trash", exact: true }).click();
    await expect(page).toHaveURL("/trash/");
    await expect(trashItems(page).locator(".thumb-name")).toHaveText(["Lighthouse"]);
    await trashItems(page).getByRole("button", { name: "Restore" }).click();
    await expect(page).toHaveURL("/trash/");
    await expect(page.getByText("The trash is empty.")).toBeVisible();
    await nav(page).getByRole("link", { name: "My images" }).click();
    await expect(names(page)).toHaveText(["Lighthouse"]);
    expect((await page.request.get(src)).status()).toBe(200);

    // Without script nothing asks: the post goes straight ahead.
    await page.goto(detail);
    await page.getByRole("button", { name: "Move to trash" }).click();
    await expect(page).toHaveURL("/images/");
    await page.goto("/trash/");
    await trashItems(page).getByRole("button", { name: "Delete forever" }).click();
    await expect(page.getByText("The trash is empty.")).toBeVisible();
    expect((await page.request.get(src)).status()).toBe(404);
  });
});

/** The sum of the page's layout shifts so far (not caused by input). */
async function layoutShift(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
            if (!entry.hadRecentInput) total += entry.value;
          }
        }).observe({ type: "layout-shift", buffered: true });
        // Buffered entries arrive in the observer's first callback, before
        // the second frame from now.
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
      }),
  );
}

test("pages follow by the image at their edge, hydrated, with no layout shift", async ({ page }) => {
  test.setTimeout(60_000);
  await signUp(page, "pager");
  const uploaded = Array.from({ length: 26 }, (_, i) => `Pic ${String(i + 1).padStart(2, "0")}`);
  await dropAndUpload(page, uploaded);
  await page.goto("/images/");
  await waitForHydration(page);
  expect(await layoutShift(page), "CLS of the gallery's load and hydration").toBe(0);
  await expect(count(page)).toHaveText("26 images");
  await expect(page.getByText("Page 1 of 2")).toBeVisible();
  await expect(names(page)).toHaveCount(24);
  const firstPage = await names(page).allTextContents();

  // Next: a client-side navigation, the server function called with the
  // position (`after:<id>`).
  await page.getByRole("link", { name: "Next →" }).click();
  await expect(page).toHaveURL(/\/images\/\?after=\d+&page=2$/);
  await expect(page.getByText("Page 2 of 2")).toBeVisible();
  await expect(names(page)).toHaveCount(2);
  const secondPage = await names(page).allTextContents();
  expect([...firstPage, ...secondPage].sort()).toEqual([...uploaded].sort());
  await expect(page.getByRole("link", { name: "Next →" })).toHaveCount(0);

  await page.getByRole("link", { name: "← Previous" }).click();
  await expect(page).toHaveURL(/\/images\/\?before=\d+&page=1$/);
  await expect(names(page)).toHaveText(firstPage);
  await page.getByRole("link", { name: "Last »" }).click();
  await expect(page).toHaveURL("/images/?page=last");
  await expect(names(page)).toHaveText(secondPage);
  await page.getByRole("link", { name: "« First" }).click();
  await expect(page).toHaveURL("/images/");
  await expect(names(page)).toHaveText(firstPage);

  // At a phone's width the no-JS selection form (replaced by "Select" on
  // hydration) keeps to one row, so nothing moves there either.
  const phone = await page.context().browser()!.newContext({
    storageState: await page.context().storageState(),
    viewport: { width: 390, height: 844 },
  });
  try {
    const narrow = await phone.newPage();
    await narrow.goto(page.url());
    await waitForHydration(narrow);
    await expect(narrow.getByRole("button", { name: "Select" })).toBeVisible();
    expect(await layoutShift(narrow), "CLS of the gallery at a phone's width").toBe(0);
  } finally {
    await phone.close();
  }

  // The login page (the lightest) moves nothing either.
  const guest = await page.context().browser()!.newPage();
  await guest.goto(page.url().replace(/\/images\/.*$/, "/login/"));
  await waitForHydration(guest);
  expect(await layoutShift(guest), "CLS of the login page").toBe(0);
  await guest.close();
});
