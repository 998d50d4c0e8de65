// Finds Debian's Chromium for the Playwright layer, installing it with apt
// when missing (Playwright's own browser download is not used).
import { existsSync } from "node:fs";
import { log } from "./log.mjs";
import { run } from "./run.mjs";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** Returns the path of a Chromium binary, installing Debian's package if needed. */
export async function ensureChromium() {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return configured;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ["sudo", "-n"];
  if (!root && (await run("sudo", ["-n", "true"], { quiet: true })) !== 0) {
    throw new Error(
      "Chromium is needed for the end-to-end tests: install it with `sudo apt-get install -y chromium` " +
        "or set CHROMIUM_PATH to a Chromium/Chrome binary.",
    );
  }
  log.step("installing Chromium from Debian's packages (apt-get install -y chromium)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const [cmd, ...pre] = sudo.length ? sudo : ["apt-get"];
  const args = (rest) => (sudo.length ? [...pre, "apt-get", ...rest] : rest);
  if ((await run(cmd, args(["update", "-qq"]), { env })) !== 0) throw new Error("apt-get update failed");
  if (
    (await run(cmd, args(["install", "-y", "-qq", "--no-install-recommends", "chromium"]), { env })) !== 0
  ) {
    throw new Error("apt-get install chromium failed");
  }
  const installed = CANDIDATES.find((p) => existsSync(p));
  if (!installed) throw new Error("chromium was installed but no binary was found");
  return installed;
}
