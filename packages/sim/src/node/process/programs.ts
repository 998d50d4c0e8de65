/**
 * What the programs of the catalogue's images do when a container runs them: their start-up
 * lines (nginx's entrypoint and `[notice]` lines, Redis's banner, PostgreSQL's init), the ports
 * they listen on and when, how long they run, what they exit with, how they react to the stop
 * signal, and their memory. The lines follow the real programs' output (nginx 1.27, Redis 7.4,
 * PostgreSQL 17, MySQL 8.4, CoreDNS 1.11, the kubeadm control-plane binaries), times in `{ts}`.
 */

import type { LogTimeFormat } from "./log-time";
import { piComputeMs, piDigits } from "./pi";
import type { ProcessEnv, StopBehaviour } from "./types";

/** A program's behaviour from the moment it is exec'd. */
export interface ProgramRun {
  kind: "run";
  name: string;
  /** Lines written at `after` ms from start; `{ts}` is formatted with `timeFormat`. */
  lines: { after: number; text: string; err?: boolean }[];
  timeFormat?: LogTimeFormat;
  /** Runs until stopped (servers, `sleep infinity`). Otherwise ends after `durationMs` with `exitCode`. */
  forever: boolean;
  durationMs: number;
  exitCode: number;
  listen?: { after: number; ports: { port: number; protocol: "TCP" | "UDP" }[] };
  /** HTTP behaviour key for requests to its ports (see `httpResponse`). */
  http?: string;
  detail?: Record<string, string | number>;
  /** Resident memory after `rssAfter` ms, and its growth per second. */
  rssBytes: number;
  rssAfter?: number;
  rssSlopePerSec?: number;
  cpuMilli?: number;
  stop: StopBehaviour;
}

/** A wrapper that prints some lines then execs another command (`/docker-entrypoint.sh nginx …`). */
export interface ProgramExec {
  kind: "exec";
  lines: { after: number; text: string; err?: boolean }[];
  timeFormat?: LogTimeFormat;
  /** Time the wrapper spends before exec'ing. */
  afterMs: number;
  argv: string[];
}

/** What starting an executable does. */
export type ProgramStart = ProgramRun | ProgramExec | { kind: "not-found" };

const MiB = 1024 * 1024;

const graceful = (exitAfterMs: number, lines?: StopBehaviour["lines"], exitCode = 0): StopBehaviour => ({
  handles: true,
  exitAfterMs,
  exitCode,
  ...(lines ? { lines } : {}),
});

/** PID 1 with no handler: the kernel does not deliver SIGTERM, only SIGKILL works. */
export const IGNORES_SIGNALS: StopBehaviour = { handles: false, exitAfterMs: 0, exitCode: 137 };

function base(name: string, env: ProcessEnv, over: Partial<ProgramRun>): ProgramRun {
  return {
    kind: "run",
    name,
    lines: [],
    forever: true,
    durationMs: 0,
    exitCode: 0,
    rssBytes: Math.round(env.profile.idleMemoryMiB * MiB),
    stop: graceful(50),
    ...over,
  };
}

function basename(p: string): string {
  const i = p.lastIndexOf("/");
  return i >= 0 ? p.slice(i + 1) : p;
}

/** Whether an executable exists in the image (shell tools are decided by the interpreter). */
export function imageHas(env: ProcessEnv, exe: string): boolean {
  return env.binaries.includes(exe) || env.binaries.includes(basename(exe));
}

function nginxRun(argv: string[], env: ProcessEnv, viaEntrypoint: boolean): ProgramRun {
  const daemonOff = argv.some((a, i) => argv[i - 1] === "-g" && /daemon\s+off/.test(a));
  if (!daemonOff) {
    // nginx daemonises by default: the foreground process exits at once (a classic CrashLoopBackOff).
    return base("nginx", env, { forever: false, durationMs: 15, exitCode: 0 });
  }
  const version =
    /^1\.\d+\.\d+/.exec(env.tag)?.[0] ?? (/^1\.(\d+)/.test(env.tag) ? `${env.tag}.2` : "1.27.3");
  const workers = Math.max(1, env.nodeCpus);
  const lines: ProgramRun["lines"] = [
    { after: 2, text: '{ts} [notice] 1#1: using the "epoll" event method', err: true },
    { after: 2, text: `{ts} [notice] 1#1: nginx/${version}`, err: true },
    { after: 2, text: "{ts} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) ", err: true },
    { after: 2, text: "{ts} [notice] 1#1: OS: Linux 6.8.0-1019-aws", err: true },
    { after: 2, text: "{ts} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576", err: true },
    { after: 3, text: "{ts} [notice] 1#1: start worker processes", err: true },
  ];
  for (let i = 0; i < workers; i++)
    lines.push({ after: 3, text: `{ts} [notice] 1#1: start worker process ${29 + i}`, err: true });
  void viaEntrypoint;
  const stopLines: StopBehaviour["lines"] = [
    { text: `{ts} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down`, err: true },
    ...Array.from({ length: workers }, (_, i) => ({
      text: `{ts} [notice] ${29 + i}#${29 + i}: gracefully shutting down`,
      err: true,
    })),
    ...Array.from({ length: workers }, (_, i) => ({
      text: `{ts} [notice] ${29 + i}#${29 + i}: exiting`,
      err: true,
    })),
    { text: "{ts} [notice] 1#1: exit", err: true },
  ];
  return base("nginx", env, {
    lines,
    timeFormat: "nginx",
    listen: { after: 3, ports: [{ port: 80, protocol: "TCP" }] },
    http: "nginx",
    stop: graceful(40, stopLines),
  });
}

