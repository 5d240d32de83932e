import path from "node:path";
import { test, expect, waitForHydration } from "./fixtures";
import { canvasFiles, dropAndUpload, newUserPage, signUp } from "./helpers";

const GRADIENT = path.join(__dirname, "..", "fixtures", "gradient.png");

test("an empty gallery says so and offers an upload", async ({ page, consoleProblems }) => {
  await signUp(page, "empty");
  await page.goto("/images/");
  await expect(page.getByText("No images yet.")).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: "Upload image" }).first()).toHaveAttribute("href", "/upload/");
  expect(consoleProblems).toEqual([]);
});

test("drag & drop several files, rename one, watch progress, land on the gallery", async ({ page, consoleProblems }) => {
  await signUp(page, "dropper");
  await page.goto("/upload/");
  await waitForHydration(page);
  await page.getByLabel("Description").fill("Holiday pictures");

  // Record every progress value the bars show.
  await page.evaluate(() => {
    const seen: number[] = ((window as unknown as { progressSeen: number[] }).progressSeen = []);
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target as HTMLProgressElement;
        if (el.tagName === "PROGRESS") seen.push(el.value);
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["value"] });
  });

  const files = await canvasFiles(page, [
    { name: "beach.png", width: 1400, height: 1000, noise: true },
    { name: "harbour-at-dusk.png", width: 300, height: 200 },
    { name: "unwanted.png", width: 100, height: 100 },
  ]);
  await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer: files });
  const items = page.locator(".upload-item");
  await expect(items).toHaveCount(3);
  // Names default to the file names, and can be edited.
  await expect(items.nth(0).getByLabel("Name")).toHaveValue("beach");
  await expect(items.nth(1).getByLabel("Name")).toHaveValue("harbour-at-dusk");
  await items.nth(0).getByLabel("Name").fill("Beach at noon");
  // A waiting file can be taken out again.
  await items.nth(2).getByRole("button", { name: "Cancel" }).click();
  await expect(items).toHaveCount(2);

  await page.getByRole("button", { name: "Upload 2 images" }).click();
  await expect(page).toHaveURL("/images/");
  const names = page.locator(".thumb-name");
  await expect(names).toHaveText(["harbour-at-dusk", "Beach at noon"]);

  const seen = await page.evaluate(() => (window as unknown as { progressSeen?: number[] }).progressSeen);
  // The page navigated, so the record is gone with it; progress is checked
  // in the test below on a page that stays.
  expect(seen).toBeUndefined();
  expect(consoleProblems).toEqual([]);
});

test("progress bars move while the bytes go up", async ({ page, consoleProblems }) => {
  await signUp(page, "progress");
  await page.goto("/upload/");
  await waitForHydration(page);
  await page.getByLabel("Description").fill("Big one");
  // Slow the upload down (1 MB/s) so progress can be watched.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 1_000_000,
  });
  const files = await canvasFiles(page, [{ name: "big.png", width: 1500, height: 1200, noise: true }]);
  await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer: files });
  await page.getByRole("button", { name: "Upload" }).click();
  const item = page.locator(".upload-item");
  await expect(item.locator(".upload-status")).toHaveText("Uploading…");
  const bar = item.locator("progress");
  await expect.poll(async () => Number(await bar.getAttribute("value"))).toBeGreaterThan(0);
  expect(Number(await bar.getAttribute("value"))).toBeLessThan(1);
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  await expect(page).toHaveURL("/images/");
  await expect(page.locator(".thumb-name")).toHaveText(["big"]);
  expect(consoleProblems).toEqual([]);
});

