import fs from "node:fs";
import type { CDPSession, Locator, Page } from "@playwright/test";
import { test, expect, waitForHydration } from "./fixtures";
import { GRADIENT, canvasFiles, dropAndUpload, newUserPage, signUp } from "./helpers";

/** Limits the page's upload speed (bytes per second; -1 lifts the limit)
 * through the DevTools protocol, so progress can be watched. */
async function throttleUploads(page: Page, bytesPerSecond: number, session?: CDPSession): Promise<CDPSession> {
  const cdp = session ?? (await page.context().newCDPSession(page));
  if (!session) await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
  return cdp;
}

/** What an upload bar shows now (0 to 1). */
async function progressOf(bar: Locator): Promise<number> {
  return Number(await bar.getAttribute("value"));
}

test("an empty gallery says so and offers an upload", async ({ page, consoleProblems }) => {
  await signUp(page, "empty");
  await page.goto("/images/");
  await expect(page.getByText("No images yet.")).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: "Upload image" }).first()).toHaveAttribute("href", "/upload/");
  expect(consoleProblems).toEqual([]);
});

test("drag & drop several files, rename one, cancel a waiting one, land on the gallery", async ({ page }) => {
  await signUp(page, "dropper");
  await page.goto("/upload/");
  await waitForHydration(page);
  await page.getByLabel("Description").fill("Holiday pictures");

  const files = await canvasFiles(page, [
    { name: "beach.png", width: 1400, height: 1000, noise: true },
    { name: "harbour-at-dusk.png", width: 300, height: 200 },
    { name: "unwanted.png", width: 100, height: 100 },
  ]);
  await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer: files });
  const items = page.locator(".upload-item");
  await expect(items).toHaveCount(3);
  await expect(items.locator(".upload-status")).toHaveText(["Waiting", "Waiting", "Waiting"]);
  // Names default to the file names, and can be edited.
  await expect(items.nth(0).getByLabel("Name")).toHaveValue("beach");
  await expect(items.nth(1).getByLabel("Name")).toHaveValue("harbour-at-dusk");
  await expect(items.nth(2).getByLabel("Name")).toHaveValue("unwanted");
  await items.nth(0).getByLabel("Name").fill("Beach at noon");
  // A waiting file can be taken out again.
  await items.nth(2).getByRole("button", { name: "Cancel" }).click();
  await expect(items).toHaveCount(2);

  await page.getByRole("button", { name: "Upload 2 images" }).click();
  await expect(page).toHaveURL("/images/");
  // Newest first; the cancelled file never went up.
  await expect(page.locator(".thumb-name")).toHaveText(["harbour-at-dusk", "Beach at noon"]);
});

test("progress bars move while the bytes go up", async ({ page }) => {
  // About 7 MB at 500 kB/s is some 14 s of upload, if it ran to the end.
  test.setTimeout(90_000);
  await signUp(page, "progress");
  await page.goto("/upload/");
  await waitForHydration(page);
  await page.getByLabel("Description").fill("Big one");
  const files = await canvasFiles(page, [{ name: "big.png", width: 1500, height: 1200, noise: true }]);
  await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer: files });
  const item = page.locator(".upload-item");
  await expect(item).toHaveCount(1);
  const bar = item.getByLabel("Upload progress");
  expect(await progressOf(bar)).toBe(0);

  const cdp = await throttleUploads(page, 500_000);
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(item.locator(".upload-status")).toHaveText("Uploading…");
  // Two readings while the body is still going up: the second is further.
  // (The client holds the bar at 0.98 until the server answers, so a value
  // below that means bytes are still being sent.)
  let first = 0;
  await expect.poll(async () => (first = await progressOf(bar))).toBeGreaterThan(0);
  let second = first;
  await expect.poll(async () => (second = await progressOf(bar))).toBeGreaterThan(first);
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThan(1);
  expect(second).toBeGreaterThan(first);
  expect(second).toBeLessThan(0.98);
  await expect(item.locator(".upload-status")).toHaveText("Uploading…");

  await throttleUploads(page, -1, cdp);
  await expect(page).toHaveURL("/images/", { timeout: 30_000 });
  await expect(page.locator(".thumb-name")).toHaveText(["big"]);
});

