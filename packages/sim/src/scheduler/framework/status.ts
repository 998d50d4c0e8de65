/**
 * `framework.Status` (`k8s.io/kube-scheduler/framework/interface.go`): the outcome of running a
 * plugin. Success is represented by `null` on hot paths (as Go returns a nil *Status), so a
 * successful Filter allocates nothing.
 */

/** Status codes, as in the Go `Code` enum. */
export type Code =
  | "Success"
  | "Error"
  | "Unschedulable"
  | "UnschedulableAndUnresolvable"
  | "Wait"
  | "Skip"
  | "Pending";

/** A non-success (or explicit) status: its code, its reasons and the plugin that returned it. */
export interface Status {
  code: Code;
  /** Reasons; `message()` joins them with ", ". */
  reasons: string[];
  /** The plugin that returned it ("" until the framework sets it). */
  plugin: string;
}

/** `NewStatus(code, reasons...)`. */
export function newStatus(code: Code, ...reasons: string[]): Status {
  return { code, reasons, plugin: "" };
}

/** `AsStatus(err)`: an Error status carrying the error message. */
export function asStatus(err: unknown): Status {
  return newStatus("Error", err instanceof Error ? err.message : String(err));
}

/** The code of a possibly-null status (null is Success). */
export function statusCode(s: Status | null | undefined): Code {
  return s ? s.code : "Success";
}

/** `IsSuccess`. */
export function isSuccess(s: Status | null | undefined): boolean {
  return !s || s.code === "Success";
}

/** `IsRejected`: Unschedulable, UnschedulableAndUnresolvable or Pending. */
export function isRejected(s: Status | null | undefined): boolean {
  return (
    !!s && (s.code === "Unschedulable" || s.code === "UnschedulableAndUnresolvable" || s.code === "Pending")
  );
}

/** `Status.Message()`: the reasons joined by ", ". */
export function statusMessage(s: Status | null | undefined): string {
  return s ? s.reasons.join(", ") : "";
}

/** Returns the status with `plugin` set (`WithPlugin`/`SetPlugin`). */
export function withPlugin(s: Status, plugin: string): Status {
  s.plugin = plugin;
  return s;
}