test("the lightbox: open, move with the keyboard, edit, delete, close", async ({ page, consoleProblems }) => {
  await signUp(page, "lightbox");
  await dropAndUpload(page, ["first", "second", "third"], "line one\nline two <b>not bold</b>");
  await expect(page.locator(".thumb-name")).toHaveText(["third", "second", "first"]);

  await page.getByRole("link", { name: /third/ }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(page).toHaveURL("/images/");
  await expect(dialog.getByRole("heading")).toHaveText("third");
  await expect(dialog.locator(".description")).toHaveText("line one\nline two <b>not bold</b>");
  await expect(dialog.locator("img")).toHaveAttribute("src", /\/media\/[0-9a-f]{32}\/display\.jpg$/);

  await page.keyboard.press("ArrowRight");
  await expect(dialog.getByRole("heading")).toHaveText("second");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await expect(dialog.getByRole("heading")).toHaveText("first");

  await dialog.getByRole("button", { name: "Edit" }).click();
  await dialog.getByLabel("Name").fill("first, renamed");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByRole("heading")).toHaveText("first, renamed");

  page.once("dialog", (d) => d.accept());
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(dialog.getByRole("heading")).not.toHaveText("first, renamed");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.locator(".thumb-name")).toHaveText(["third", "second"]);

  // The changes are on the server, not only in the page.
  await page.reload();
  await expect(page.locator(".thumb-name")).toHaveText(["third", "second"]);
  await page.getByRole("link", { name: /second/ }).click();
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
  expect(consoleProblems).toEqual([]);
});

test.describe("someone else's images", () => {
  test.use({ allowConsole: [/status of 404/] });

  test("are 404 to another user and to visitors", async ({ page, browser }) => {
    await signUp(page, "owner");
    await dropAndUpload(page, ["private"]);
    const src = await page.locator(".thumb img").getAttribute("src");
    expect(src).toMatch(/^\/media\//);
    expect((await page.request.get(src!)).status()).toBe(200);
    const detail = await page.locator(".thumb a").getAttribute("href");

    const other = await newUserPage(browser, "other");
    expect((await other.page.request.get(src!)).status()).toBe(404);
    const res = await other.page.goto(detail!);
    expect(res?.status()).toBe(404);
    await expect(other.page.getByRole("heading", { name: "Page not found" })).toBeVisible();

    const visitor = await browser.newContext();
    expect((await visitor.request.get(src!)).status()).toBe(404);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false, allowConsole: [/status of 4\d\d/] });

  test("upload, see the gallery, open the page, edit, delete", async ({ page }) => {
    await signUp(page, "nojs", false);
    await page.goto("/upload/");
    // Errors come back next to the fields, with what was typed.
    await page.getByLabel("Name").fill("Gradient");
    await page.getByRole("button", { name: "Upload" }).click();
    await expect(page.getByText("Please write a description.")).toBeVisible();
    await expect(page.getByText("Please choose an image file")).toBeVisible();

    await page.getByLabel("Name").fill("Gradient");
    await page.getByLabel("Description").fill("A plain form upload");
    await page.getByLabel("Image file").setInputFiles(GRADIENT);
    await page.getByRole("button", { name: "Upload" }).click();
    await expect(page).toHaveURL("/images/");
    await expect(page.locator(".thumb-name")).toHaveText(["Gradient"]);
    // The thumbnail really loads.
    const thumb = page.locator(".thumb img");
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await thumb.evaluate((img: HTMLImageElement) => img.currentSrc)).toMatch(/\/media\/[0-9a-f]{32}\/thumb-400\.jpg$/);

    // No lightbox without JavaScript: the link opens the image's page.
    await page.getByRole("link", { name: /Gradient/ }).click();
    await expect(page).toHaveURL(/\/images\/\d+\/$/);
    await expect(page.getByRole("heading", { name: "Gradient" })).toBeVisible();

    await page.getByText("Edit name and description").click();
    await page.getByLabel("Name").fill("Gradient, edited");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("heading", { name: "Gradient, edited" })).toBeVisible();

    await page.getByRole("link", { name: "Delete…" }).click();
    await expect(page.getByText("This cannot be undone.")).toBeVisible();
    await page.getByRole("button", { name: "Delete" }).click();
    await expect(page).toHaveURL("/images/");
    await expect(page.getByText("No images yet.")).toBeVisible();
  });
});