test("cancelling an upload that is already sending leaves no image behind", async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page, "canceller");
  await page.goto("/upload/");
  await waitForHydration(page);
  await page.getByLabel("Description").fill("Second thoughts");
  const files = await canvasFiles(page, [{ name: "second-thoughts.png", width: 1500, height: 1200, noise: true }]);
  await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer: files });
  const item = page.locator(".upload-item");
  await expect(item).toHaveCount(1);
  const bar = item.getByLabel("Upload progress");

  const cdp = await throttleUploads(page, 500_000);
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(item.locator(".upload-status")).toHaveText("Uploading…");
  await expect.poll(() => progressOf(bar)).toBeGreaterThan(0);
  // Part of the body is sent, not all of it (0.98 is the client's cap).
  expect(await progressOf(bar)).toBeLessThan(0.98);
  await item.getByRole("button", { name: "Cancel" }).click();
  await expect(item.locator(".upload-status")).toHaveText("Cancelled");
  await expect(item.getByRole("button", { name: "Cancel" })).toBeHidden();
  // Cancelled mid-body: the request was cut off well before the end.
  expect(await progressOf(bar)).toBeLessThan(0.98);
  // Nothing left to send, so the page stays here.
  await expect(page).toHaveURL("/upload/");

  // The server got a truncated multipart body and must not have made a row.
  await throttleUploads(page, -1, cdp);
  await page.goto("/images/");
  await expect(page.getByText("No images yet.")).toBeVisible();
  await expect(page.locator(".thumb-name")).toHaveCount(0);
  await expect(page.getByText("second-thoughts")).toHaveCount(0);
});

test("pick several files with the file input, upload them all", async ({ page }) => {
  await signUp(page, "picker");
  await page.goto("/upload/");
  await waitForHydration(page);
  const input = page.getByLabel("Image file");
  // Client code allows several files; without it only one could be picked.
  await expect(input).toHaveJSProperty("multiple", true);
  await page.getByLabel("Description").fill("Picked, not dropped");

  const png = fs.readFileSync(GRADIENT);
  const picked = ["morning", "noon", "evening"];
  await input.setInputFiles(picked.map((name) => ({ name: `${name}.png`, mimeType: "image/png", buffer: png })));
  const items = page.locator(".upload-item");
  await expect(items).toHaveCount(picked.length);
  for (const [i, name] of picked.entries()) {
    await expect(items.nth(i).getByLabel("Name")).toHaveValue(name);
  }
  await expect(items.locator(".upload-status")).toHaveText(["Waiting", "Waiting", "Waiting"]);

  await page.getByRole("button", { name: "Upload 3 images" }).click();
  await expect(page).toHaveURL("/images/");
  // Sent one after another, so the last is the newest.
  await expect(page.locator(".thumb-name")).toHaveText([...picked].reverse());
});

