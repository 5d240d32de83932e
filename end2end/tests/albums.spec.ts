import type { Page } from "@playwright/test";
import { test, expect, waitForHydration } from "./fixtures";
import { GRADIENT, canvasFiles, clickAndReload, createAlbum, dropAndUpload, formUpload, nav, newUserPage, signUp } from "./helpers";

/** The grid of a gallery or an album page. */
const grid = (page: Page) => page.getByRole("list", { name: "Images", exact: true });
/** The names under the grid's thumbnails, in order. */
const names = (page: Page) => grid(page).locator(".thumb-name");
/** The grid's card of the image called `name`. */
const card = (page: Page, name: string) => grid(page).locator(".thumb").filter({ hasText: name });
const count = (page: Page) => page.locator(".gallery-count");
/** The tile of the album called `name` on /albums/. */
const tile = (page: Page, name: string) =>
  page.getByRole("list", { name: "Albums", exact: true }).getByRole("listitem").filter({ hasText: name });
/** The "Albums" section of an image's page. */
const albumsOfImage = (page: Page) => page.getByRole("region", { name: "Albums", exact: true });
const albumsLink = (page: Page) => nav(page).getByRole("link", { name: "Albums", exact: true });
/** The album's description under its heading (not the edit form's text). */
const albumDescription = (page: Page) => page.getByRole("main").locator("p.description");

/** Adds the image whose page is `detail` to the album `album`, from that
 * page, hydrated; it comes back to the image's page. */
async function addToAlbum(page: Page, detail: string, album: string) {
  await page.goto(detail);
  await waitForHydration(page);
  const section = albumsOfImage(page);
  await section.getByLabel("Album", { exact: true }).selectOption({ label: album });
  await section.getByRole("button", { name: "Add to album" }).click();
  await expect(section.getByRole("link", { name: album, exact: true })).toBeVisible();
  await expect(page).toHaveURL(detail);
}

test("create an album, add an image from its page, see it in the album and as the cover", async ({ page }) => {
  await signUp(page, "gatherer");
  await dropAndUpload(page, ["Harbour"]);
  const src = (await card(page, "Harbour").locator("img").getAttribute("src"))!;
  const detail = (await card(page, "Harbour").getByRole("link").getAttribute("href"))!;

  await waitForHydration(page);
  await albumsLink(page).click();
  await expect(page).toHaveURL("/albums/");
  await expect(page.getByRole("heading", { name: "Albums", exact: true })).toBeVisible();
  await expect(page.getByText("No albums yet.")).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: "New album", exact: true })).toHaveAttribute("href", "/albums/new/");

  // With no album at all, the image's page offers to make one.
  await page.goto(detail);
  await waitForHydration(page);
  await expect(albumsOfImage(page).getByText("No albums yet.")).toBeVisible();
  await albumsOfImage(page).getByRole("link", { name: "New album", exact: true }).click();
  await expect(page).toHaveURL("/albums/new/");
  await expect(page.getByRole("heading", { name: "New album", exact: true })).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel("Name", { exact: true }).fill("Weekend");
  await page.getByRole("button", { name: "Create album" }).click();
  await expect(page).toHaveURL(/\/albums\/\d+\/$/);
  const albumUrl = new URL(page.url()).pathname;
  const id = albumUrl.match(/\d+/)![0];
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Weekend");
  await expect(page.getByText("Nothing here yet.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Upload to this album" })).toHaveAttribute("href", `/upload/?album=${id}`);

  await addToAlbum(page, detail, "Weekend");
  // No other album to add it to.
  await expect(albumsOfImage(page).getByLabel("Album", { exact: true })).toHaveCount(0);
  await albumsOfImage(page).getByRole("link", { name: "Weekend", exact: true }).click();
  await expect(page).toHaveURL(albumUrl);
  await expect(names(page)).toHaveText(["Harbour"]);
  await expect(count(page)).toHaveText("1 image");

  // The album's grid has the gallery's lightbox.
  await waitForHydration(page);
  await card(page, "Harbour").getByRole("link").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading")).toHaveText("Harbour");
  await expect(dialog.getByRole("link", { name: "Open page" })).toHaveAttribute("href", detail);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();

  await page.goto("/albums/");
  await expect(tile(page, "Weekend")).toHaveCount(1);
  await expect(tile(page, "Weekend").locator(".album-count")).toHaveText("1 image");
  await expect(tile(page, "Weekend").getByRole("link")).toHaveAttribute("href", albumUrl);
  // Its only image is its cover.
  await expect(tile(page, "Weekend").locator("img")).toHaveAttribute("src", src);
});