/** The lines `/docker-entrypoint.sh` of the nginx image prints before exec'ing nginx. */
const NGINX_ENTRYPOINT_LINES = [
  "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
  "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
  "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
  "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
  "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
  "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
  "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
  "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
  "/docker-entrypoint.sh: Configuration complete; ready for start up",
];

function redisRun(env: ProcessEnv): ProgramRun {
  const version = /^7\.\d+\.\d+/.exec(env.tag)?.[0] ?? "7.4.1";
  return base("redis-server", env, {
    timeFormat: "redis",
    lines: [
      { after: 1, text: "1:C {ts} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo" },
      {
        after: 1,
        text: `1:C {ts} * Redis version=${version}, bits=64, commit=00000000, modified=0, pid=1, just started`,
      },
      {
        after: 1,
        text: "1:C {ts} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf",
      },
      { after: 2, text: "1:M {ts} * monotonic clock: POSIX clock_gettime" },
      { after: 2, text: "1:M {ts} * Running mode=standalone, port=6379." },
      { after: 3, text: "1:M {ts} * Server initialized" },
      { after: 3, text: "1:M {ts} * Ready to accept connections tcp" },
    ],
    listen: { after: 3, ports: [{ port: 6379, protocol: "TCP" }] },
    stop: graceful(30, [
      { text: "1:signal-handler ({unix}) Received SIGTERM scheduling shutdown..." },
      { text: "1:M {ts} * User requested shutdown..." },
      { text: "1:M {ts} * Saving the final RDB snapshot before exiting." },
      { text: "1:M {ts} * DB saved on disk" },
      { text: "1:M {ts} # Redis is now ready to exit, bye bye..." },
    ]),
  });
}

function postgresRun(env: ProcessEnv): ProgramRun {
  if (!env.vars.POSTGRES_PASSWORD && env.vars.POSTGRES_HOST_AUTH_METHOD !== "trust") {
    return base("postgres", env, {
      forever: false,
      durationMs: 40,
      exitCode: 1,
      lines: [
        "Error: Database is uninitialized and superuser password is not specified.",
        "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
        '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
        "",
        '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
        "       connections without a password. This is *not* recommended.",
        "",
        '       See PostgreSQL documentation about "trust":',
        "       https://www.postgresql.org/docs/current/auth-trust.html",
      ].map((text) => ({ after: 30, text, err: true })),
    });
  }
  const major = /^(1\d)/.exec(env.tag)?.[1] ?? "17";
  const init = [
    'The files belonging to this database system will be owned by user "postgres".',
    "This user must also own the server process.",
    "",
    'The database cluster will be initialized with locale "en_US.utf8".',
    'The default database encoding has accordingly been set to "UTF8".',
    'The default text search configuration will be set to "english".',
    "",
    "Data page checksums are disabled.",
    "",
    "fixing permissions on existing directory /var/lib/postgresql/data ... ok",
    "creating subdirectories ... ok",
    "selecting dynamic shared memory implementation ... posix",
    'selecting default "max_connections" ... 100',
    'selecting default "shared_buffers" ... 128MB',
    "selecting default time zone ... Etc/UTC",
    "creating configuration files ... ok",
    "running bootstrap script ... ok",
    "performing post-bootstrap initialization ... ok",
    "syncing data to disk ... ok",
    "",
    "",
    "Success. You can now start the database server using:",
    "",
    "    pg_ctl -D /var/lib/postgresql/data -l logfile start",
    "",
    "waiting for server to start.... done",
    "server started",
    "",
    "/usr/local/bin/docker-entrypoint.sh: ignoring /docker-entrypoint-initdb.d/*",
    "",
    "waiting for server to shut down.... done",
    "server stopped",
    "",
    "PostgreSQL init process complete; ready for start up.",
    "",
  ];
  const lines: ProgramRun["lines"] = init.map((text, i) => ({ after: 200 + i * 60, text }));
  const t = 200 + init.length * 60 + 100;
  lines.push(
    {
      after: t,
      text: `{ts} [1] LOG:  starting PostgreSQL ${major}.2 (Debian ${major}.2-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit`,
      err: true,
    },
    { after: t, text: '{ts} [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432', err: true },
    { after: t, text: '{ts} [1] LOG:  listening on IPv6 address "::", port 5432', err: true },
    {
      after: t + 5,
      text: '{ts} [1] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"',
      err: true,
    },
    { after: t + 20, text: "{ts} [62] LOG:  database system was shut down at {ts}", err: true },
    { after: t + 40, text: "{ts} [1] LOG:  database system is ready to accept connections", err: true },
  );
  return base("postgres", env, {
    lines,
    timeFormat: "postgres",
    listen: { after: t + 40, ports: [{ port: 5432, protocol: "TCP" }] },
    stop: graceful(150, [
      { text: "{ts} [1] LOG:  received fast shutdown request", err: true },
      { text: "{ts} [1] LOG:  aborting any active transactions", err: true },
      {
        text: '{ts} [1] LOG:  background worker "logical replication launcher" (PID 68) exited with exit code 1',
        err: true,
      },
      { text: "{ts} [63] LOG:  shutting down", err: true },
      { text: "{ts} [1] LOG:  database system is shut down", err: true },
    ]),
  });
}

