/**
 * A test cluster for controllers: a booted control plane (`ControlPlaneHarness`), a
 * kube-controller-manager running the chosen controllers, and optionally the fake kubelet.
 * Tests drive it as kubectl would and read what a user would see (objects, conditions, events)
 * from the apiserver's watch cache.
 */

import type { KubeObject } from "../../api/types";
import type { ApiResponse, HttpMethod } from "../../apiserver/http";
import type { ApiServerState } from "../../apiserver/state";
import { storagePrefix } from "../../apiserver/storage-keys";
import { ControlPlaneHarness } from "../../apiserver/testing";
import { resourceInfo, resourcePath } from "../../controllers/framework/resources";
import type { ComponentBehavior } from "../../core/component";
import type { Simulation } from "../../core/simulation";
import type { ControllerManagerConfig } from "../config";
import {
  type ControllerManagerState,
  createControllerManager,
  KUBE_CONTROLLER_MANAGER_KIND,
  kubeControllerManagerBehavior,
} from "../controller-manager";
import {
  createFakeKubelet,
  FAKE_KUBELET_KIND,
  type FakeKubeletState,
  fakeKubeletBehavior,
} from "./fake-kubelet";

/** Options of a test cluster. */
export interface ControllerTestClusterOptions {
  seed?: number;
  /** `--controllers` (default: every built-in controller on by default). */
  controllers?: string[];
  /** Other kube-controller-manager flags (default here: no client QPS limit, leader election off). */
  config?: Partial<ControllerManagerConfig>;
  /** Number of kube-controller-manager replicas (default 1). */
  managers?: number;
  /** Add the fake kubelet (default true); `startDelayMs` from pod creation to Running/Ready. */
  kubelet?: boolean | { startDelayMs: number };
  behaviors?: readonly ComponentBehavior[];
}

/** A control plane plus kube-controller-manager, driven like kubectl. */
export class ControllerTestCluster {
  readonly h: ControlPlaneHarness;
  readonly managers: string[] = [];
  readonly kubelet: string | null;

  constructor(options: ControllerTestClusterOptions = {}) {
    this.h = new ControlPlaneHarness({
      seed: options.seed ?? 1,
      behaviors: [kubeControllerManagerBehavior, fakeKubeletBehavior, ...(options.behaviors ?? [])],
    }).boot();
    const n = options.managers ?? 1;
    for (let i = 0; i < n; i++) {
      const id = `kube-controller-manager-${i}`;
      const cfg: Partial<ControllerManagerConfig> = {
        hostname: `control-plane-${i}`,
        leaderElect: n > 1,
        ...options.config,
      };
      if (options.controllers) cfg.controllers = options.controllers;
      this.sim.addComponent(id, KUBE_CONTROLLER_MANAGER_KIND, createControllerManager(cfg));
      this.managers.push(id);
    }
    const k = options.kubelet ?? true;
    if (k) {
      this.kubelet = "fake-kubelet";
      this.sim.addComponent(
        this.kubelet,
        FAKE_KUBELET_KIND,
        createFakeKubelet(this.h.cp.loadBalancer, typeof k === "object" ? k.startDelayMs : 2000),
      );
    } else this.kubelet = null;
  }

  get sim(): Simulation {
    return this.h.sim;
  }

  /** The state of a kube-controller-manager replica (for assertions on queues, syncs). */
  manager(i = 0): ControllerManagerState {
    return this.sim.componentState<ControllerManagerState>(this.managers[i]!);
  }

  /** The fake kubelet's state (tests can pause it: `fakeKubelet().active = false`). */
  fakeKubelet(): FakeKubeletState {
    return this.sim.componentState<FakeKubeletState>(this.kubelet!);
  }

  /** A raw request through the load balancer. */
  request(
    method: HttpMethod,
    path: string,
    opts: { body?: unknown; query?: Record<string, string>; contentType?: string } = {},
  ): ApiResponse {
    return this.h.request(method, path, opts);
  }

  /** POST an object; throws unless the apiserver created it. */
  create(resource: string, obj: KubeObject): KubeObject {
    const r = this.request("POST", resourcePath(resource, obj.metadata.namespace ?? ""), { body: obj });
    if (r.code !== 201) throw new Error(`create ${resource} failed: ${r.code} ${JSON.stringify(r.body)}`);
    return r.body as KubeObject;
  }

  /** PATCH an object (merge patch by default); returns the response. */
  patch(
    resource: string,
    namespace: string,
    name: string,
    patch: unknown,
    type: "merge" | "strategic" | "json" = "merge",
    subresource?: string,
  ): ApiResponse {
    const contentType = {
      merge: "application/merge-patch+json",
      strategic: "application/strategic-merge-patch+json",
      json: "application/json-patch+json",
    }[type];
    return this.request("PATCH", resourcePath(resource, namespace, name, subresource), {
      body: patch,
      contentType,
    });
  }

  /** DELETE an object with DeleteOptions (e.g. `{ propagationPolicy: "Foreground" }`). */
  delete(resource: string, namespace: string, name: string, options: unknown = {}): ApiResponse {
    return this.request("DELETE", resourcePath(resource, namespace, name), { body: options });
  }

  /** The stored objects of a resource (from the first apiserver's watch cache), optionally of one namespace. */
  list(resource: string, namespace?: string): KubeObject[] {
    const s = this.sim.componentState<ApiServerState>(this.h.cp.apiServers[0]!);
    const cache = s.cache.resources[storagePrefix(resourceInfo(resource))];
    if (!cache) return [];
    const all = Object.values(cache.items);
    return namespace === undefined ? all : all.filter((o) => (o.metadata.namespace ?? "") === namespace);
  }

  /** One stored object, or undefined. */
  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.list(resource, namespace).find((o) => o.metadata.name === name);
  }

  /** Events in a namespace, optionally about one object (by name), oldest first. */
  events(namespace: string, involvedName?: string): KubeObject[] {
    return this.list("events", namespace)
      .filter((e) => involvedName === undefined || e.involvedObject?.name === involvedName)
      .sort((a, b) => String(a.firstTimestamp).localeCompare(String(b.firstTimestamp)));
  }

  /**
   * Run the simulation until `done()` holds or `timeoutMs` of virtual time pass, checking every
   * `stepMs` of virtual time (not after every event: conditions read whole caches).
   */
  waitFor(done: () => boolean, timeoutMs = 60_000, stepMs = 100): boolean {
    const deadline = this.sim.now + timeoutMs;
    while (!done()) {
      if (this.sim.now >= deadline) return false;
      this.sim.advanceTo(Math.min(deadline, this.sim.now + stepMs));
    }
    return true;
  }

  /** Advance virtual time. */
  advance(ms: number): void {
    this.sim.advanceBy(ms);
  }
}