test("upload straight into an album from its page", async ({ page }) => {
  await signUp(page, "planter");
  const garden = await createAlbum(page, "Garden");
  const gardenId = garden.match(/\d+/)![0];
  await createAlbum(page, "Kitchen");

  await page.goto(garden);
  await waitForHydration(page);
  await page.getByRole("link", { name: "Upload to this album" }).click();
  await expect(page).toHaveURL(`/upload/?album=${gardenId}`);
  await waitForHydration(page);
  const album = page.getByLabel("Album", { exact: true });
  await expect(album.locator("option")).toHaveText(["No album", "Garden", "Kitchen"]);
  await expect(album).toHaveValue(gardenId);

  await page.getByLabel("Description").fill("Spring flowers");
  const files = await canvasFiles(page, [{ name: "Tulips.png", width: 120, height: 90 }]);
  await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer: files });
  await expect(page.locator(".upload-item")).toHaveCount(1);
  await page.getByRole("button", { name: /^Upload/ }).click();
  // The album's page, not the gallery.
  await expect(page).toHaveURL(garden);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Garden");
  await expect(names(page)).toHaveText(["Tulips"]);
  await expect(count(page)).toHaveText("1 image");

  // Only in that album; in the gallery too.
  await page.goto("/albums/");
  await expect(tile(page, "Garden").locator(".album-count")).toHaveText("1 image");
  await expect(tile(page, "Kitchen").locator(".album-count")).toHaveText("0 images");
  await page.goto("/images/");
  await expect(names(page)).toHaveText(["Tulips"]);
});

test("use an image as the cover, then remove it from the album", async ({ page }) => {
  await signUp(page, "framer");
  await dropAndUpload(page, ["Older"]);
  await dropAndUpload(page, ["Newer"]);
  await expect(names(page)).toHaveText(["Newer", "Older"]);
  const olderSrc = (await card(page, "Older").locator("img").getAttribute("src"))!;
  const newerSrc = (await card(page, "Newer").locator("img").getAttribute("src"))!;
  const older = (await card(page, "Older").getByRole("link").getAttribute("href"))!;
  const newer = (await card(page, "Newer").getByRole("link").getAttribute("href"))!;
  expect(olderSrc).not.toBe(newerSrc);

  const pair = await createAlbum(page, "Pair");
  await addToAlbum(page, older, "Pair");
  await addToAlbum(page, newer, "Pair");

  // By default the newest image is the cover.
  await page.goto("/albums/");
  await expect(tile(page, "Pair").locator(".album-count")).toHaveText("2 images");
  await expect(tile(page, "Pair").locator("img")).toHaveAttribute("src", newerSrc);

  await page.goto(older);
  await waitForHydration(page);
  await clickAndReload(page, albumsOfImage(page).getByRole("button", { name: "Use as cover" }));
  await expect(page).toHaveURL(older);
  await page.goto("/albums/");
  await expect(tile(page, "Pair").locator("img")).toHaveAttribute("src", olderSrc);

  await page.goto(older);
  await waitForHydration(page);
  await albumsOfImage(page).getByRole("button", { name: "Remove from album" }).click();
  await expect(albumsOfImage(page).getByRole("link", { name: "Pair", exact: true })).toHaveCount(0);
  await expect(page).toHaveURL(older);
  // It can be added again.
  await expect(albumsOfImage(page).getByLabel("Album", { exact: true }).locator("option")).toHaveText(["Pair"]);

  // One left, which is the cover again; the removed image is still in the gallery.
  await page.goto("/albums/");
  await expect(tile(page, "Pair").locator(".album-count")).toHaveText("1 image");
  await expect(tile(page, "Pair").locator("img")).toHaveAttribute("src", newerSrc);
  await page.goto(pair);
  await expect(names(page)).toHaveText(["Newer"]);
  await page.goto("/images/");
  await expect(names(page)).toHaveText(["Newer", "Older"]);
});

