/**
 * A test harness for node components: a booted control plane, the RBAC that lets kubelets work,
 * the `default` ServiceAccount (no controller-manager runs in these tests: the harness creates it
 * as the ServiceAccount controller would), and nodes added with `addNode`. Helpers read what
 * `kubectl get` / `describe` would show.
 */
import type { KubeObject } from "../api/types";
import type { ControlPlaneSpec } from "../apiserver/control-plane";
import { ControlPlaneHarness } from "../apiserver/testing";
import {
  addNode,
  type NodeComponents,
  type NodeSpec,
  nodeAuthorizationObjects,
  nodeBehaviors,
} from "./node-host";

/** A control plane plus nodes, driven like kubectl. */
export class NodeHarness extends ControlPlaneHarness {
  readonly nodes: Record<string, NodeComponents> = {};

  constructor(options: { seed?: number; spec?: ControlPlaneSpec } = {}) {
    super({ seed: options.seed ?? 1, behaviors: nodeBehaviors, spec: options.spec ?? { etcdMembers: 1 } });
    this.boot();
    for (const obj of nodeAuthorizationObjects()) {
      const path =
        obj.kind === "ClusterRole"
          ? "/apis/rbac.authorization.k8s.io/v1/clusterroles"
          : "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings";
      this.expectOk(this.request("POST", path, { body: obj }));
    }
    this.ensureServiceAccount("default");
  }

  /** Create the `default` ServiceAccount of a namespace (the ServiceAccount controller's job). */
  ensureServiceAccount(namespace: string): void {
    this.request("POST", `/api/v1/namespaces/${namespace}/serviceaccounts`, {
      body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace } },
    });
  }

  private expectOk(r: { code: number; body?: unknown }): void {
    if (r.code >= 300) throw new Error(`request failed: ${r.code} ${JSON.stringify(r.body)}`);
  }

  /** Add a node (its kubelet registers itself when the simulation runs). */
  addNode(spec: Partial<NodeSpec> & { name: string }): NodeComponents {
    const index = Object.keys(this.nodes).length;
    const ids = addNode(this.sim, { ip: `10.0.0.${10 + index}`, index, ...spec }, this.cp.loadBalancer);
    this.nodes[spec.name] = ids;
    return ids;
  }

  /** Run the simulation for `ms` of virtual time. */
  run(ms: number): void {
    this.sim.advanceBy(ms);
  }

  /** Create a pod (namespace default unless given). */
  createPod(pod: KubeObject): KubeObject {
    const ns = pod.metadata.namespace ?? "default";
    const r = this.request("POST", `/api/v1/namespaces/${ns}/pods`, { body: pod });
    this.expectOk(r);
    return r.body as KubeObject;
  }

  /** The pod as `kubectl get pod -o json` shows it (null when gone). */
  pod(name: string, namespace = "default"): KubeObject | null {
    const r = this.request("GET", `/api/v1/namespaces/${namespace}/pods/${name}`);
    return r.code === 200 ? (r.body as KubeObject) : null;
  }

  /** A Node object. */
  node(name: string): KubeObject | null {
    const r = this.request("GET", `/api/v1/nodes/${name}`);
    return r.code === 200 ? (r.body as KubeObject) : null;
  }

  /** Events about an object, oldest first (what `kubectl describe` lists). */
  podEvents(name: string, namespace = "default", kind = "Pod"): KubeObject[] {
    const r = this.request("GET", `/api/v1/namespaces/${namespace}/events`, {
      query: { fieldSelector: `involvedObject.name=${name}` },
    });
    const items = ((r.body as { items?: KubeObject[] }).items ?? []).filter(
      (e) => e.involvedObject?.kind === kind,
    );
    return items.sort((a, b) =>
      a.firstTimestamp < b.firstTimestamp ? -1 : a.firstTimestamp > b.firstTimestamp ? 1 : 0,
    );
  }

  /** `reason: message` lines of an object's events. */
  eventLines(name: string, namespace = "default", kind = "Pod"): string[] {
    return this.podEvents(name, namespace, kind).map((e) => `${e.type} ${e.reason}: ${e.message}`);
  }

  /** Run until `check` holds (polling every `stepMs`), up to `maxMs`; returns the time it took. */
  waitFor(check: () => boolean, maxMs: number, stepMs = 100): number {
    const start = this.sim.now;
    while (this.sim.now - start <= maxMs) {
      if (check()) return this.sim.now - start;
      this.sim.advanceBy(stepMs);
    }
    throw new Error(`condition not met within ${maxMs} ms`);
  }
}

/** A minimal pod bound to a node. */
export function podOn(
  node: string,
  name: string,
  containers: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { nodeName: node, containers, ...extra },
  };
}

/** The waiting/running/terminated reason of a pod's container (what `kubectl get` shows in STATUS). */
export function containerState(pod: KubeObject | null, name?: string): string {
  const st = (pod?.status?.containerStatuses ?? []).find(
    (c: { name: string }) => name === undefined || c.name === name,
  );
  if (!st) return "<none>";
  if (st.state.running) return "Running";
  if (st.state.waiting) return st.state.waiting.reason;
  if (st.state.terminated) return st.state.terminated.reason;
  return "<none>";
}
