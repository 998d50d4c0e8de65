import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { type AppContract, apps } from "./test-support/app-contract";
import {
  findObject,
  type KubeObject,
  kubectlMissingReason,
  renderKustomization,
} from "./test-support/kustomize";
import { repoRoot } from "./test-support/repo-root";

// The environment docker-compose.yml and the Kubernetes overlays hand each app
// is parsed by that app's own env.ts (its zod schema): a value the app would
// refuse at start-up (a short secret, a malformed URL) fails here, not in a
// crash-looping container.

type Env = Record<string, string>;

/** Parses `env` with the app's env.ts exactly as the app does at start-up; returns its error, if any. */
async function refusal(app: AppContract["name"], env: Env): Promise<string | undefined> {
  const saved = process.env;
  process.env = { ...env };
  vi.resetModules();
  try {
    const module = await import(`../apps/${app}/src/env.ts`);
    // web parses on first use; worker and gateway at import.
    if (typeof module.env === "function") module.env();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    process.env = saved;
  }
}

/** Compose's interpolation with an empty environment: `${NAME:-default}` becomes `default`. */
function interpolateDefaults(value: unknown): string {
  return String(value).replace(
    /\$\{[A-Z0-9_]+(?::?-([^}]*))?\}/g,
    (_match, fallback: string | undefined) => fallback ?? "",
  );
}

/** What a container's environment resolves to from the rendered ConfigMaps and Secrets. */
function containerEnv(objects: KubeObject[], container: KubeObject): Env {
  const env: Env = {};
  for (const source of container.envFrom ?? []) {
    Object.assign(env, findObject(objects, "ConfigMap", source.configMapRef.name).data);
  }
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) env[entry.name] = entry.value;
    const ref = entry.valueFrom?.secretKeyRef;
    if (!ref) continue;
    const value = findObject(objects, "Secret", ref.name).stringData?.[ref.key];
    if (value !== undefined && !(ref.optional && value === "")) env[entry.name] = value;
  }
  return env;
}

afterEach(() => {
  vi.resetModules();
});

describe("docker-compose.yml: each app accepts the environment compose gives it (defaults only)", () => {
  const file = parse(readFileSync(path.join(repoRoot, "docker-compose.yml"), "utf8"), { merge: true });
  for (const app of apps) {
    it(app.name, async () => {
      const env: Env = {};
      for (const [name, value] of Object.entries(file.services[app.name].environment)) {
        const resolved = interpolateDefaults(value);
        // Compose passes `NAME: ""` as an empty variable; the apps treat optional ones as unset.
        if (resolved !== "") env[name] = resolved;
      }
      expect(await refusal(app.name, env)).toBeUndefined();
    });
  }
});

const missing = kubectlMissingReason();
if (missing) console.warn(`SKIPPED infra app-env tests on Kubernetes overlays: ${missing}`);

describe.skipIf(missing !== undefined)("Kubernetes: each app's environment as the overlays render it", () => {
  for (const app of apps) {
    it(`dev overlay: ${app.name} accepts it`, async () => {
      const objects = renderKustomization("overlays/dev");
      const container = findObject(objects, "Deployment", app.name).spec.template.spec.containers[0];
      expect(await refusal(app.name, containerEnv(objects, container))).toBeUndefined();
    });
  }

  // The template's placeholders must not start a service that signs sessions
  // or websocket tickets with a published secret.
  for (const name of ["web", "gateway"] as const) {
    it(`base template: ${name} refuses the placeholder secrets`, async () => {
      const objects = renderKustomization("base");
      const container = findObject(objects, "Deployment", name).spec.template.spec.containers[0];
      expect(await refusal(name, containerEnv(objects, container))).toMatch(
        /SECRET: must be at least 32 characters/,
      );
    });
  }
});
