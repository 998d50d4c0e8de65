/**
 * The data a running container process is made of. A process is a small interpreter over the
 * container's command (a shell script or one program) whose state is plain data, advanced lazily
 * in virtual time: nothing is scheduled for a process that merely runs; its logs, files and
 * exit are computed when someone looks (the runtime at start to learn when it will exit, a probe,
 * `kubectl logs`).
 */
import type { BaseOs, ResourceProfile } from "../images/catalogue";
import type { ShellNode } from "./shell-ast";

/** One line a process wrote (`s` 1 = stderr). Times are virtual ms since the cluster epoch. */
export interface LogLine {
  t: number;
  s: 0 | 1;
  text: string;
}

/** A port a process listens on. */
export interface ListenPort {
  port: number;
  protocol: "TCP" | "UDP";
  /** Virtual time from which connections are accepted. */
  since: number;
}

/** How a program reacts to the stop signal the runtime sends. */
export interface StopBehaviour {
  /** False: the signal is ignored (PID 1 without a handler) and only SIGKILL ends it. */
  handles: boolean;
  /** Time from the signal to the exit, ms. */
  exitAfterMs: number;
  exitCode: number;
  /** What it logs while stopping (`{ts}` is replaced with its time format). */
  lines?: { text: string; err?: boolean }[];
}

/** What the container sees of its environment (not state: derived from the container each time). */
export interface ProcessEnv {
  /** Unix ms of the cluster epoch (to print times). */
  epochMs: number;
  /** The pod's hostname (its name, or spec.hostname). */
  hostname: string;
  /** The pod's IP (`hostNetwork` pods: the node's). */
  podIP: string;
  /** Environment variables of the container (`env` with literal values). */
  vars: Record<string, string>;
  /** The image's base userland and programs. */
  os: BaseOs;
  binaries: string[];
  /** Normalised repository of the image (`docker.io/library/nginx`). */
  repository: string;
  /** Tag of the image. */
  tag: string;
  /** Whether the container keeps stdin open (`stdin: true`): shells then wait instead of exiting. */
  stdin: boolean;
  /** CPUs of the node (nginx starts one worker per CPU). */
  nodeCpus: number;
  /** Resource profile of the image (idle CPU/memory). */
  profile: ResourceProfile;
  /** The stop signal configured in the image (containerd and CRI-O send it on StopContainer). */
  stopSignal: string;
}

/** One frame of the interpreter's stack. */
export type Frame =
  | { k: "node"; n: ShellNode }
  | { k: "seq"; n: ShellNode & { t: "seq" }; i: number }
  | { k: "and" | "or"; n: ShellNode & { t: "and" | "or" } }
  | { k: "not" }
  | { k: "loop"; n: ShellNode & { t: "while" }; stage: "cond" | "body"; at: number }
  | { k: "for"; n: ShellNode & { t: "for" }; values: string[]; i: number }
  | { k: "if"; n: ShellNode & { t: "if" } }
  | { k: "subshell-end"; vars: Record<string, string> };

/** A foreground program the process is blocked in (a server, `sleep`, a computation). */
export interface RunningProgram {
  /** Program name (`nginx`, `sleep`, `perl`…). */
  name: string;
  /** Which behaviour answers HTTP requests on its ports (`nginx`, `agnhost-liveness`…), if any. */
  http?: string;
  /** When it started (virtual ms). */
  since: number;
  /** Exit status it will return when it ends by itself at `wakeAt`. */
  exitCode: number;
  stop: StopBehaviour;
  /** Per-program details (the agnhost subcommand, a server's port…). */
  detail?: Record<string, string | number>;
}

/** The state of one process (plain data). */
export interface ProcessState {
  frames: Frame[];
  vars: Record<string, string>;
  /** `$?` */
  status: number;
  /** Virtual time up to which the process has been run. */
  clock: number;
  /** When the current blocking step ends; null while blocked for ever (a server, `sleep infinity`). */
  wakeAt: number | null;
  /** The foreground program it is blocked in, if any. */
  running: RunningProgram | null;
  /** Whether the container's PID 1 is the shell (true) or an exec'd program (false). */
  shellIsPid1: boolean;
  /** Set once the process ended. */
  exited: { at: number; code: number; reason: "Completed" | "Error" | "OOMKilled" | "Killed" } | null;
  /** Files created or written after start (path → time); exec probes and `cat` read them. */
  files: Record<string, number>;
  /** Image files removed after start. */
  removed: Record<string, true>;
  listening: ListenPort[];
  /** Resident memory, bytes, from `rssSince` on (plus `rssSlope` bytes/s of growth). */
  rss: number;
  rssSince: number;
  rssSlope: number;
  /** CPU the process burns beyond the image's idle profile (stress hogs), millicores. */
  cpuMilli: number;
  /** `trap '…' TERM`: the exit code the handler exits with (null: runs the handler and continues). */
  traps: Record<string, number | null>;
  /** A pending stop signal (the process reacts when its foreground step allows). */
  signal: { name: string; at: number } | null;
  /** Instructions executed (bounds the work done per advance). */
  steps: number;
}