test("the lightbox: open, move with the keyboard, edit, move to trash, close", async ({ page, consoleProblems }) => {
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
  // Its thumbnail under the lightbox says so too.
  await expect(page.locator(".thumb-name")).toHaveText(["third", "second", "first, renamed"]);
  await expect(page.getByRole("img", { name: "first, renamed", exact: true })).toHaveCount(2);

  // The trash can be undone, so nothing asks first.
  await dialog.getByRole("button", { name: "Move to trash" }).click();
  // The lightbox stays open on the neighbour (the trashed one was last).
  await expect(dialog.getByRole("heading")).toHaveText("second");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.locator(".thumb-name")).toHaveText(["third", "second"]);

  // The changes are on the server, not only in the page.
  await page.reload();
  await expect(page.locator(".thumb-name")).toHaveText(["third", "second"]);
  // Before hydration a click follows the link to the image's page instead.
  await waitForHydration(page);
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

  test("upload, see the gallery, open the page, edit, move to trash", async ({ page }) => {
    await signUp(page, "nojs", false);
    await page.goto("/upload/");
    // Errors come back next to the fields, with what was typed.
    await page.getByLabel("Name").fill("Gradient");
    await page.getByRole("button", { name: "Upload" }).click();
    await expect(page.getByText("Please write a description.")).toBeVisible();
    await expect(page.getByText("Please choose an image file")).toBeVisible();
    await expect(page.locator(".field", { has: page.getByLabel("Description") })).toContainText("Please write a description.");
    await expect(page.locator(".dropzone")).toContainText("Please choose an image file");
    await expect(page.getByLabel("Name")).toHaveValue("Gradient");
    await expect(page.getByLabel("Description")).toHaveValue("");

    // Only the file missing: both typed values come back.
    await page.getByLabel("Name").fill("Gradient");
    await page.getByLabel("Description").fill("A plain form upload");
    await page.getByRole("button", { name: "Upload" }).click();
    await expect(page.getByText("Please choose an image file")).toBeVisible();
    await expect(page.getByText("Please write a description.")).toBeHidden();
    await expect(page.getByLabel("Name")).toHaveValue("Gradient");
    await expect(page.getByLabel("Description")).toHaveValue("A plain form upload");

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

    // No confirmation page any more: the trash is the safety net.
    await page.getByRole("button", { name: "Move to trash" }).click();
    await expect(page).toHaveURL("/images/");
    await expect(page.getByText("No images yet.")).toBeVisible();
    await page.goto("/trash/");
    await expect(page.getByRole("list", { name: "Images in the trash" }).locator(".thumb-name")).toHaveText(["Gradient, edited"]);
  });
});

test.describe("upload queue", () => {
  // The refused file's 415 shows in the console as a failed resource.
  test.use({ allowConsole: [/status of 415/] });

test("the upload page checks shared fields before sending, and one bad file does not stall the rest", async ({ page }) => {
  await signUp(page, "orderly");
  await page.goto("/upload/");
  await waitForHydration(page);
  // One file: Name, then Description, then the file.
  const labels = await page.locator("form label").allTextContents();
  expect(labels.slice(0, 3)).toEqual(["Name", "Description", "Image file"]);

  const files = await canvasFiles(page, [
    { name: "one.png", width: 120, height: 90 },
    { name: "two.png", width: 120, height: 90 },
    { name: "three.png", width: 120, height: 90 },
  ]);
  await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer: files });
  const items = page.locator(".upload-item");
  await expect(items).toHaveCount(3);
  // Small files read in KB, not "0.0 MB"; each has a preview.
  await expect(items.locator(".upload-size").first()).toHaveText(/^\d+ KB$/);
  await expect(items.locator("img.upload-preview")).toHaveCount(3);

  // Empty description: nothing is sent, the message sits at the field.
  let uploads = 0;
  page.on("request", (req) => {
    if (req.method() === "POST" && new URL(req.url()).pathname === "/upload/") uploads += 1;
  });
  await page.getByRole("button", { name: "Upload 3 images" }).click();
  const description = page.getByLabel("Description");
  await expect(page.locator(".field", { has: description })).toContainText("Please write a description.");
  await expect(description).toHaveAttribute("aria-invalid", "true");
  await expect(items.locator(".upload-status")).toHaveText(["Waiting", "Waiting", "Waiting"]);
  expect(uploads).toBe(0);

  // A file the server refuses fails alone; the others go up.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(["not an image"], "broken.png", { type: "image/png" }));
    document.querySelector(".dropzone")!.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(items).toHaveCount(4);
  await items.nth(1).getByRole("button", { name: "Cancel" }).click();
  await description.fill("Three good, one broken");
  await page.getByRole("button", { name: "Upload 3 images" }).click();
  await expect(items.locator(".upload-status")).toHaveText(["Done", "Done", "Failed"]);
  await expect(items.nth(2)).toContainText(/not an image|JPEG, PNG, GIF or WebP|format/i);
  // It stays on the page for the failure to be seen.
  await expect(page).toHaveURL("/upload/");
  await page.goto("/images/");
  await expect(page.locator(".thumb-name")).toHaveText(["three", "one"]);
});
});
