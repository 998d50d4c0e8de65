import { expect, test } from "@playwright/test";

// The foundation's promise: a new visitor opens the site, gets a sandbox
// account without signing up, and every app of the stack reports ready.

test("a new visitor starts a sandbox and reaches the clusters dashboard", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Learn how Kubernetes is built/);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await page.screenshot({ path: "test-results/screens/01-home.png" });

  await page.getByRole("button", { name: "Start a sandbox" }).click();
  await page.waitForURL("**/clusters");
  await expect(page.getByRole("heading", { name: "Your clusters" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toContainText("sandbox");
  // The list comes through tRPC with the new session: an empty account says so.
  await expect(page.getByTestId("clusters-empty")).toContainText("No clusters yet");
  await page.screenshot({ path: "test-results/screens/02-clusters.png" });

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
});

test("the dashboard sends a signed-out visitor to sign in", async ({ page }) => {
  await page.goto("/clusters");
  await page.waitForURL("**/signin**");
  await expect(page.getByRole("button", { name: "Continue with a sandbox account" })).toBeVisible();
});

test("dark mode can be switched and is remembered", async ({ page }) => {
  await page.goto("/");
  const html = page.locator("html");
  const before = await html.getAttribute("data-theme");
  const next = before === "dark" ? "light" : "dark";
  await page.getByRole("button", { name: `Switch to ${next} mode` }).click();
  await expect(html).toHaveAttribute("data-theme", next);
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", next);
});

test("web, gateway and worker all report ready", async ({ request }) => {
  const apps = {
    web: process.env.E2E_BASE_URL,
    gateway: process.env.E2E_GATEWAY_URL,
    worker: process.env.E2E_WORKER_URL,
  };
  for (const [name, url] of Object.entries(apps)) {
    expect(url, `${name} URL`).toBeTruthy();
    const ready = await request.get(`${url}/readyz`);
    expect(ready.status(), name).toBe(200);
    expect(await ready.text(), name).toContain("readyz check passed");
    const metrics = await request.get(`${url}/metrics`);
    expect(await metrics.text(), name).toContain("http_request_duration_seconds");
  }
});
