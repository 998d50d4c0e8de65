#!/usr/bin/env node
// Container health probe: `node healthcheck.mjs [/healthz|/readyz]`.
// Exits 0 when the app on 127.0.0.1:$PORT answers 2xx, 1 otherwise. It exists
// because the slim Node image ships neither curl nor wget, and Node's own
// fetch is always there. Used by the Dockerfile's HEALTHCHECK and by
// docker-compose.yml.

const path = process.argv[2] ?? "/healthz";
// biome-ignore lint/style/noProcessEnv: a stand-alone probe, not app code; PORT is set by the image and compose.
const port = process.env.PORT ?? "3000";
const url = `http://127.0.0.1:${port}${path}`;

try {
  // Shorter than the HEALTHCHECK timeout, so a hung app fails this probe instead of Docker killing it.
  const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
  if (!response.ok) {
    const body = (await response.text()).slice(0, 200);
    console.error(`${url} answered ${response.status}: ${body}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`${url} did not answer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
