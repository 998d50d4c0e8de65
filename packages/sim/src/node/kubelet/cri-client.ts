/**
 * The kubelet's CRI client: sends a CRI request to the node's runtime with a correlation id and
 * remembers what the answer is for. A runtime that is down refuses the connection; the kubelet
 * then sees gRPC's "connection refused" error on the containerd (or CRI-O) socket.
 */
import type { Context } from "../../core/component";
import type { CriRequest, CriResponse } from "../runtime/cri";
import type { CriCall, KubeletState } from "./state";

type Req = CriRequest extends infer R ? (R extends unknown ? Omit<R, "requestId"> : never) : never;

/** Send a CRI call; its answer comes back as a `CRI-RESPONSE` with the returned id. */
export function criCall(ctx: Context, s: KubeletState, req: Req, call: CriCall): number {
  const requestId = s.cri.next++;
  s.cri.pending[requestId] = call;
  const object = call.uid ? `Pod/${call.uid}${call.container ? `/${call.container}` : ""}` : undefined;
  ctx.send(s.cfg.runtime, { ...req, requestId, ...(object ? { object } : {}) } as CriRequest, {
    latencyMs: 0,
    refuse: true,
  });
  return requestId;
}

/** The answer a refused connection turns into. */
export function refusedResponse(s: KubeletState, requestId: number): CriResponse {
  const socket =
    s.cfg.runtimeKind === "containerd" ? "/run/containerd/containerd.sock" : "/var/run/crio/crio.sock";
  return {
    verb: "CRI-RESPONSE",
    requestId,
    error: {
      code: "Unavailable",
      message: `connection error: desc = "transport: Error while dialing: dial unix ${socket}: connect: connection refused"`,
    },
  };
}

/** `rpc error: code = Unknown desc = …`: how a gRPC error prints. */
export function rpcError(e: { code: string; message: string }): string {
  return `rpc error: code = ${e.code} desc = ${e.message}`;
}