function mysqlRun(env: ProcessEnv): ProgramRun {
  const v = env.vars;
  if (!v.MYSQL_ROOT_PASSWORD && !v.MYSQL_ALLOW_EMPTY_PASSWORD && !v.MYSQL_RANDOM_ROOT_PASSWORD) {
    return base("mysqld", env, {
      forever: false,
      durationMs: 60,
      exitCode: 1,
      timeFormat: "rfc3339",
      lines: [
        {
          after: 10,
          text: "{ts} [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.3-1.el9 started.",
        },
        { after: 30, text: "{ts} [Note] [Entrypoint]: Switching to dedicated user 'mysql'" },
        {
          after: 50,
          text: "{ts} [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.3-1.el9 started.",
        },
        {
          after: 60,
          text: "{ts} [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified",
          err: true,
        },
        {
          after: 60,
          text: "    You need to specify one of the following as an environment variable:",
          err: true,
        },
        { after: 60, text: "    - MYSQL_ROOT_PASSWORD", err: true },
        { after: 60, text: "    - MYSQL_ALLOW_EMPTY_PASSWORD", err: true },
        { after: 60, text: "    - MYSQL_RANDOM_ROOT_PASSWORD", err: true },
      ],
    });
  }
  const ready = 14_000; // initialising the data directory and the temporary server takes ~10–20 s
  return base("mysqld", env, {
    timeFormat: "mysql",
    lines: [
      {
        after: 10,
        text: "{ts} [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.3-1.el9 started.",
      },
      { after: 400, text: "{ts} [Note] [Entrypoint]: Initializing database files" },
      { after: ready - 500, text: "{ts} [Note] [Entrypoint]: MySQL init process done. Ready for start up." },
      { after: ready - 100, text: "{ts} 0 [System] [MY-015015] [Server] MySQL Server - start." },
      {
        after: ready,
        text: "{ts} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.4.3'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.",
      },
    ],
    listen: {
      after: ready,
      ports: [
        { port: 3306, protocol: "TCP" },
        { port: 33060, protocol: "TCP" },
      ],
    },
    stop: graceful(1500, [
      {
        text: "{ts} 0 [System] [MY-013172] [Server] Received SHUTDOWN from user <via user signal>. Shutting down mysqld (Version: 8.4.3).",
      },
      {
        text: "{ts} 0 [System] [MY-010910] [Server] /usr/sbin/mysqld: Shutdown complete (mysqld 8.4.3)  MySQL Community Server - GPL.",
      },
    ]),
  });
}

function klogLines(texts: string[], startAfter = 5): ProgramRun["lines"] {
  return texts.map((t, i) => ({ after: startAfter + i * 3, text: `I{ts}       1 ${t}`, err: true }));
}

function controlPlaneRun(name: string, env: ProcessEnv): ProgramRun {
  const version = /^v1\.\d+\.\d+$/.test(env.tag) ? env.tag : "v1.32.2";
  switch (name) {
    case "kube-apiserver":
      return base(name, env, {
        timeFormat: "klog",
        lines: klogLines([
          `options.go:228] external host was not specified, using ${env.podIP}`,
          `server.go:146] Version: ${version}`,
          'server.go:148] "Golang settings" GOGC="" GOMAXPROCS="" GOTRACEBACK=""',
          "plugins.go:157] Loaded 13 mutating admission controller(s) successfully in the following order: NamespaceLifecycle,LimitRanger,ServiceAccount,NodeRestriction,TaintNodesByCondition,Priority,DefaultTolerationSeconds,DefaultStorageClass,StorageObjectInUseProtection,RuntimeClass,DefaultIngressClass,MutatingAdmissionPolicy,MutatingAdmissionWebhook.",
          "secure_serving.go:213] Serving securely on [::]:6443",
        ]),
        listen: { after: 2500, ports: [{ port: 6443, protocol: "TCP" }] },
        http: "kube-health",
        stop: graceful(1000),
      });
    case "kube-controller-manager":
    case "kube-scheduler":
      return base(name, env, {
        timeFormat: "klog",
        lines: klogLines([
          "serving.go:386] Generated self-signed cert in-memory",
          `${name === "kube-scheduler" ? "server.go:167" : "controllermanager.go:185"}] "Starting" version="${version}"`,
          `secure_serving.go:213] Serving securely on 127.0.0.1:${name === "kube-scheduler" ? 10259 : 10257}`,
          `leaderelection.go:257] attempting to acquire leader lease kube-system/${name}...`,
        ]),
        listen: { after: 800, ports: [{ port: name === "kube-scheduler" ? 10259 : 10257, protocol: "TCP" }] },
        http: "kube-health",
        stop: graceful(100),
      });
    case "kube-proxy":
      return base(name, env, {
        timeFormat: "klog",
        lines: klogLines([
          `server_linux.go:66] "Using iptables proxy"`,
          `server.go:698] "Successfully retrieved node IP(s)" IPs=["${env.podIP}"]`,
          `server.go:516] "Version info" version="${version}"`,
          `config.go:199] "Starting service config controller"`,
          `config.go:105] "Starting endpoint slice config controller"`,
        ]),
        listen: {
          after: 300,
          ports: [
            { port: 10256, protocol: "TCP" },
            { port: 10249, protocol: "TCP" },
          ],
        },
        http: "kube-health",
        stop: graceful(50),
      });
    default: // etcd
      return base("etcd", env, {
        timeFormat: "etcd",
        lines: [
          `{"level":"info","ts":"{ts}","caller":"etcdmain/etcd.go:73","msg":"Running: ","args":["etcd","--advertise-client-urls=https://${env.podIP}:2379"]}`,
          `{"level":"info","ts":"{ts}","caller":"embed/etcd.go:128","msg":"configuring peer listeners","listen-peer-urls":["https://${env.podIP}:2380"]}`,
          `{"level":"info","ts":"{ts}","caller":"embed/etcd.go:497","msg":"starting with host","etcd-version":"3.5.16","go-version":"go1.22.7"}`,
          `{"level":"info","ts":"{ts}","caller":"etcdserver/server.go:2087","msg":"published local member to cluster through raft"}`,
          `{"level":"info","ts":"{ts}","caller":"embed/serve.go:250","msg":"serving client traffic securely","traffic":"grpc+http","address":"${env.podIP}:2379"}`,
        ].map((text, i) => ({ after: 5 + i * 150, text, err: true })),
        listen: { after: 600, ports: [2379, 2380, 2381].map((port) => ({ port, protocol: "TCP" as const })) },
        http: "kube-health",
        stop: graceful(200),
      });
  }
}

