import { describe, expect, it } from "vitest";
import { parseEpoch } from "../../core/time";
import { advanceProcess, createProcess, forecastExit, readFile, signalProcess } from "./interpreter";
import { piDigits } from "./pi";
import type { LogLine, ProcessEnv, ProcessState } from "./types";

const EPOCH = parseEpoch("2025-01-01T00:00:00Z");

function env(over: Partial<ProcessEnv> = {}): ProcessEnv {
  return {
    epochMs: EPOCH,
    hostname: "web",
    podIP: "10.244.1.5",
    vars: {},
    os: "busybox",
    binaries: [],
    repository: "docker.io/library/busybox",
    tag: "latest",
    stdin: false,
    nodeCpus: 2,
    profile: { idleCpuMilli: 0, idleMemoryMiB: 1, cpuMilliPerRps: 0, memoryMiBPerRps: 0 },
    stopSignal: "SIGTERM",
    ...over,
  };
}

function start(argv: string[], e = env()): { p: ProcessState; out: LogLine[] } {
  const r = createProcess(argv, e, 0);
  if ("startError" in r) throw new Error(r.startError);
  return { p: r.proc, out: [...r.lines] };
}

describe("container processes", () => {
  it("sleep 3600 runs for an hour and exits 0", () => {
    const { p } = start(["sleep", "3600"]);
    expect(forecastExit(p, env(), 0, 86_400_000).exit).toMatchObject({ code: 0, reason: "Completed" });
    expect(forecastExit(p, env(), 0, 86_400_000).exit!.at).toBeGreaterThanOrEqual(3_600_000);
    expect(forecastExit(p, env(), 0, 86_400_000).exit!.at).toBeLessThan(3_600_010);
  });

  it('`exit 1` and `sh -c "exit 1"` crash with code 1; `echo hi` prints and exits 0', () => {
    expect(forecastExit(start(["sh", "-c", "exit 1"]).p, env(), 0, 60_000).exit).toMatchObject({
      code: 1,
      reason: "Error",
    });
    const { p, out } = start(["echo", "hi"]);
    advanceProcess(p, env(), 1000, out);
    expect(out.map((l) => l.text)).toEqual(["hi"]);
    expect(p.exited).toMatchObject({ code: 0, reason: "Completed" });
  });

  it("runs the logging documentation's counter loop with its date lines", () => {
    const { p, out } = start([
      "/bin/sh",
      "-c",
      'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done',
    ]);
    advanceProcess(p, env(), 3_500, out);
    expect(out.map((l) => l.text)).toEqual([
      "0: Wed Jan  1 00:00:00 UTC 2025",
      "1: Wed Jan  1 00:00:01 UTC 2025",
      "2: Wed Jan  1 00:00:02 UTC 2025",
      "3: Wed Jan  1 00:00:03 UTC 2025",
    ]);
    const f = forecastExit(p, env(), 3_500, 3_600_000);
    expect(f.exit).toBeNull();
    expect(f.recheckAt).toBeGreaterThan(60_000);
  });

  it("tracks the liveness example's /tmp/healthy file over time", () => {
    const e = env();
    const { p, out } = start(
      ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
      e,
    );
    advanceProcess(p, e, 10_000, out);
    expect(readFile(p, e, "/tmp/healthy")).toBe("");
    advanceProcess(p, e, 31_000, out);
    expect(readFile(p, e, "/tmp/healthy")).toBeNull();
    expect(forecastExit(p, e, 31_000, 3_600_000).exit?.at).toBeGreaterThan(630_000);
  });

  it("computes π to 2000 digits as perl -Mbignum=bpi prints it", () => {
    const digits = piDigits(2000);
    expect(digits).toHaveLength(2001);
    expect(digits.startsWith("3.14159265358979323846264338327950288")).toBe(true);
    // Cross-checked with Python's decimal module (another algorithm), rounded half-even.
    expect(digits.endsWith("908658326459958133904780275901")).toBe(true);
    const e = env({ os: "debian", binaries: ["perl"], repository: "docker.io/library/perl", tag: "5.34.0" });
    const { p, out } = start(["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"], e);
    const f = forecastExit(p, e, 0, 600_000);
    expect(f.exit).toMatchObject({ code: 0 });
    expect(f.exit!.at).toBeGreaterThan(3000);
    advanceProcess(p, e, 60_000, out);
    expect(out.map((l) => l.text)).toEqual([digits]);
  });

  it("starts nginx through its entrypoint: start-up lines, port 80, graceful SIGQUIT", () => {
    const e = env({
      os: "debian",
      binaries: ["nginx", "/docker-entrypoint.sh"],
      repository: "docker.io/library/nginx",
      tag: "1.27.3",
      stopSignal: "SIGQUIT",
    });
    const { p, out } = start(["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"], e);
    advanceProcess(p, e, 5_000, out);
    const text = out.map((l) => l.text);
    expect(text[0]).toBe(
      "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
    );
    expect(text).toContain("/docker-entrypoint.sh: Configuration complete; ready for start up");
    expect(text).toContain("2025/01/01 00:00:00 [notice] 1#1: nginx/1.27.3");
    expect(text.filter((t) => t.includes("start worker process "))).toHaveLength(2);
    expect(p.listening.map((l) => l.port)).toEqual([80]);
    expect(forecastExit(p, e, 5_000, 3_600_000).exit).toBeNull();
    const exitAt = signalProcess(p, e, 6_000, out);
    expect(exitAt).toBe(6_040);
    advanceProcess(p, e, 7_000, out);
    expect(p.exited).toMatchObject({ at: 6_040, code: 0 });
  });

  it("a shell as PID 1 ignores SIGTERM; a trap makes it exit after its sleep", () => {
    const { p, out } = start(["sh", "-c", "while true; do sleep 5; done"]);
    advanceProcess(p, env(), 2_000, out);
    expect(signalProcess(p, env(), 2_000, out)).toBeNull();
    const t = start(["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 5; done"]);
    advanceProcess(t.p, env(), 2_000, t.out);
    expect(signalProcess(t.p, env(), 2_000, t.out)).toBe(5_000);
  });

  it("reports unknown commands the way each shell does", () => {
    const { p, out } = start(["sh", "-c", "ngnix -g 'daemon off;'; echo status=$?"]);
    advanceProcess(p, env(), 1000, out);
    expect(out.map((l) => l.text)).toEqual(["sh: ngnix: not found", "status=127"]);
    const d = start(["sh", "-c", "foo"], env({ os: "debian" }));
    advanceProcess(d.p, env({ os: "debian" }), 1000, d.out);
    expect(d.out[0]!.text).toBe("sh: 1: foo: not found");
    expect(createProcess(["bash", "-c", "true"], env({ os: "alpine" }), 0)).toEqual({
      startError: 'exec: "bash": executable file not found in $PATH',
    });
  });

  it("postgres without POSTGRES_PASSWORD exits 1 with the entrypoint's error", () => {
    const e = env({
      os: "debian",
      binaries: ["postgres", "docker-entrypoint.sh"],
      repository: "docker.io/library/postgres",
      tag: "17",
    });
    const { p, out } = start(["docker-entrypoint.sh", "postgres"], e);
    advanceProcess(p, e, 5_000, out);
    expect(p.exited).toMatchObject({ code: 1 });
    expect(out[0]!.text).toBe("Error: Database is uninitialized and superuser password is not specified.");
  });

  it("stress allocating 250M under a 100Mi limit is OOM-killed", () => {
    const e = env({ os: "alpine", binaries: ["stress"], repository: "docker.io/polinux/stress" });
    const { p } = start(["stress", "--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"], e);
    const f = forecastExit(p, e, 0, 3_600_000, 100 * 1024 * 1024);
    expect(f.exit).toMatchObject({ code: 137, reason: "OOMKilled" });
    expect(f.exit!.at).toBeLessThan(1000);
    expect(forecastExit(p, e, 0, 3_600_000, 300 * 1024 * 1024).exit).toBeNull();
  });

  it("busybox's default `sh` exits at once without stdin, waits with stdin", () => {
    expect(forecastExit(start(["sh"]).p, env(), 0, 1000).exit).toMatchObject({ code: 0 });
    expect(
      forecastExit(start(["sh"], env({ stdin: true })).p, env({ stdin: true }), 0, 1000).exit,
    ).toBeNull();
  });

  it("a leaking loop grows until the memory limit OOM-kills it", () => {
    const e = env({
      os: "debian",
      binaries: ["python", "python3"],
      repository: "docker.io/library/python",
      tag: "3.12",
    });
    const { p } = start(["python", "-c", "a = []\nwhile True:\n    a.append(' ' * 1000000)"], e);
    const f = forecastExit(p, e, 0, 3_600_000, 128 * 1024 * 1024);
    expect(f.exit).toMatchObject({ code: 137, reason: "OOMKilled" });
    // 9 MiB at start, 8 MiB/s: about 15 s to reach 128 MiB.
    expect(f.exit!.at).toBeGreaterThan(14_000);
    expect(f.exit!.at).toBeLessThan(16_000);
  });
});