test("rename an album, then delete it: its images stay", async ({ page }) => {
  await signUp(page, "renamer");
  await dropAndUpload(page, ["Pebble"]);
  const detail = (await card(page, "Pebble").getByRole("link").getAttribute("href"))!;
  const beach = await createAlbum(page, "Beach", "Summer by the sea");
  await expect(albumDescription(page)).toHaveText("Summer by the sea");
  await addToAlbum(page, detail, "Beach");

  await page.goto(beach);
  await waitForHydration(page);
  await page.getByText("Edit album", { exact: true }).click();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Beach");
  await page.getByLabel("Name", { exact: true }).fill("Beach days");
  await page.getByLabel("Description (optional)").fill("Sand and shells");
  await page.getByRole("button", { name: "Save album" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Beach days");
  await expect(page).toHaveURL(beach);
  await expect(albumDescription(page)).toHaveText("Sand and shells");
  await expect(names(page)).toHaveText(["Pebble"]);

  await waitForHydration(page);
  let question = "";
  page.once("dialog", async (d) => {
    question = d.message();
    await d.accept();
  });
  await page.getByRole("button", { name: "Delete album" }).click();
  await expect(page).toHaveURL("/albums/");
  expect(question).toContain("Beach days");
  await expect(page.getByText("No albums yet.")).toBeVisible();
  await expect(tile(page, "Beach days")).toHaveCount(0);

  await page.goto("/images/");
  await expect(names(page)).toHaveText(["Pebble"]);
  await page.goto(detail);
  await expect(albumsOfImage(page).getByText("No albums yet.")).toBeVisible();
});

test.describe("someone else's album", () => {
  test.use({ allowConsole: [/status of 404/] });

  test("is 404 to another user", async ({ page, browser }) => {
    await signUp(page, "owner");
    const url = await createAlbum(page, "Private trip");

    const other = await newUserPage(browser, "stranger");
    const res = await other.page.goto(url);
    expect(res?.status()).toBe(404);
    await expect(other.page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(other.page.getByText("Private trip")).toHaveCount(0);
    await other.page.goto("/albums/");
    await expect(other.page.getByText("No albums yet.")).toBeVisible();
  });
});

test.describe("without JavaScript", () => {
  // The refused empty name comes back with status 400.
  test.use({ javaScriptEnabled: false, allowConsole: [/status of 400/] });

  test("create an album, add an image, upload into it, delete it", async ({ page }) => {
    await signUp(page, "nojsshelf", false);
    await formUpload(page, "Lighthouse", "On the cliff");

    await albumsLink(page).click();
    await expect(page).toHaveURL("/albums/");
    await expect(page.getByText("No albums yet.")).toBeVisible();
    await page.getByRole("main").getByRole("link", { name: "New album", exact: true }).click();
    await expect(page).toHaveURL("/albums/new/");

    // An empty name: the page comes back with the message at the field.
    const answer = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/albums/new/");
    await page.getByLabel("Description (optional)").fill("Along the coast");
    await page.getByRole("button", { name: "Create album" }).click();
    expect((await answer).status()).toBe(400);
    await expect(page).toHaveURL("/albums/new/");
    await expect(page.getByText("Please give the album a name.")).toBeVisible();
    await expect(page.getByLabel("Name", { exact: true })).toHaveAccessibleDescription(/Please give the album a name\./);
    await expect(page.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Description (optional)")).toHaveValue("Along the coast");

    await page.getByLabel("Name", { exact: true }).fill("Seaside");
    await page.getByRole("button", { name: "Create album" }).click();
    await expect(page).toHaveURL(/\/albums\/\d+\/$/);
    const albumUrl = new URL(page.url()).pathname;
    const id = albumUrl.match(/\d+/)![0];
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Seaside");
    await expect(albumDescription(page)).toHaveText("Along the coast");
    await expect(page.getByText("Nothing here yet.")).toBeVisible();

    // From the gallery, the thumbnail's link opens the image's page.
    await nav(page).getByRole("link", { name: "My images" }).click();
    await card(page, "Lighthouse").getByRole("link").click();
    await expect(page).toHaveURL(/\/images\/\d+\/$/);
    const detail = new URL(page.url()).pathname;
    await albumsOfImage(page).getByLabel("Album", { exact: true }).selectOption({ label: "Seaside" });
    await albumsOfImage(page).getByRole("button", { name: "Add to album" }).click();
    await expect(page).toHaveURL(detail);
    await albumsOfImage(page).getByRole("link", { name: "Seaside", exact: true }).click();
    await expect(page).toHaveURL(albumUrl);
    await expect(names(page)).toHaveText(["Lighthouse"]);
    await expect(count(page)).toHaveText("1 image");

    // The plain upload form, with the album chosen, lands on the album.
    await page.getByRole("link", { name: "Upload to this album" }).click();
    await expect(page).toHaveURL(`/upload/?album=${id}`);
    await expect(page.getByLabel("Album", { exact: true })).toHaveValue(id);
    await page.getByLabel("Name", { exact: true }).fill("Gradient");
    await page.getByLabel("Description").fill("A plain form upload");
    await page.getByLabel("Image file").setInputFiles(GRADIENT);
    await page.getByRole("button", { name: "Upload" }).click();
    await expect(page).toHaveURL(albumUrl);
    await expect(names(page)).toHaveText(["Gradient", "Lighthouse"]);
    await expect(count(page)).toHaveText("2 images");

    // Without script nothing asks first.
    await page.getByRole("button", { name: "Delete album" }).click();
    await expect(page).toHaveURL("/albums/");
    await expect(page.getByText("No albums yet.")).toBeVisible();
    await nav(page).getByRole("link", { name: "My images" }).click();
    await expect(names(page)).toHaveText(["Gradient", "Lighthouse"]);
  });
});