function stressRun(argv: string[], env: ProcessEnv): ProgramRun {
  // polinux/stress: `stress --vm 1 --vm-bytes 150M --vm-hang 1` (the documentation's memory examples).
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const vm = Number(opt("--vm") ?? opt("-m") ?? 0);
  const cpu = Number(opt("--cpu") ?? opt("-c") ?? 0);
  const timeout = opt("--timeout") ?? opt("-t");
  const bytesText = opt("--vm-bytes") ?? "256M";
  const m = /^(\d+(?:\.\d+)?)([bBkKmMgG]?)$/.exec(bytesText);
  const mult: Record<string, number> = { "": 1, b: 1, k: 1024, m: MiB, g: 1024 * MiB };
  const bytes = m ? Number(m[1]) * mult[m[2]!.toLowerCase()]! : 256 * MiB;
  const lines: ProgramRun["lines"] = [
    { after: 1, text: `stress: info: [1] dispatching hogs: ${cpu} cpu, 0 io, ${vm} vm, 0 hdd` },
  ];
  const seconds = timeout ? Number.parseInt(timeout, 10) : 0;
  if (seconds > 0)
    lines.push({ after: seconds * 1000, text: `stress: info: [1] successful run completed in ${seconds}s` });
  return base("stress", env, {
    lines,
    forever: !(seconds > 0),
    durationMs: seconds * 1000,
    exitCode: 0,
    rssBytes: Math.round(vm * bytes + 0.7 * MiB),
    rssAfter: 60,
    cpuMilli: cpu * 1000 + (vm > 0 ? 1000 * vm : 0),
    stop: { handles: false, exitAfterMs: 0, exitCode: 137 },
  });
}

function agnhostRun(argv: string[], env: ProcessEnv): ProgramRun {
  const sub = argv[1];
  const portArg = (name: string, def: number) => {
    const a = argv.find((x) => x.startsWith(`--${name}=`));
    return a ? Number(a.split("=")[1]) : def;
  };
  switch (sub) {
    case "liveness":
      // /healthz answers 200 for the first 10 s, then 500 (test/images/agnhost/liveness/server.go).
      return base("agnhost", env, {
        listen: { after: 5, ports: [{ port: 8080, protocol: "TCP" }] },
        http: "agnhost-liveness",
        stop: graceful(5),
      });
    case "netexec":
      return base("agnhost", env, {
        lines: [
          {
            after: 3,
            text: `I{ts}       1 log.go:245] Started HTTP server on port ${portArg("http-port", 8080)}`,
            err: true,
          },
          {
            after: 3,
            text: `I{ts}       1 log.go:245] Started UDP server on port ${portArg("udp-port", 8081)}`,
            err: true,
          },
        ],
        timeFormat: "klog",
        listen: {
          after: 3,
          ports: [
            { port: portArg("http-port", 8080), protocol: "TCP" },
            { port: portArg("udp-port", 8081), protocol: "UDP" },
          ],
        },
        http: "agnhost-netexec",
        stop: graceful(5),
      });
    case "serve-hostname":
      return base("agnhost", env, {
        listen: { after: 3, ports: [{ port: portArg("port", 9376), protocol: "TCP" }] },
        http: "hostname",
        stop: graceful(5),
      });
    case "test-webserver":
      return base("agnhost", env, {
        listen: { after: 3, ports: [{ port: portArg("port", 80), protocol: "TCP" }] },
        http: "agnhost-test-webserver",
        stop: graceful(5),
      });
    case "pause":
      return base("agnhost", env, { lines: [{ after: 1, text: "Paused" }], stop: graceful(5) });
    default:
      return base("agnhost", env, {
        forever: false,
        durationMs: 5,
        exitCode: sub ? 1 : 0,
        lines: sub
          ? [{ after: 1, text: `Error: unknown command "${sub}" for "agnhost"`, err: true }]
          : [
              {
                after: 1,
                text: "agnhost: a multipurpose image for Kubernetes tests. Use `agnhost --help` for the list of subcommands.",
              },
            ],
      });
  }
}

