/**
 * A scheduler without the simulation around it, for tests and benchmarks: a cache, the profiles,
 * a queue and the algorithm state wired together the way the scheduler component will wire them,
 * with "binding" answered at once (the bound pod is confirmed in the cache as the informer would).
 */
import type { Node, Pod } from "kubernetes-types/core/v1";
import { newSchedulerCacheState, SchedulerCache } from "../cache/cache";
import type { QueuedPodInfo, SchedulerListers } from "../framework/interface";
import { newPodInfo } from "../framework/pod-info";
import type { Profile } from "../framework/profile";
import { handleAssumed, handleBindingSuccess, handleSchedulingFailure } from "../handle-failure";
import { buildFrameworks, frameworkForPod, type Profiles, queueHooksFor } from "../profiles";
import { newSchedulingQueueState, SchedulingQueue } from "../queue/scheduling-queue";
import {
  newSchedulerAlgorithmState,
  type ScheduleOneResult,
  type SchedulerAlgorithmState,
  scheduleOne,
} from "../schedule-one";
import { testRandomInt } from "./wrappers";

/** Options of the test scheduler. */
export interface HarnessOptions {
  nodes?: Node[];
  /** Pods already bound to nodes. */
  pods?: Pod[];
  listers?: SchedulerListers;
  profiles?: Profile[];
  seed?: number;
  percentageOfNodesToScore?: number;
}

/** The test scheduler. */
export class Harness {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly profiles: Profiles;
  readonly algorithm: SchedulerAlgorithmState;
  readonly randomInt: (n: number) => number;
  /** Pods as the "apiserver" has them (bound ones get `spec.nodeName`). */
  readonly pods = new Map<string, Pod>();
  now = 0;

  constructor(o: HarnessOptions = {}) {
    this.cache = new SchedulerCache(newSchedulerCacheState());
    const queueState = newSchedulingQueueState();
    let queue: SchedulingQueue | null = null;
    this.profiles = buildFrameworks(
      {
        snapshot: () => this.cache.snapshot(),
        listers: o.listers ?? {},
        nominator: () => queue?.nominator() ?? null,
      },
      o.profiles,
    );
    queue = new SchedulingQueue(queueState, queueHooksFor(this.profiles));
    this.queue = queue;
    this.algorithm = newSchedulerAlgorithmState(o.percentageOfNodesToScore ?? 0);
    this.randomInt = testRandomInt(o.seed ?? 1);
    for (const n of o.nodes ?? []) this.cache.addNode(n);
    for (const p of o.pods ?? []) {
      this.cache.addPod(p);
      this.pods.set(p.metadata?.name ?? "", p);
    }
  }

  /** Runs one cycle for `pod` directly (not through the queue). A success is bound at once. */
  schedule(pod: Pod): ScheduleOneResult {
    const fwk = frameworkForPod(this.profiles, pod);
    if (fwk === undefined) throw new Error(`no profile for ${pod.spec?.schedulerName}`);
    const r = scheduleOne(this.queueless(pod), {
      framework: fwk,
      cache: this.cache,
      algorithm: this.algorithm,
      randomInt: this.randomInt,
      now: this.now,
    });
    if (r.outcome === "Scheduled") this.bind(r.assumedPod);
    return r;
  }

  private queueless(pod: Pod): QueuedPodInfo {
    return {
      podInfo: newPodInfo(pod),
      timestamp: this.now,
      attempts: 1,
      initialAttemptTimestamp: this.now,
      unschedulablePlugins: [],
      pendingPlugins: [],
      gated: false,
      gatingPlugin: "",
    };
  }

  /** Confirms a binding: the informer now sees the pod bound. */
  bind(assumed: Pod): void {
    this.cache.finishBinding(assumed, this.now);
    const bound: Pod = { ...assumed, status: { ...assumed.status, phase: "Running" } };
    this.cache.addPod(bound);
    this.pods.set(bound.metadata?.name ?? "", bound);
  }

  /** Deletes a bound pod (a preemption victim going away). */
  deletePod(pod: Pod): void {
    this.cache.removePod(pod);
    this.pods.delete(pod.metadata?.name ?? "");
  }

  /** Adds a pending pod to the queue (the informer saw it). */
  enqueue(pod: Pod): void {
    this.pods.set(pod.metadata?.name ?? "", pod);
    this.queue.add(pod, this.now);
  }

  /** Pops and schedules pods until the active queue is empty; returns every result. */
  drain(): ScheduleOneResult[] {
    const out: ScheduleOneResult[] = [];
    for (;;) {
      const q = this.queue.pop(this.now);
      if (q === null) return out;
      const fwk = frameworkForPod(this.profiles, q.podInfo.pod);
      if (fwk === undefined) {
        this.queue.done(q.podInfo.key);
        continue;
      }
      const r = scheduleOne(q, {
        framework: fwk,
        cache: this.cache,
        algorithm: this.algorithm,
        randomInt: this.randomInt,
        now: this.now,
      });
      out.push(r);
      if (r.outcome === "Scheduled") {
        handleAssumed(this.queue, r);
        handleBindingSuccess(this.cache, this.queue, r, this.now);
        const bound: Pod = { ...r.assumedPod, status: { ...r.assumedPod.status, phase: "Running" } };
        this.cache.addPod(bound);
        this.pods.set(bound.metadata?.name ?? "", bound);
      } else if (r.outcome === "Unschedulable") {
        const latest = this.pods.get(q.podInfo.name);
        const actions = handleSchedulingFailure(this.queue, q, r, this.now, latest);
        if (latest !== undefined && actions.nominatingInfo?.mode === "Override") {
          const updated: Pod = {
            ...latest,
            status: { ...latest.status, nominatedNodeName: actions.nominatingInfo.nominatedNodeName },
          };
          this.pods.set(q.podInfo.name, updated);
        }
      } else {
        this.queue.done(q.podInfo.key);
      }
    }
  }
}
