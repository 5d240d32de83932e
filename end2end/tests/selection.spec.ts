import type { Page } from "@playwright/test";
import { test, expect } from "./fixtures";
import { clickAndReload, createAlbum, dropAndUpload, formUpload, signUp, waitForSelectionBar, zipBytes } from "./helpers";

/** The grid of a gallery or an album page. */
const grid = (page: Page) => page.getByRole("list", { name: "Images", exact: true });
/** The names under the thumbnails, in order. */
const names = (page: Page) => grid(page).locator(".thumb-name");
const count = (page: Page) => page.locator(".gallery-count");
/** Text as a regular expression matching exactly that text. */
const exactly = (text: string) => new RegExp("^" + text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "$");
/** The card of the image called exactly `name` (case matters: "Sunset" is
 * not "sunset"). */
const card = (page: Page, name: string) =>
  grid(page).locator(".thumb").filter({ has: page.locator(".thumb-name", { hasText: exactly(name) }) });
/** What a click on a thumbnail hits: its link (lightbox, or selection). */
const thumb = (page: Page, name: string) => card(page, name).getByRole("link");
/** The names of the selected thumbnails, in order. */
const selectedNames = (page: Page) => grid(page).locator(".thumb.selected .thumb-name");
/** A thumbnail's checkbox (the only way to choose without JavaScript). */
const box = (page: Page, name: string) => page.getByRole("checkbox", { name: `Select “${name}”`, exact: true });
const bar = (page: Page) => page.locator(".selection-bar");
const selectToggle = (page: Page) => bar(page).getByRole("button", { name: "Select", exact: true });
const actions = (page: Page) => page.locator("#selection");
const selectedCount = (page: Page) => bar(page).locator(".selection-count");
const action = (page: Page, name: "Move to trash" | "Add to album" | "New album" | "Remove from album" | "Download") =>
  actions(page).getByRole("button", { name, exact: true });
const albumChoice = (page: Page) => actions(page).getByLabel("Album to add to", { exact: true });
const trashItems = (page: Page) => page.getByRole("list", { name: "Images in the trash" }).getByRole("listitem");

/** Entries are stored, not compressed: their names are plain in the file. */
function expectEntries(bytes: Buffer, present: string[], absent: string[] = []) {
  for (const name of present) expect(bytes.includes(Buffer.from(name, "utf8")), `${name} in the ZIP`).toBe(true);
  for (const name of absent) expect(bytes.includes(Buffer.from(name, "utf8")), `${name} not in the ZIP`).toBe(false);
}

test("select two thumbnails and move them to the trash together", async ({ page }) => {
  await signUp(page, "tidier");
  await dropAndUpload(page, ["Harbour", "Meadow", "Lake"]);
  await expect(names(page)).toHaveText(["Lake", "Meadow", "Harbour"]);
  await waitForSelectionBar(page);

  // Off at first: no boxes, no actions.
  await expect(selectToggle(page)).toHaveAttribute("aria-pressed", "false");
  await expect(actions(page)).toBeHidden();
  await expect(box(page, "Lake")).toHaveCount(0);

  await selectToggle(page).click();
  await expect(selectToggle(page)).toHaveAttribute("aria-pressed", "true");
  await expect(actions(page)).toBeVisible();
  await expect(selectedCount(page)).toHaveText("0 selected");
  await expect(box(page, "Lake")).toBeVisible();
  // Nothing chosen yet, nothing to do.
  await expect(action(page, "Move to trash")).toBeDisabled();
  await expect(action(page, "Download")).toBeDisabled();

  // A click selects rather than opening the lightbox.
  await thumb(page, "Lake").click();
  await expect(selectedCount(page)).toHaveText("1 selected");
  await expect(page.getByRole("dialog")).toBeHidden();
  await thumb(page, "Harbour").click();
  await expect(selectedCount(page)).toHaveText("2 selected");
  await expect(selectedNames(page)).toHaveText(["Lake", "Harbour"]);
  await expect(box(page, "Lake")).toBeChecked();
  await expect(box(page, "Harbour")).toBeChecked();
  await expect(box(page, "Meadow")).not.toBeChecked();
  // A second click unselects; a third selects again.
  await thumb(page, "Meadow").click();
  await expect(selectedCount(page)).toHaveText("3 selected");
  await thumb(page, "Meadow").click();
  await expect(selectedCount(page)).toHaveText("2 selected");
  await expect(action(page, "Move to trash")).toBeEnabled();

  await clickAndReload(page, action(page, "Move to trash"));
  await expect(page).toHaveURL("/images/");
  await expect(names(page)).toHaveText(["Meadow"]);
  await expect(count(page)).toHaveText("1 image");

  await page.goto("/trash/");
  await expect(trashItems(page)).toHaveCount(2);
  expect((await trashItems(page).locator(".thumb-name").allTextContents()).sort()).toEqual(["Harbour", "Lake"]);
});