function perlRun(argv: string[], env: ProcessEnv): ProgramRun {
  // `-e CODE`, or bundled switches ending in e (`-wle CODE`, `-le CODE`).
  const codeIndex = argv.findIndex((a, i) => i > 0 && /^-[a-zA-Z]*e$/.test(a));
  const code = codeIndex >= 0 ? (argv[codeIndex + 1] ?? "") : "";
  const bpi = /print\s+bpi\(\s*(\d+)\s*\)/.exec(code);
  if (bpi && argv.some((a) => a.startsWith("-Mbignum"))) {
    const digits = Number(bpi[1]);
    const ms = piComputeMs(digits);
    return base("perl", env, {
      forever: false,
      durationMs: ms + 5,
      exitCode: 0,
      lines: [{ after: ms, text: piDigits(digits) }],
      rssBytes: 12 * MiB,
      cpuMilli: 1000,
      stop: graceful(2, undefined, 143),
    });
  }
  if (codeIndex < 0 && argv.includes("-de0")) {
    // The image's default command: the debugger reads stdin, which is closed without -i: it exits.
    return base("perl", env, {
      forever: env.stdin,
      durationMs: 30,
      lines: [
        { after: 20, text: "" },
        { after: 20, text: "Loading DB routines from perl5db.pl version 1.60" },
        { after: 20, text: "Editor support available." },
        { after: 20, text: "" },
        { after: 20, text: "Enter h or 'h h' for help, or 'man perldebug' for more help." },
        { after: 20, text: "" },
        { after: 20, text: "main::(-e:1):\t0" },
      ],
      stop: graceful(2, undefined, 143),
    });
  }
  const prints = [...code.matchAll(/print\s+"([^"]*)"/g)].map((m) => m[1]!.replace(/\\n$/, ""));
  const sleeps = [...code.matchAll(/sleep\s*\(?\s*(\d+)/g)].reduce((s, m) => s + Number(m[1]) * 1000, 0);
  return base("perl", env, {
    forever: /while\s*\(\s*1\s*\)/.test(code) && sleeps > 0,
    durationMs: 10 + sleeps,
    lines: prints.map((text) => ({ after: 8, text })),
    stop: graceful(2, undefined, 143),
  });
}

function pythonRun(argv: string[], env: ProcessEnv): ProgramRun {
  const c = argv.indexOf("-c");
  const m = argv.indexOf("-m");
  if (m >= 0 && argv[m + 1] === "http.server") {
    const port = Number(argv[m + 2] ?? 8000) || 8000;
    // Python buffers stdout when it is not a terminal: the "Serving HTTP" line never reaches the log.
    return base("python", env, {
      lines: argv.includes("-u")
        ? [{ after: 80, text: `Serving HTTP on 0.0.0.0 port ${port} (http://0.0.0.0:${port}/) ...` }]
        : [],
      listen: { after: 80, ports: [{ port, protocol: "TCP" }] },
      http: "python-http-server",
      rssBytes: 15 * MiB,
      stop: { handles: true, exitAfterMs: 5, exitCode: 143 },
    });
  }
  if (c >= 0) {
    const code = argv[c + 1] ?? "";
    const prints = [...code.matchAll(/print\(\s*["']([^"']*)["']\s*\)/g)].map((x) => x[1]!);
    const sleeps = [...code.matchAll(/sleep\(\s*(\d+(?:\.\d+)?)\s*\)/g)].reduce(
      (s, x) => s + Number(x[1]) * 1000,
      0,
    );
    const loops = /while\s+True\s*:/.test(code);
    // A loop that keeps appending to a list leaks: memory grows until the limit OOM-kills it.
    const leaks = loops && /\.append\(|\+=\s*\[|bytearray\(/.test(code);
    return base("python", env, {
      forever: loops,
      durationMs: 30 + sleeps,
      lines: loops ? [] : prints.map((text) => ({ after: 25, text })),
      rssBytes: 9 * MiB,
      ...(leaks ? { rssSlopePerSec: 8 * MiB } : {}),
      stop: { handles: true, exitAfterMs: 5, exitCode: 143 },
    });
  }
  if (argv.length > 1 && !argv[1]!.startsWith("-")) {
    return base("python", env, {
      forever: false,
      durationMs: 25,
      exitCode: 2,
      lines: [
        {
          after: 20,
          text: `python3: can't open file '/${argv[1]}': [Errno 2] No such file or directory`,
          err: true,
        },
      ],
    });
  }
  // The REPL with stdin closed reads EOF and exits 0.
  return base("python", env, { forever: env.stdin, durationMs: 25, stop: graceful(5) });
}

function nodeRun(argv: string[], env: ProcessEnv): ProgramRun {
  const e = argv.findIndex((a) => a === "-e" || a === "--eval");
  if (e >= 0) {
    const code = argv[e + 1] ?? "";
    const logs = [...code.matchAll(/console\.log\(\s*["'`]([^"'`]*)["'`]\s*\)/g)].map((x) => x[1]!);
    const serves = /\.listen\(\s*(\d+)/.exec(code);
    const interval = /setInterval\(/.test(code);
    return base("node", env, {
      forever: !!serves || interval,
      durationMs: 50,
      lines: logs.map((text) => ({ after: 45, text })),
      ...(serves
        ? { listen: { after: 50, ports: [{ port: Number(serves[1]), protocol: "TCP" as const }] } }
        : {}),
      rssBytes: 42 * MiB,
      stop: { handles: false, exitAfterMs: 0, exitCode: 137 },
    });
  }
  if (argv.length > 1 && !argv[1]!.startsWith("-")) {
    const file = argv[1]!.startsWith("/") ? argv[1]! : `/${argv[1]}`;
    return base("node", env, {
      forever: false,
      durationMs: 60,
      exitCode: 1,
      lines: [
        "node:internal/modules/cjs/loader:1228",
        "  throw err;",
        "  ^",
        "",
        `Error: Cannot find module '${file}'`,
        "    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)",
        "    at Module._load (node:internal/modules/cjs/loader:1051:27)",
        "    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:174:12)",
        "    at node:internal/main/run_main_module:28:49 {",
        "  code: 'MODULE_NOT_FOUND',",
        "  requireStack: []",
        "}",
        "",
        "Node.js v22.11.0",
      ].map((text) => ({ after: 55, text, err: true })),
    });
  }
  return base("node", env, { forever: env.stdin, durationMs: 60, stop: graceful(5) });
}

function simpleServer(
  name: string,
  env: ProcessEnv,
  ports: number[],
  http: string | undefined,
  lines: string[] = [],
  timeFormat?: LogTimeFormat,
  afterMs = 50,
): ProgramRun {
  return base(name, env, {
    lines: lines.map((text, i) => ({ after: 5 + i * 2, text })),
    ...(timeFormat ? { timeFormat } : {}),
    listen: { after: afterMs, ports: ports.map((port) => ({ port, protocol: "TCP" as const })) },
    ...(http ? { http } : {}),
    stop: graceful(20),
  });
}

/**
 * Start an executable (argv[0]) in a container. Shell built-ins and coreutils are handled by the
 * interpreter before this is called; this knows the images' own programs. Returns "not-found"
 * for programs the image does not have.
 */
export function startProgram(argv: string[], env: ProcessEnv): ProgramStart {
  const exe = argv[0] ?? "";
  const name = basename(exe);
  if (!imageHas(env, exe) && !GENERIC_OK(env, exe)) return { kind: "not-found" };
  switch (name) {
    case "docker-entrypoint.sh":
    case "entrypoint.sh": {
      const rest = argv.slice(1);
      if (
        env.repository === "docker.io/library/nginx" &&
        (rest[0] === "nginx" || rest[0] === "nginx-debug")
      ) {
        return {
          kind: "exec",
          lines: NGINX_ENTRYPOINT_LINES.map((text, i) => ({ after: 1 + i, text })),
          afterMs: 12,
          argv: rest,
        };
      }
      if (rest.length === 0) return { kind: "exec", lines: [], afterMs: 1, argv: ["sh"] };
      // The other images' entrypoints prepend the server when the first argument is a flag.
      const server = {
        "docker.io/library/redis": "redis-server",
        "docker.io/library/postgres": "postgres",
        "docker.io/library/mysql": "mysqld",
        "docker.io/library/node": "node",
        "docker.io/library/mongo": "mongod",
      }[env.repository];
      return {
        kind: "exec",
        lines: [],
        afterMs: 2,
        argv: rest[0]!.startsWith("-") && server ? [server, ...rest] : rest,
      };
    }
    case "nginx":
    case "nginx-debug":
      if (env.repository === "registry.k8s.io/echoserver")
        return simpleServer("nginx", env, [8080], "echoserver");
      return nginxRun(argv, env, false);
    case "run.sh":
      return simpleServer("nginx", env, [8080], "echoserver");
    case "httpd-foreground":
    case "apache2-foreground": {
      const apache = env.repository.endsWith("/httpd")
        ? "2.4.62 (Unix)"
        : "2.4.62 (Debian) PHP/8.2.26 configured";
      const fqdn = `AH00558: ${name === "httpd-foreground" ? "httpd" : "apache2"}: Could not reliably determine the server's fully qualified domain name, using ${env.podIP}. Set the 'ServerName' directive globally to suppress this message`;
      return base(name, env, {
        timeFormat: "apache",
        lines: [
          { after: 10, text: fqdn, err: true },
          { after: 12, text: fqdn, err: true },
          {
            after: 20,
            text: `[{ts}] [mpm_${name === "httpd-foreground" ? "event" : "prefork"}:notice] [pid 1:tid 1] AH00489: Apache/${apache} -- resuming normal operations`,
            err: true,
          },
          {
            after: 20,
            text: `[{ts}] [core:notice] [pid 1:tid 1] AH00094: Command line: '${name === "httpd-foreground" ? "httpd -D FOREGROUND" : "apache2 -D FOREGROUND"}'`,
            err: true,
          },
        ],
        listen: { after: 20, ports: [{ port: 80, protocol: "TCP" }] },
        http:
          env.repository === "registry.k8s.io/hpa-example"
            ? "php-apache"
            : env.repository.endsWith("/wordpress")
              ? "wordpress"
              : "httpd",
        stop: graceful(60, [
          {
            text: "[{ts}] [mpm_event:notice] [pid 1:tid 1] AH00492: caught SIGWINCH, shutting down gracefully",
            err: true,
          },
        ]),
      });
    }
    case "redis-server":
      return redisRun(env);
    case "postgres":
      return postgresRun(env);
    case "mysqld":
      return mysqlRun(env);
    case "mongod":
      return simpleServer("mongod", env, [27017], undefined, [], undefined, 1500);
    case "memcached":
      return simpleServer("memcached", env, [11211], undefined);
    case "rabbitmq-server":
      return simpleServer("rabbitmq-server", env, [5672, 15672], undefined, [], undefined, 8000);
    case "haproxy":
    case "traefik":
    case "registry":
    case "grafana":
    case "prometheus":
      return simpleServer(
        name,
        env,
        { haproxy: [80], traefik: [80, 8080], registry: [5000], grafana: [3000], prometheus: [9090] }[name]!,
        "ok",
      );
    case "coredns":
      return base("coredns", env, {
        lines: [
          { after: 5, text: ".:53" },
          {
            after: 6,
            text: "[INFO] plugin/reload: Running configuration SHA512 = 1b226df79860026c6a52e67daa10d7f0d57ec5b023288ec00c5e05f93523c894564e15b91770d3a07ae1cfbe861d15b37d4a0027e69c546ab112970993a3b03b",
          },
          { after: 7, text: "CoreDNS-1.11.3" },
          { after: 7, text: "linux/amd64, go1.21.11, a6338e9" },
        ],
        listen: {
          after: 8,
          ports: [
            { port: 53, protocol: "UDP" },
            { port: 53, protocol: "TCP" },
            { port: 8080, protocol: "TCP" },
            { port: 8181, protocol: "TCP" },
            { port: 9153, protocol: "TCP" },
          ],
        },
        http: "coredns",
        stop: graceful(5000, [
          { text: "[INFO] SIGTERM: Shutting down servers then terminating" },
          { text: "[INFO] plugin/health: Going into lameduck mode for 5s" },
        ]),
      });
    case "etcd":
    case "kube-apiserver":
    case "kube-controller-manager":
    case "kube-scheduler":
    case "kube-proxy":
      return controlPlaneRun(name, env);
    case "pause":
      return base("pause", env, { rssBytes: 256 * 1024, stop: graceful(1) });
    case "agnhost":
      return agnhostRun(argv, env);
    case "goproxy":
      return simpleServer("goproxy", env, [8080], "ok");
    case "echo-server":
      return simpleServer("echo-server", env, [8080], "echoserver", [`Echo server listening on port 8080.`]);
    case "hello-app": {
      const port = Number(env.vars.PORT ?? 8080) || 8080;
      return base("hello-app", env, {
        timeFormat: "nginx",
        lines: [{ after: 3, text: `{ts} Server listening on port ${port}`, err: true }],
        listen: { after: 3, ports: [{ port, protocol: "TCP" }] },
        http: "hello-app",
        stop: { handles: false, exitAfterMs: 0, exitCode: 137 },
      });
    }
    case "flanneld":
      return base("flanneld", env, {
        timeFormat: "klog",
        lines: klogLines([
          "main.go:212] CLI flags config: {etcdEndpoints:http://127.0.0.1:4001,http://127.0.0.1:2379 etcdPrefix:/coreos.com/network kube-subnet-mgr:true}",
          "kube.go:139] Waiting 10m0s for node controller to sync",
          "main.go:417] Current network or subnet (10.244.0.0/16, 10.244.0.0/24) is not equal to previous one (0.0.0.0/0, 0.0.0.0/0), trying to recycle old iptables rules",
          "vxlan_network.go:65] watching for new subnet leases",
        ]),
        stop: graceful(50),
      });
    case "start_runit":
    case "calico-node":
    case "cilium-agent":
      return simpleServer(
        name,
        env,
        name === "cilium-agent" ? [9879, 4240] : [9099],
        "ok",
        [],
        undefined,
        3000,
      );
    case "metrics-server":
      return simpleServer(name, env, [10250], "ok", [], undefined, 1000);
    case "stress":
      return env.repository === "docker.io/vish/stress"
        ? base("stress", env, {
            // vish/stress: `-cpus 2` burns two CPUs (the documentation's CPU limit example).
            timeFormat: "klog",
            lines: [
              { after: 2, text: 'I{ts}       1 main.go:26] Allocated "0" memory', err: true },
              { after: 2, text: `I{ts}       1 main.go:39] Spawning a thread to consume CPU`, err: true },
            ],
            cpuMilli: (Number(argv[argv.indexOf("-cpus") + 1]) || 1) * 1000,
            stop: { handles: false, exitAfterMs: 0, exitCode: 137 },
          })
        : stressRun(argv, env);
    case "perl":
    case "perl5.34.0":
      return perlRun(argv, env);
    case "python":
    case "python3":
      return pythonRun(argv, env);
    case "node":
      return nodeRun(argv, env);
    case "curl":
      return base("curl", env, {
        forever: false,
        durationMs: 3,
        exitCode: 2,
        lines: [
          { after: 2, text: "curl: try 'curl --help' or 'curl --manual' for more information", err: true },
        ],
      });
    default:
      // A program of an image outside the catalogue: a plain long-running process.
      return base(name, env, { stop: graceful(100) });
  }
}

/** Generic images (outside the catalogue) run whatever their entrypoint is. */
function GENERIC_OK(env: ProcessEnv, exe: string): boolean {
  return env.binaries.includes("*") && exe !== "";
}

/** One HTTP answer of a program. */
export interface HttpAnswer {
  status: number;
  /** Body size in bytes (what the access log prints). */
  bytes: number;
  body: string;
}

/** nginx's default index.html is 615 bytes (answers are read-only: one object serves them all). */
const NGINX_INDEX: HttpAnswer = Object.freeze({
  status: 200,
  bytes: 615,
  body: "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>…",
});
const NGINX_404 =
  "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.3</center>\r\n</body>\r\n</html>\r\n";

/**
 * What a program answers to `GET path`, `sinceStartMs` after it started. `null`: the behaviour does
 * not speak HTTP (a probe gets a protocol error).
 */
export function httpResponse(
  kind: string,
  path: string,
  sinceStartMs: number,
  env: { hostname: string },
): HttpAnswer | null {
  const p = path.split("?")[0] ?? "/";
  switch (kind) {
    case "nginx":
      if (p === "/" || p === "/index.html") return NGINX_INDEX;
      if (p === "/50x.html") return { status: 200, bytes: 497, body: "<!DOCTYPE html>…An error occurred.…" };
      return { status: 404, bytes: 153, body: NGINX_404 };
    case "httpd":
      if (p === "/" || p === "/index.html")
        return { status: 200, bytes: 45, body: "<html><body><h1>It works!</h1></body></html>\n" };
      return {
        status: 404,
        bytes: 196,
        body: '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>…',
      };
    case "php-apache":
      return { status: 200, bytes: 3, body: "OK!" };
    case "wordpress":
      return { status: 302, bytes: 0, body: "" };
    case "agnhost-liveness": {
      if (p !== "/healthz") return { status: 404, bytes: 19, body: "404 page not found\n" };
      const healthy = sinceStartMs < 10_000;
      return healthy
        ? { status: 200, bytes: 2, body: "ok" }
        : { status: 500, bytes: 23, body: `error: ${(sinceStartMs / 1000).toFixed(6)}` };
    }
    case "agnhost-netexec":
      if (p === "/hostname") return { status: 200, bytes: env.hostname.length, body: env.hostname };
      if (p === "/healthz" || p === "/" || p === "/echo") return { status: 200, bytes: 0, body: "" };
      return { status: 404, bytes: 19, body: "404 page not found\n" };
    case "hostname":
      return { status: 200, bytes: env.hostname.length, body: env.hostname };
    case "agnhost-test-webserver":
      return { status: 200, bytes: 12, body: "Hello world!" };
    case "hello-app": {
      const body = `Hello, world!\nVersion: 1.0.0\nHostname: ${env.hostname}\n`;
      return { status: 200, bytes: body.length, body };
    }
    case "echoserver": {
      const body = `\n\nHostname: ${env.hostname}\n\nRequest Information:\n\tmethod=GET\n\treal path=${p}\n`;
      return { status: 200, bytes: body.length, body };
    }
    case "coredns":
      // /health on 8080 and /ready on 8181 (the Deployment's probes)
      return p === "/health" || p === "/ready"
        ? { status: 200, bytes: 2, body: "OK" }
        : { status: 404, bytes: 19, body: "404 page not found\n" };
    case "kube-health":
      return { status: 200, bytes: 2, body: "ok" };
    case "python-http-server":
      return p === "/"
        ? { status: 200, bytes: 700, body: "<!DOCTYPE HTML>…Directory listing for /…" }
        : { status: 404, bytes: 335, body: "Error response" };
    case "ok":
      return { status: 200, bytes: 2, body: "ok" };
    default:
      return null;
  }
}

/** The access-log line a program writes for a request (nginx's `combined` + forwarded-for, Apache's `common`). */
export function accessLogLine(
  kind: string,
  req: { clientIP: string; method: string; path: string; userAgent: string },
  answer: HttpAnswer,
  time: (fmt: LogTimeFormat) => string,
): { text: string; err: boolean } | null {
  switch (kind) {
    case "nginx":
    case "echoserver":
      return {
        text: `${req.clientIP} - - [${time("nginx-access")}] "${req.method} ${req.path} HTTP/1.1" ${answer.status} ${answer.bytes} "-" "${req.userAgent}" "-"`,
        err: false,
      };
    case "httpd":
    case "php-apache":
    case "wordpress":
      return {
        text: `${req.clientIP} - - [${time("apache-access")}] "${req.method} ${req.path} HTTP/1.1" ${answer.status} ${answer.bytes}`,
        err: false,
      };
    case "python-http-server":
      return {
        text: `${req.clientIP} - - [${time("apache-access").replace(":", " ").replace(" +0000", "")}] "${req.method} ${req.path} HTTP/1.1" ${answer.status} -`,
        err: true,
      };
    default:
      return null;
  }
}
