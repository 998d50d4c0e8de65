/**
 * `framework.Resource` arithmetic and the pod request calculation of
 * `k8s.io/component-helpers/resource` (`PodRequests`, `AggregateContainerRequests`) as the
 * v1.32 scheduler uses it (pod-level resources and in-place resize are off by default there).
 */
import type { Container, Pod } from "kubernetes-types/core/v1";
import { quantityMilliValue, quantityValue } from "../internal/quantity";
import type { Resource } from "./types";

/** `schedutil.DefaultMilliCPURequest`: the CPU assumed for a container without a request (100m). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** `schedutil.DefaultMemoryRequest`: the memory assumed for a container without a request (200 MiB). */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** A zeroed resource. */
export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: null };
}

/** A copy of a resource. */
export function cloneResource(r: Resource): Resource {
  return {
    milliCPU: r.milliCPU,
    memory: r.memory,
    ephemeralStorage: r.ephemeralStorage,
    allowedPodNumber: r.allowedPodNumber,
    scalar: r.scalar === null ? null : { ...r.scalar },
  };
}

/**
 * `schedutil.IsScalarResourceName`: extended resources (a domain-prefixed name outside
 * kubernetes.io), hugepages, attachable volumes, and prefixed native resources.
 */
export function isScalarResourceName(name: string): boolean {
  return name.includes("/") || name.startsWith("hugepages-") || name.startsWith("attachable-volumes-");
}

type ResourceList = Record<string, string | number>;

/** A resource list as numbers: CPU in millicores, everything else via `Value()`. */
type NumericList = Map<string, number>;

function toNumeric(list: ResourceList | undefined): NumericList {
  const out: NumericList = new Map();
  if (!list) return out;
  for (const name of Object.keys(list)) {
    const q = list[name] as string | number;
    out.set(name, name === "cpu" ? quantityMilliValue(q) : quantityValue(q));
  }
  return out;
}

function addInto(target: NumericList, add: NumericList): void {
  for (const [k, v] of add) target.set(k, (target.get(k) ?? 0) + v);
}

function maxInto(target: NumericList, other: NumericList): void {
  for (const [k, v] of other) {
    const cur = target.get(k);
    if (cur === undefined || v > cur) target.set(k, v);
  }
}

function withNonMissing(reqs: NumericList, nonMissing: NumericList | null): NumericList {
  if (nonMissing === null) return reqs;
  let out = reqs;
  for (const [k, v] of nonMissing) {
    if (!reqs.has(k)) {
      if (out === reqs) out = new Map(reqs);
      out.set(k, v);
    }
  }
  return out;
}

/**
 * `resourcehelper.PodRequests`: regular containers are summed; each init container needs its own
 * request plus the restartable (sidecar) init containers started before it, and the pod needs the
 * max of that and the sum; sidecars also add to the sum; overhead is added last. With
 * `nonMissing`, containers lacking a CPU or memory request count the given defaults.
 */
export function podRequests(pod: Pod, nonMissing: NumericList | null): NumericList {
  const spec = pod.spec;
  const reqs: NumericList = new Map();
  for (const c of spec?.containers ?? []) {
    addInto(reqs, withNonMissing(toNumeric(c.resources?.requests), nonMissing));
  }
  const restartable: NumericList = new Map();
  const initReqs: NumericList = new Map();
  for (const c of (spec?.initContainers ?? []) as Container[]) {
    let containerReqs = withNonMissing(toNumeric(c.resources?.requests), nonMissing);
    if (c.restartPolicy === "Always") {
      addInto(reqs, containerReqs);
      addInto(restartable, containerReqs);
      containerReqs = new Map(restartable);
    } else {
      const tmp: NumericList = new Map();
      addInto(tmp, containerReqs);
      addInto(tmp, restartable);
      containerReqs = tmp;
    }
    maxInto(initReqs, containerReqs);
  }
  maxInto(reqs, initReqs);
  if (spec?.overhead) addInto(reqs, toNumeric(spec.overhead));
  return reqs;
}

/** The defaults put in for missing container requests when computing non-zero requests. */
export const NON_MISSING_DEFAULTS: NumericList = new Map([
  ["cpu", DEFAULT_MILLI_CPU_REQUEST],
  ["memory", DEFAULT_MEMORY_REQUEST],
]);

/** `Resource.Add(list)`: CPU, memory, pods, ephemeral storage and scalar resources. */
export function resourceFromNumeric(list: NumericList): Resource {
  const r = emptyResource();
  for (const [name, v] of list) {
    switch (name) {
      case "cpu":
        r.milliCPU += v;
        break;
      case "memory":
        r.memory += v;
        break;
      case "pods":
        r.allowedPodNumber += v;
        break;
      case "ephemeral-storage":
        r.ephemeralStorage += v;
        break;
      default:
        if (isScalarResourceName(name)) {
          if (r.scalar === null) r.scalar = {};
          r.scalar[name] = (r.scalar[name] ?? 0) + v;
        }
    }
  }
  return r;
}

/** `NewResource(node.Status.Allocatable)`. */
export function resourceFromList(list: ResourceList | undefined): Resource {
  return resourceFromNumeric(toNumeric(list));
}

/** Adds (sign 1) or subtracts (sign -1) `r` into `target`, scalar resources included. */
export function addResource(target: Resource, r: Resource, sign: 1 | -1): void {
  target.milliCPU += sign * r.milliCPU;
  target.memory += sign * r.memory;
  target.ephemeralStorage += sign * r.ephemeralStorage;
  if (r.scalar !== null) {
    if (target.scalar === null) target.scalar = {};
    for (const k of Object.keys(r.scalar)) {
      target.scalar[k] = (target.scalar[k] ?? 0) + sign * (r.scalar[k] as number);
    }
  }
}
