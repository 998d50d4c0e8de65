// Secrets for a local run, generated once and kept in .data/secrets.json so
// sessions survive restarts. Production deployments set them in the environment.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir } from "./paths.mjs";

export function localSecrets() {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  mkdirSync(dataDir, { recursive: true });
  const secrets = {
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    TICKET_SECRET: randomBytes(32).toString("base64url"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
