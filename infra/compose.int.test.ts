import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { apps, readinessPath } from "./test-support/app-contract";
import { type ComposeCli, findOrInstallCompose, runCompose } from "./test-support/compose-cli";
import { parseDockerfile } from "./test-support/dockerfile";
import { repoRoot } from "./test-support/repo-root";

// docker-compose.yml: validated by a real Compose CLI (`config` parses,
// validates against the Compose specification and resolves the file without a
// Docker engine), and its services checked for what keeps the stack up.

// biome-ignore lint/suspicious/noExplicitAny: compose documents are open-ended YAML.
type Service = any;

const composePath = path.join(repoRoot, "docker-compose.yml");
const expectedServices = ["postgres", "redis", "migrate", ...apps.map((a) => a.name)].sort();

/** Targets a published port maps to, whichever syntax (short string or long form) was used. */
function publishedTargets(ports: unknown[] = []): number[] {
  return ports.map((entry) =>
    typeof entry === "object" && entry !== null
      ? Number((entry as { target: number | string }).target)
      : Number(String(entry).split(":").at(-1)?.split("/")[0]),
  );
}

/** The checks that hold for the file as written and for its resolved form. */
function checkServices(services: Record<string, Service>) {
  expect(Object.keys(services).sort()).toEqual(expectedServices);
  const targets = parseDockerfile(readFileSync(path.join(repoRoot, "infra/docker/Dockerfile"), "utf8")).map(
    (s) => s.name,
  );

  const postgres = services.postgres;
  expect(postgres.image).toMatch(/^postgres:1[67]([.-]|$)/);
  expect(postgres.healthcheck.test).toContain("pg_isready");
  expect(postgres.restart).toBe("unless-stopped");
  expect(
    postgres.volumes.map((v: string | { target: string }) => (typeof v === "string" ? v : v.target)).join(),
  ).toContain("/var/lib/postgresql/data");

  const redis = services.redis;
  expect(redis.image).toMatch(/^redis:7([.-]|$)/);
  expect(redis.healthcheck.test.slice(-2)).toEqual(["redis-cli", "ping"]);
  expect(redis.restart).toBe("unless-stopped");
  expect(redis.command.join(" ")).toContain("--maxmemory-policy noeviction");

  // A one-shot: restarting it after success would loop; its dependants wait for exit 0.
  const migrate = services.migrate;
  expect(migrate.build.target).toBe("migrate");
  expect(migrate.restart).toBe("no");
  expect(migrate.depends_on.postgres.condition).toBe("service_healthy");

  for (const app of apps) {
    const service = services[app.name];
    expect(service.restart, `${app.name} restarts by itself`).toBe("unless-stopped");
    expect(service.build.target).toBe(app.name);
    expect(targets).toContain(service.build.target);
    expect(service.build.dockerfile).toBe("infra/docker/Dockerfile");
    expect(service.healthcheck.test).toEqual([
      "CMD",
      "node",
      "/app/infra/docker/healthcheck.mjs",
      readinessPath,
    ]);
    expect(service.depends_on.postgres.condition).toBe("service_healthy");
    expect(service.depends_on.redis.condition).toBe("service_healthy");
    if (app.name !== "gateway") {
      expect(service.depends_on.migrate.condition).toBe("service_completed_successfully");
    }
    const env = Object.keys(service.environment);
    for (const name of env) expect(app.env, `${app.name} env ${name}`).toContain(name);
    for (const name of app.requiredEnv) expect(env, `${app.name} needs ${name}`).toContain(name);
    expect(String(service.environment.PORT)).toBe(String(app.port));
  }
  expect(publishedTargets(services.web.ports)).toContain(3000);
  expect(publishedTargets(services.gateway.ports)).toContain(3001);
}

describe("docker-compose.yml as written", () => {
  it("defines the stack with health checks, restart policies and start-up order", () => {
    const file = parse(readFileSync(composePath, "utf8"), { merge: true });
    checkServices(file.services);
    expect(Object.keys(file.volumes)).toContain("postgres-data");
  });

  it("names every variable it sets in .env.example", () => {
    const example = readFileSync(path.join(repoRoot, ".env.example"), "utf8");
    const file = parse(readFileSync(composePath, "utf8"), { merge: true });
    for (const app of apps) {
      for (const name of Object.keys(file.services[app.name].environment)) {
        expect(example, `${name} in .env.example`).toMatch(new RegExp(`^#?\\s*${name}=`, "m"));
      }
    }
  });
});

let cli: ComposeCli | undefined;
let missing: string | undefined;
// Locating is instant; installing Debian's package takes up to a minute.
const lookup = findOrInstallCompose((line) => console.warn(line));
if ("cli" in lookup) cli = lookup.cli;
else missing = lookup.reason;
if (missing) console.warn(`SKIPPED docker compose config validation: ${missing}`);
else console.info(`compose validation with: ${cli?.command} ${cli?.prefixArgs.join(" ")} (${cli?.version})`);

describe.skipIf(missing !== undefined)("docker compose config", () => {
  let resolved: { services: Record<string, Service>; volumes: Record<string, unknown> };
  let status = -1;
  let stderr = "";
  beforeAll(() => {
    const result = runCompose(cli as ComposeCli, ["-f", composePath, "config"], repoRoot);
    status = result.status;
    stderr = result.stderr;
    if (status === 0) resolved = parse(result.stdout);
  });

  it("passes (the file is valid Compose)", () => {
    expect(status, stderr).toBe(0);
  });

  it("resolves to the same stack, with connection strings that reach the postgres and redis services", () => {
    checkServices(resolved.services);
    const postgresEnv = resolved.services.postgres.environment;
    for (const app of apps) {
      const env = resolved.services[app.name].environment;
      const database = new URL(env.DATABASE_URL);
      expect(database.host).toBe("postgres:5432");
      expect(database.username).toBe(postgresEnv.POSTGRES_USER);
      expect(decodeURIComponent(database.password)).toBe(postgresEnv.POSTGRES_PASSWORD);
      expect(database.pathname).toBe(`/${postgresEnv.POSTGRES_DB}`);
      expect(new URL(env.REDIS_URL).host).toBe("redis:6379");
    }
    const web = resolved.services.web.environment;
    expect(web.TICKET_SECRET).toBe(resolved.services.gateway.environment.TICKET_SECRET);
    expect(new URL(web.GATEWAY_PUBLIC_URL).protocol).toMatch(/^wss?:$/);
    expect(existsSync(path.join(repoRoot, resolved.services.web.build.dockerfile))).toBe(true);
  });

  it("rejects an invalid file (the validator really validates)", () => {
    const broken = path.join(repoRoot, "infra/test-support/fixtures/compose-invalid.yml");
    const result = runCompose(cli as ComposeCli, ["-f", broken, "config"], repoRoot);
    expect(result.status).not.toBe(0);
  });
});
