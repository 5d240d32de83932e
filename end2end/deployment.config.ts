import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// The compose deployment's test: the same browser, base URL and timeouts as
// the end-to-end tests, but its own folder, and one worker in file order,
// since its phases share one user across a restart.
export default defineConfig({
  ...base,
  testDir: "./deployment",
  fullyParallel: false,
  workers: 1,
});
