/**
 * Test helpers for whole clusters: create one from a preset or a raw spec, read it as kubectl
 * would (through the API, never from component state), and run virtual time until something a
 * user would see holds.
 */
import type { KubeObject } from "../api/types";
import { Cluster } from "./cluster";
import type { ApiResult, ClusterInput } from "./io";
import { parseClusterSpec } from "./spec";

/** A cluster from a raw spec (`{ preset: "kubeadm" }`), trace off unless asked. */
export function createCluster(raw: Record<string, unknown>, seed = 1): Cluster {
  const parsed = parseClusterSpec({ trace: false, ...raw });
  if (!parsed.ok) throw new Error(`bad spec: ${JSON.stringify(parsed.errors)}`);
  return Cluster.create(parsed.spec, seed);
}

/** One API call as the cluster admin. */
export function api(
  c: Cluster,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
  contentType?: string,
): ApiResult {
  const input: ClusterInput = { type: "api", method, path };
  if (body !== undefined) input.body = body;
  if (contentType) input.contentType = contentType;
  return c.submit(input).response as ApiResult;
}

/** `kubectl get <path>` items (throws unless 200). */
export function list(c: Cluster, path: string): KubeObject[] {
  const r = api(c, "GET", path);
  if (r.code !== 200) throw new Error(`GET ${path}: ${r.code} ${JSON.stringify(r.body ?? r.error)}`);
  return (r.body as { items: KubeObject[] }).items;
}

/** One object, or null on 404. */
export function get(c: Cluster, path: string): KubeObject | null {
  const r = api(c, "GET", path);
  if (r.code === 404) return null;
  if (r.code !== 200) throw new Error(`GET ${path}: ${r.code} ${JSON.stringify(r.body ?? r.error)}`);
  return r.body as KubeObject;
}

/** A node's Ready condition status (`True`, `False`, `Unknown`). */
export function readyStatus(node: KubeObject): string | undefined {
  const conds = (node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions;
  return conds?.find((x) => x.type === "Ready")?.status;
}

/** `kubectl get pods` facts: name, node, phase. */
export function podFacts(pods: KubeObject[]): { name: string; node: string; phase: string }[] {
  return pods.map((p) => ({
    name: p.metadata.name ?? "",
    node: (p.spec as { nodeName?: string } | undefined)?.nodeName ?? "",
    phase: (p.status as { phase?: string } | undefined)?.phase ?? "",
  }));
}

/**
 * Advance virtual time in `stepMs` steps until `check()` holds (checked through the API after
 * each step) or `withinMs` passed. Returns the virtual time it held at, or null.
 */
export function runUntil(c: Cluster, check: () => boolean, withinMs: number, stepMs = 1_000): number | null {
  const end = c.now() + withinMs;
  while (c.now() < end) {
    c.advanceTo(Math.min(end, c.now() + stepMs));
    if (check()) return c.now();
  }
  return null;
}

/** A Deployment as `kubectl create deployment NAME --image=IMAGE --replicas=N` writes it. */
export function deployment(name: string, image: string, replicas: number, namespace = "default"): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: image.split(/[:/]/)[0] ?? name, image }] },
      },
    },
  } as KubeObject;
}
