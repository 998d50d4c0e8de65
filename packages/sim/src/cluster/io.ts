/**
 * What goes into a hosted cluster and what comes out of it. Inputs are plain JSON: the command
 * log stores them as they are and replays them at their recorded virtual times.
 */
import type { HttpMethod, UserInfo, WatchEvent } from "../apiserver/http";
import type { TraceEvent } from "../core/trace";
import type { ClusterSummary } from "./summary";

/** A Kubernetes API request, as an HTTP client (kubectl, client-node) sends it. */
export interface ApiInput {
  type: "api";
  method: HttpMethod;
  /** `/api/v1/namespaces/default/pods`, `/apis/apps/v1/…` */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  contentType?: string;
  /** Who is asking, as authentication established it (default: kubeadm's cluster admin). */
  user?: UserInfo;
}

/** Closing a watch a client opened with an `ApiInput` (`GET …?watch=true`). */
export interface WatchCancelInput {
  type: "watch-cancel";
  watchId: number;
}

/** Breaking or repairing part of the cluster. */
export type FaultInput =
  | {
      type: "fault";
      /** Stop (crash) or start a component (`etcd-0`, `kube-apiserver-1`, …). */
      action: "stop" | "start";
      component: string;
      /** Powered off rather than crashed: peers are not told (they notice by their timeouts). */
      silent?: boolean;
    }
  | { type: "fault"; action: "cut" | "heal"; between: [string, string] }
  /**
   * A named fault (`faults/catalogue.ts`: `node-down`, `etcd-stop`, …) on a target named as
   * kubectl shows it (a node; the node a control-plane component runs on; a pod `namespace/name`).
   */
  | { type: "fault"; action: "inject"; fault: string; target?: string }
  /** Repair what is in effect on a target (only `fault` when given). */
  | { type: "fault"; action: "repair"; target: string; fault?: string }
  /** The faults in effect (`kubelab fault NAME list`). */
  | { type: "fault"; action: "list" };

/**
 * Moving virtual time by hand. Pause, resume and speed belong to the host's clock (they do not
 * change the simulation); `advance` and `step` do.
 */
export type TimeInput =
  | { type: "time"; action: "advance"; ms: number }
  /** Run to the next pending event (one timer or message), however far away it is. */
  | { type: "time"; action: "step" };

/** Anything a hosted cluster accepts. */
export type ClusterInput = ApiInput | WatchCancelInput | FaultInput | TimeInput;

/** The answer to an `ApiInput`: the HTTP response as the apiserver gave it. */
export interface ApiResult {
  /** HTTP status; 0 when no server answered (`error` says what the client would print). */
  code: number;
  body?: unknown;
  error?: string;
  warnings?: string[];
  /** For a watch: the id its events carry in `api-watch` outputs. */
  watchId?: number;
}

/** A change to an object the dashboard watches (a `metav1.WatchEvent` with its resource). */
export interface ObservedChange {
  type: WatchEvent["type"];
  /** `pods`, `apps/deployments` */
  resource: string;
  object: unknown;
}

/** What a cluster produced while it ran. */
export type ClusterOutput =
  /** Messages between components, in delivery order. */
  | { type: "trace"; events: TraceEvent[]; dropped: number }
  /** API watch events for the dashboard, with the objects' resourceVersions. */
  | { type: "watch"; at: number; changes: ObservedChange[] }
  /** Events on a watch a client opened (`ApiInput` with `watch=true`). */
  | { type: "api-watch"; at: number; watchId: number; events: WatchEvent[] }
  /** The end of a client's watch (timeout, apiserver gone). */
  | { type: "api-watch-closed"; at: number; watchId: number; reason?: string }
  /** A new status summary (emitted when it changes). */
  | { type: "status"; at: number; summary: ClusterSummary };