test("keys: Ctrl-click starts, Shift-click takes a range, a takes the page, Esc leaves", async ({ page }) => {
  await signUp(page, "ranger");
  await dropAndUpload(page, ["one", "two", "three", "four"]);
  await expect(names(page)).toHaveText(["four", "three", "two", "one"]);
  await waitForSelectionBar(page);
  await expect(selectToggle(page)).toHaveAttribute("aria-pressed", "false");

  // Ctrl (Cmd on a Mac) toggles one, switching the mode on.
  await thumb(page, "four").click({ modifiers: ["ControlOrMeta"] });
  await expect(selectToggle(page)).toHaveAttribute("aria-pressed", "true");
  await expect(actions(page)).toBeVisible();
  await expect(selectedCount(page)).toHaveText("1 selected");
  await expect(selectedNames(page)).toHaveText(["four"]);
  await expect(page.getByRole("dialog")).toBeHidden();

  // Shift: everything from the last one clicked to this one.
  await thumb(page, "two").click({ modifiers: ["Shift"] });
  await expect(selectedCount(page)).toHaveText("3 selected");
  await expect(selectedNames(page)).toHaveText(["four", "three", "two"]);
  await expect(box(page, "one")).not.toBeChecked();

  // Ctrl-click in the mode toggles one off.
  await thumb(page, "three").click({ modifiers: ["ControlOrMeta"] });
  await expect(selectedCount(page)).toHaveText("2 selected");
  await expect(selectedNames(page)).toHaveText(["four", "two"]);

  // "a": the whole page.
  await page.keyboard.press("a");
  await expect(selectedCount(page)).toHaveText("4 selected");
  await expect(selectedNames(page)).toHaveText(["four", "three", "two", "one"]);
  await expect(box(page, "one")).toBeChecked();

  // Esc: out of the mode, nothing selected.
  await page.keyboard.press("Escape");
  await expect(selectToggle(page)).toHaveAttribute("aria-pressed", "false");
  await expect(grid(page).locator(".thumb.selected")).toHaveCount(0);
  await expect(actions(page)).toBeHidden();
  await expect(box(page, "one")).toHaveCount(0);

  // A plain click opens the lightbox again.
  await thumb(page, "one").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading")).toHaveText("one");
  await dialog.getByRole("button", { name: "Close", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(grid(page).locator(".thumb.selected")).toHaveCount(0);
});

test("add a selection to an album, then remove one from the album's page", async ({ page }) => {
  test.setTimeout(60_000);
  await signUp(page, "collector");
  await dropAndUpload(page, ["Harbour", "Meadow", "Lake"]);
  const trip = await createAlbum(page, "Trip");
  await createAlbum(page, "Kitchen");

  await page.goto("/images/");
  await expect(names(page)).toHaveText(["Lake", "Meadow", "Harbour"]);
  await waitForSelectionBar(page);
  await selectToggle(page).click();
  await expect(albumChoice(page).locator("option")).toHaveText(["Kitchen", "Trip"]);
  await expect(action(page, "Add to album")).toBeDisabled();
  // Only an album's page removes from an album.
  await expect(action(page, "Remove from album")).toHaveCount(0);

  await thumb(page, "Lake").click();
  await thumb(page, "Harbour").click();
  await expect(selectedCount(page)).toHaveText("2 selected");
  await albumChoice(page).selectOption({ label: "Trip" });
  await action(page, "Add to album").click();
  await expect(bar(page).getByText("Added 2 to the album.", { exact: true })).toBeVisible();
  // Done: the mode ends, on the same page.
  await expect(selectToggle(page)).toHaveAttribute("aria-pressed", "false");
  await expect(grid(page).locator(".thumb.selected")).toHaveCount(0);
  await expect(page).toHaveURL("/images/");

  await page.goto(trip);
  await expect(names(page)).toHaveText(["Lake", "Harbour"]);
  await expect(count(page)).toHaveText("2 images");
  await waitForSelectionBar(page);
  await selectToggle(page).click();
  // The album shown is not offered to add to.
  await expect(albumChoice(page).locator("option")).toHaveText(["Kitchen"]);
  await thumb(page, "Lake").click();
  await expect(selectedCount(page)).toHaveText("1 selected");
  await clickAndReload(page, action(page, "Remove from album"));
  await expect(page).toHaveURL(trip);
  await expect(names(page)).toHaveText(["Harbour"]);
  await expect(count(page)).toHaveText("1 image");

  // Out of the album, still in the gallery.
  await page.goto("/images/");
  await expect(names(page)).toHaveText(["Lake", "Meadow", "Harbour"]);
});

test("download a selection as one ZIP, with names made unique", async ({ page }) => {
  await signUp(page, "zipper");
  await dropAndUpload(page, ["Harbour", "sunset", "Sunset"]);
  await expect(names(page)).toHaveText(["Sunset", "sunset", "Harbour"]);
  await waitForSelectionBar(page);
  await selectToggle(page).click();
  await thumb(page, "Sunset").click();
  await thumb(page, "sunset").click();
  await expect(selectedCount(page)).toHaveText("2 selected");

  const downloading = page.waitForEvent("download");
  await action(page, "Download").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("cloudtalents-2-images.zip");
  expect(new URL(download.url()).pathname).toBe("/images/zip/");
  expect(new URL(download.url()).searchParams.getAll("ids")).toHaveLength(2);
  await expect(page).toHaveURL("/images/");

  const bytes = await zipBytes(download);
  // Same name but for case: the second one is numbered.
  expectEntries(bytes, ["Sunset.jpg", "sunset (2).jpg"], ["Harbour.jpg"]);

  const res = await page.request.get(download.url());
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/zip");
  expect(res.headers()["content-disposition"]).toBe('attachment; filename="cloudtalents-2-images.zip"');
});

test("create an album from a selection", async ({ page }) => {
  await signUp(page, "gatherer2");
  await dropAndUpload(page, ["Harbour", "Meadow", "Lake"]);
  await waitForSelectionBar(page);
  await selectToggle(page).click();
  await thumb(page, "Lake").click();
  await thumb(page, "Harbour").click();
  await actions(page).getByLabel("New album name", { exact: true }).fill("Waterside");
  await action(page, "New album").click();
  await expect(page).toHaveURL(/\/albums\/\d+\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Waterside");
  await expect(names(page)).toHaveText(["Lake", "Harbour"]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("tick images, move them to the trash, download one", async ({ page }) => {
    test.setTimeout(60_000);
    await signUp(page, "nojstidy", false);
    await formUpload(page, "Harbour", "Fishing boats");
    await formUpload(page, "Meadow", "Cows grazing");
    await formUpload(page, "Lake", "Still water");
    await expect(names(page)).toHaveText(["Lake", "Meadow", "Harbour"]);

    // No mode to switch on: the boxes and the form are always there.
    await expect(selectToggle(page)).toHaveCount(0);
    await expect(actions(page)).toBeVisible();
    await expect(actions(page).getByText("Tick images, then:", { exact: true })).toBeVisible();
    await expect(box(page, "Meadow")).toBeVisible();

    await box(page, "Lake").check();
    await box(page, "Harbour").check();
    await action(page, "Move to trash").click();
    await expect(page).toHaveURL("/images/");
    await expect(names(page)).toHaveText(["Meadow"]);
    await expect(count(page)).toHaveText("1 image");

    await box(page, "Meadow").check();
    const downloading = page.waitForEvent("download");
    await action(page, "Download").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("cloudtalents-1-images.zip");
    expect(new URL(download.url()).pathname).toBe("/images/zip/");
    expectEntries(await zipBytes(download), ["Meadow.jpg"], ["Lake.jpg", "Harbour.jpg"]);

    await page.goto("/trash/");
    await expect(trashItems(page)).toHaveCount(2);
    expect((await trashItems(page).locator(".thumb-name").allTextContents()).sort()).toEqual(["Harbour", "Lake"]);
  });

  test("tick images, add them to an album, remove one there", async ({ page }) => {
    test.setTimeout(60_000);
    await signUp(page, "nojsshelver", false);
    await formUpload(page, "Harbour", "Fishing boats");
    await formUpload(page, "Meadow", "Cows grazing");
    await formUpload(page, "Lake", "Still water");

    await page.goto("/albums/new/");
    await page.getByLabel("Name").fill("Coast");
    await page.getByRole("button", { name: "Create album", exact: true }).click();
    await expect(page).toHaveURL(/\/albums\/\d+\/$/);
    const coast = new URL(page.url()).pathname;

    await page.goto("/images/");
    await expect(names(page)).toHaveText(["Lake", "Meadow", "Harbour"]);
    await box(page, "Lake").check();
    await box(page, "Harbour").check();
    await albumChoice(page).selectOption({ label: "Coast" });
    await action(page, "Add to album").click();
    await expect(page).toHaveURL("/images/");
    await expect(names(page)).toHaveText(["Lake", "Meadow", "Harbour"]);

    await page.goto(coast);
    await expect(names(page)).toHaveText(["Lake", "Harbour"]);
    await expect(count(page)).toHaveText("2 images");
    // No other album to add to.
    await expect(albumChoice(page)).toHaveCount(0);
    await box(page, "Lake").check();
    await action(page, "Remove from album").click();
    await expect(page).toHaveURL(coast);
    await expect(names(page)).toHaveText(["Harbour"]);
    await expect(count(page)).toHaveText("1 image");
  });
  test("tick images, make a new album of them", async ({ page }) => {
    await signUp(page, "nojsgatherer", false);
    await formUpload(page, "Harbour", "Boats");
    await formUpload(page, "Meadow", "Cows");
    await box(page, "Harbour").check();
    await box(page, "Meadow").check();
    await actions(page).getByLabel("New album name", { exact: true }).fill("Countryside");
    await action(page, "New album").click();
    await expect(page).toHaveURL(/\/albums\/\d+\/$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Countryside");
    await expect(names(page)).toHaveText(["Meadow", "Harbour"]);
  });
});
