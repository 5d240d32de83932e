import type { Page } from "@playwright/test";
import { test, expect, waitForHydration } from "../tests/fixtures";
import { GRADIENT, PASSWORD, fillLogIn, nav, signUpAs } from "../tests/helpers";

// A compose deployment behind nginx at BASE_URL, in phases run by a script:
// "seed" before a restart, "persisted" after it, as the same user.
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the deployment test needs it (DEPLOYMENT_USER, DEPLOYMENT_PHASE)`);
  return value;
}
const USER = required("DEPLOYMENT_USER");
const PHASE = required("DEPLOYMENT_PHASE");
if (PHASE !== "seed" && PHASE !== "persisted") {
  throw new Error(`DEPLOYMENT_PHASE must be "seed" or "persisted", not "${PHASE}"`);
}

const NAME = "Deployed gradient";
const card = (page: Page) => page.getByRole("list", { name: "Images", exact: true }).locator(".thumb").filter({ hasText: NAME });

/** The gradient, picked with the upload form's file input once hydrated (a
 * form half filled at hydration would queue it as "gradient" instead). */
async function uploadGradient(page: Page) {
  await page.goto("/upload/");
  await waitForHydration(page);
  await page.getByLabel("Description").fill("Uploaded through nginx, kept across a restart");
  await page.getByLabel("Image file").setInputFiles(GRADIENT);
  const item = page.locator(".upload-item");
  await expect(item).toHaveCount(1);
  await item.getByLabel("Name").fill(NAME);
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page).toHaveURL("/images/");
}

/** The gallery lists the image once, its thumbnail loaded (nginx sent the
 * bytes from the media store). Answers the thumbnail's URL and the page's. */
async function checkGallery(page: Page): Promise<{ thumb: string; detail: string }> {
  await page.goto("/images/");
  await expect(card(page)).toHaveCount(1);
  await expect(card(page).locator(".thumb-name")).toHaveText(NAME);
  const img = card(page).getByRole("img", { name: NAME });
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
  const thumb = (await img.getAttribute("src"))!;
  expect(thumb).toMatch(/^\/media\/[0-9a-f]{32}\//);
  return { thumb, detail: (await card(page).getByRole("link").first().getAttribute("href"))! };
}

/** The image page's "Download" gives the image as a JPEG attachment named
 * after it (the display copy: the suite's own tests expect KEEP_ORIGINALS
 * off). The script compares such bytes with the file in the volume.
 * `page.request` shares the page's cookies. Answers the download URL. */
async function checkDownload(page: Page, detail: string): Promise<string> {
  await page.goto(detail);
  await expect(page.getByRole("heading", { name: NAME })).toBeVisible();
  const link = page.getByRole("link", { name: "Download", exact: true });
  await expect(link).toHaveAttribute("href", /^\/images\/\d+\/download\/$/);
  const href = (await link.getAttribute("href"))!;
  const res = await page.request.get(href);
  expect(res.status(), href).toBe(200);
  expect(res.headers()["content-type"]).toBe("image/jpeg");
  expect(res.headers()["content-disposition"]).toContain(`filename="${NAME}.jpg"`);
  const body = await res.body();
  // A JPEG's start-of-image marker, and more than a header's worth of bytes.
  expect(body.subarray(0, 3).toString("hex")).toBe("ffd8ff");
  expect(body.length).toBeGreaterThan(1000);
  return href;
}

/** Logs out with the navigation's button, as accounts.spec.ts does. */
async function logOut(page: Page) {
  await waitForHydration(page);
  await nav(page).getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL("/");
  await expect(nav(page).getByRole("link", { name: "Log in" })).toBeVisible();
}

test("seed: sign up, upload the gradient, see it, download it, log out", async ({ page, playwright, baseURL }) => {
  test.skip(PHASE !== "seed", `DEPLOYMENT_PHASE is ${PHASE}`);
  // First requests to a fresh deployment can be slow.
  test.setTimeout(60_000);
  await signUpAs(page, USER);
  await expect(nav(page).getByRole("link", { name: USER })).toBeVisible();
  await uploadGradient(page);
  const { thumb, detail } = await checkGallery(page);
  const download = await checkDownload(page, detail);
  // The display copy's own media URL.
  const display = thumb.replace(/[^/]+$/, "display.jpg");
  expect((await page.request.get(display)).status(), display).toBe(200);

  const visitor = await playwright.request.newContext({ baseURL });
  try {
    // /media/ answers 404 to anyone but the owner (src/server/http/media.rs);
    // nginx's internal location is not reachable from outside either.
    for (const url of [thumb, display, thumb.replace(/^\/media\//, "/protected-media/"), display.replace(/^\/media\//, "/remote-media/")]) {
      expect((await visitor.get(url)).status(), url).toBe(404);
    }
    // The download is under /images/, a protected path: a visitor is sent
    // to log in (guard_pages), never given the bytes. Not followed, since
    // the login page itself answers 200.
    const res = await visitor.get(download, { maxRedirects: 0 });
    expect(res.status()).toBe(303);
    expect(res.headers()["location"]).toBe(`/login/?next=${encodeURIComponent(download)}`);
  } finally {
    await visitor.dispose();
  }

  await logOut(page);
  // Logged out, the same requests get nothing either.
  expect((await page.request.get(display)).status()).toBe(404);
  expect((await page.request.get(download, { maxRedirects: 0 })).status()).toBe(303);
});

test("persisted: log in, the gradient and its files survived the restart, log out", async ({ page }) => {
  test.skip(PHASE !== "persisted", `DEPLOYMENT_PHASE is ${PHASE}`);
  test.setTimeout(60_000);
  await page.goto("/login/");
  await waitForHydration(page);
  await fillLogIn(page, USER, PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL("/images/");
  const { detail } = await checkGallery(page);
  await checkDownload(page, detail);
  await logOut(page);
});
