import AxeBuilder from "@axe-core/playwright";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Browser, Download, JSHandle, Locator, Page } from "@playwright/test";
import { expect, waitForHydration } from "./fixtures";

/** A small PNG to upload through a plain file input. */
export const GRADIENT = path.join(__dirname, "..", "fixtures", "gradient.png");

export const PASSWORD = "violet-otter-tangent-42";

/** The RFC 6238 code (HMAC-SHA1, 6 digits, 30 s) an authenticator app
 * with the base32 `secret` shows at `atMs`. */
export function totp(secret: string, atMs = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = secret
    .replace(/[\s=]/g, "")
    .toUpperCase()
    .split("")
    .map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0"))
    .join("");
  const key = Buffer.alloc(Math.floor(bits.length / 8));
  for (let i = 0; i < key.length; i++) key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const mac = crypto.createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, "0");
}

/** A username no other test (or earlier run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });

export async function fillSignUp(page: Page, username: string, password: string, confirm = password) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Password again").fill(confirm);
}

export async function fillLogIn(page: Page, username: string, password: string) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
}

/** Signs up `username` in `page` through the sign-up form (with or
 * without JavaScript). */
export async function signUpAs(page: Page, username: string, hydrated = true) {
  await page.goto("/register/");
  if (hydrated) await waitForHydration(page);
  await fillSignUp(page, username, PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL("/upload/");
}

/** Signs up a new user in `page` (with or without JavaScript). */
export async function signUp(page: Page, prefix: string, hydrated = true): Promise<string> {
  const name = uniqueName(prefix);
  await signUpAs(page, name, hydrated);
  return name;
}

/** Image files made in the page by a canvas: `noise` defeats compression,
 * so big ones really are big. */
export async function canvasFiles(
  page: Page,
  specs: { name: string; width: number; height: number; noise?: boolean }[],
): Promise<JSHandle<DataTransfer>> {
  return page.evaluateHandle(async (specs) => {
    const dt = new DataTransfer();
    for (const spec of specs) {
      const canvas = document.createElement("canvas");
      canvas.width = spec.width;
      canvas.height = spec.height;
      const ctx = canvas.getContext("2d")!;
      const img = ctx.createImageData(spec.width, spec.height);
      for (let i = 0; i < img.data.length; i += 4) {
        const p = i / 4;
        img.data[i] = spec.noise ? Math.random() * 255 : (p % spec.width) % 256;
        img.data[i + 1] = spec.noise ? Math.random() * 255 : 90;
        img.data[i + 2] = spec.noise ? Math.random() * 255 : 180;
        img.data[i + 3] = 255;
      }
      ctx.putImageData(img, 0, 0);
      const blob: Blob = await new Promise((resolve) => canvas.toBlob((b) => resolve(b!), "image/png"));
      dt.items.add(new File([blob], spec.name, { type: "image/png" }));
    }
    return dt;
  }, specs);
}

/** Uploads images through the hydrated page by drag & drop; lands on the
 * gallery once it has hydrated (its grid's code loads after the page). */
export async function dropAndUpload(page: Page, names: string[], description = "Dropped in a test") {
  await page.goto("/upload/");
  await waitForHydration(page);
  await page.getByLabel("Description").fill(description);
  const files = await canvasFiles(page, names.map((name) => ({ name: `${name}.png`, width: 120, height: 90 })));
  await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer: files });
  await expect(page.locator(".upload-item")).toHaveCount(names.length);
  await page.getByRole("button", { name: /^Upload/ }).click();
  await expect(page).toHaveURL("/images/");
  await waitForHydration(page);
}

/** Uploads the gradient as `name` through the plain form, as a browser
 * without JavaScript does (once hydrated, the page takes over the form). */
export async function formUpload(page: Page, name: string, description: string) {
  await page.goto("/upload/");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Description").fill(description);
  await page.getByLabel("Image file").setInputFiles(GRADIENT);
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page).toHaveURL("/images/");
}

export async function newUserPage(browser: Browser, prefix: string): Promise<{ page: Page; name: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const name = await signUp(page, prefix);
  return { page, name };
}

/** Makes an album through the hydrated "New album" page; answers its URL's
 * path (`/albums/<id>/`). */
export async function createAlbum(page: Page, name: string, description = ""): Promise<string> {
  await page.goto("/albums/new/");
  await waitForHydration(page);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Description (optional)").fill(description);
  await page.getByRole("button", { name: "Create album", exact: true }).click();
  await expect(page).toHaveURL(/\/albums\/\d+\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  return new URL(page.url()).pathname;
}

/** Clicks a hydrated button whose work ends by reloading the page it is on,
 * and waits for that page to load again. */
export async function clickAndReload(page: Page, button: Locator) {
  const reloaded = page.waitForEvent("load");
  await button.click();
  await reloaded;
}

/** Waits until the grid's selection bar is hydrated: "Select" is hidden
 * until the client code runs. */
export async function waitForSelectionBar(page: Page) {
  await waitForHydration(page);
  await expect(page.locator(".selection-bar").getByRole("button", { name: "Select", exact: true })).toBeVisible();
}

/** The bytes of a finished download, checked to be a ZIP. */
export async function zipBytes(download: Download): Promise<Buffer> {
  const bytes = fs.readFileSync(await download.path());
  expect(bytes.subarray(0, 4).toString("latin1"), "ZIP signature").toBe("PK\x03\x04");
  return bytes;
}

/** Fails on any serious or critical axe-core violation in `page`. */
export async function expectNoSeriousAxe(page: Page, what: string) {
  const serious = (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map((n) => `  ${n.target.join(" ")}: ${n.failureSummary ?? ""}`).join("\n"));
  expect(serious, `axe on ${what}:\n${serious.join("\n")}`).toEqual([]);
}
