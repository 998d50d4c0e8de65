import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { apps, migrateScript } from "../test-support/app-contract";
import { dockerignoreMatcher, effective, parseDockerfile, stageChain } from "../test-support/dockerfile";
import { commandWorks, runCommand } from "../test-support/find-command";
import { repoRoot } from "../test-support/repo-root";

// The Dockerfile is read as the build would read it: its targets, what each
// runs, and that every path it relies on exists in the repository and in the
// build context. A real `docker build` runs only where an engine does (below).

const dockerfilePath = path.join(repoRoot, "infra/docker/Dockerfile");
const stages = parseDockerfile(readFileSync(dockerfilePath, "utf8"));
const stageNames = stages.map((s) => s.name);

/** The program a target starts, resolved against its WORKDIR, relative to /app. */
function startedScript(target: string): { argv: string[]; file: string } {
  const argv = JSON.parse(effective(stages, target, "CMD") ?? "[]") as string[];
  const workdir = effective(stages, target, "WORKDIR") ?? "/";
  const file = path.posix.relative("/app", path.posix.resolve(workdir, argv[1] ?? ""));
  return { argv, file };
}

describe("infra/docker/Dockerfile", () => {
  it("has one target per process, all built on the shared non-root runtime stage", () => {
    for (const target of ["web", "worker", "gateway", "migrate"]) {
      expect(stageNames).toContain(target);
      expect(stageChain(stages, target).map((s) => s.name)).toContain("runtime");
      const user = effective(stages, target, "USER");
      expect(user, `${target} USER`).toBeDefined();
      expect(["root", "0"]).not.toContain(user);
    }
  });

  it("refers only to stages defined before it (FROM and COPY --from)", () => {
    stages.forEach((stage, index) => {
      const earlier = stageNames.slice(0, index);
      if (!stage.from.startsWith("$")) expect(earlier, `${stage.name} FROM`).toContain(stage.from);
      for (const copy of stage.instructions.filter((i) => i.keyword === "COPY")) {
        const from = /--from=(\S+)/.exec(copy.args)?.[1];
        if (from) expect(earlier, `${stage.name}: COPY --from=${from}`).toContain(from);
      }
    });
  });

  it("builds with the scripts and outputs the apps' contract names", () => {
    const build = stages.find((s) => s.name === "build");
    const run = build?.instructions.find((i) => i.keyword === "RUN")?.args ?? "";
    expect(run).toContain("node scripts/prisma-generate.mjs");
    expect(run).toContain("npx turbo run build");
    expect(existsSync(path.join(repoRoot, "scripts/prisma-generate.mjs"))).toBe(true);
    for (const app of ["web", "worker", "gateway"]) {
      const manifest = JSON.parse(readFileSync(path.join(repoRoot, `apps/${app}/package.json`), "utf8"));
      expect(manifest.scripts?.build, `apps/${app} build script`).toBeDefined();
    }
  });

  for (const app of apps) {
    it(`${app.name}: starts its bundle, listens on ${app.port} and checks its own health`, () => {
      const { argv, file } = startedScript(app.name);
      expect(argv[0]).toBe("node");
      expect(file).toBe(app.name === "web" ? "apps/web/dist/server.js" : `apps/${app.name}/dist/main.js`);
      const target = stages.find((s) => s.name === app.name);
      expect(target?.instructions.find((i) => i.keyword === "EXPOSE")?.args).toBe(String(app.port));
      expect(effective(stages, app.name, "ENV")).toBe(`PORT=${app.port}`);
      const healthcheck = effective(stages, app.name, "HEALTHCHECK") ?? "";
      expect(healthcheck).toContain("/app/infra/docker/healthcheck.mjs");
      expect(existsSync(path.join(repoRoot, "infra/docker/healthcheck.mjs"))).toBe(true);
    });
  }

  it("web runs from apps/web, where the custom server finds .next/ and public/", () => {
    expect(effective(stages, "web", "WORKDIR")).toBe("/app/apps/web");
  });

  it("migrate runs the repository's migration script once, without a health check", () => {
    expect(startedScript("migrate").file).toBe(migrateScript);
    expect(existsSync(path.join(repoRoot, migrateScript))).toBe(true);
    expect(effective(stages, "migrate", "HEALTHCHECK")).toBe("NONE");
  });

  it(".dockerignore keeps local installs, outputs and secrets out, and everything the build reads in", () => {
    const ignored = dockerignoreMatcher(readFileSync(path.join(repoRoot, ".dockerignore"), "utf8"));
    for (const out of [
      "node_modules/next/package.json",
      "apps/web/node_modules/x",
      "apps/web/.next/BUILD_ID",
      "apps/worker/dist/main.js",
      ".env",
      ".env.local",
      ".git/HEAD",
      ".data/postgres/PG_VERSION",
      "packages/db/src/generated/client.ts",
    ]) {
      expect(ignored(out), `${out} is left out`).toBe(true);
    }
    for (const needed of [
      "package.json",
      "package-lock.json",
      ".npmrc",
      "turbo.json",
      "tsconfig.base.json",
      "scripts/migrate.mjs",
      "scripts/prisma-generate.mjs",
      "scripts/lib/migrate.mjs",
      "prisma/schema.prisma",
      "prisma/migrations/20250101000000_init/migration.sql",
      "apps/web/package.json",
      "apps/web/src/server.ts",
      "apps/web/public/favicon.ico",
      "packages/db/src/index.ts",
      "infra/docker/healthcheck.mjs",
    ]) {
      expect(ignored(needed), `${needed} is in the context`).toBe(false);
    }
  });
});

// A real build needs a Docker engine with BuildKit and network access for the
// base image and npm; it takes minutes, so it runs only when asked for.
const buildRequested = process.env.KUBELAB_DOCKER_BUILD === "1";
const engineRuns = buildRequested && commandWorks("docker", ["info"]);
const buildSkipReason = !buildRequested
  ? "set KUBELAB_DOCKER_BUILD=1 to build the images for real (needs a Docker engine)"
  : !engineRuns
    ? "KUBELAB_DOCKER_BUILD=1 but `docker info` fails: no Docker engine runs here"
    : undefined;
if (buildSkipReason) console.warn(`SKIPPED docker build of infra/docker/Dockerfile: ${buildSkipReason}`);

describe.skipIf(buildSkipReason !== undefined)("docker build (real engine)", () => {
  for (const target of ["web", "worker", "gateway", "migrate"]) {
    it(`builds the ${target} target`, { timeout: 30 * 60_000 }, () => {
      const result = runCommand(
        "docker",
        ["build", "-f", dockerfilePath, "--target", target, "-t", `kubelab/${target}:test`, repoRoot],
        { cwd: repoRoot },
      );
      // The legacy builder reports on stdout, BuildKit on stderr.
      expect(result.status, `${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`).toBe(0);
    });
  }
});
