/**
 * The plain-data state of a node's container runtime (containerd or CRI-O): its image store,
 * pod sandboxes, containers with their processes and logs, the CNI's IP allocations, and
 * pulls in flight.
 */

import { createIpam, type IpamState } from "../cni/ipam";
import type { CniFailure, CniPlugin } from "../cni/plugins";
import type { ImageReference } from "../images/image-reference";
import type { ImageConfig } from "../images/registry";
import type { LogLine, ProcessState } from "../process/types";
import type { ContainerConfig, ContainerState, PodSandboxConfig, RuntimeKind } from "./cri";

/** Runtime settings (per node). */
export interface RuntimeConfig {
  node: string;
  runtime: RuntimeKind;
  /** containerd `1.7.24`, CRI-O `1.32.1`. */
  version: string;
  /** The node's kubelet component id (where container events go). */
  kubelet: string;
  /** The image registry component id. */
  registry: string;
  cpus: number;
  nodeIP: string;
  cni: CniPlugin;
  /** Registry download speed and layer unpacking speed, bytes/s. */
  pullBytesPerSec: number;
  unpackBytesPerSec: number;
  /** The sandbox ("pause") image (containerd `sandbox_image`, CRI-O `pause_image`). */
  sandboxImage: string;
  /** Log lines kept per container (the kubelet rotates at 10 MiB; the simulation keeps the tail). */
  logLinesKept: number;
}

/** An image in the store. */
export interface StoredImage extends ImageConfig {
  pulledAt: number;
}

/** A pod sandbox (the pause container and its network namespace). */
export interface Sandbox extends PodSandboxConfig {
  id: string;
  state: "SANDBOX_READY" | "SANDBOX_NOTREADY";
  createdAt: number;
  ip: string;
  containers: string[];
}

/** A container and its process. */
export interface Container {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  /** Normalised image name, repo digest and image id. */
  imageName: string;
  imageRef: string;
  imageId: string;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  argv: string[];
  proc: ProcessState | null;
  logs: LogLine[];
  /** Id of the pending exit/recheck timer (-1: none). */
  exitTimer: number;
  /** Requests served: the current 10 s window and the rate of the last one (for metrics). */
  requests?: { windowStart: number; count: number; lastRate: number };
  /** A StopContainer waiting for the exit. */
  stopping: { requestId: number; from: string; killTimer: number } | null;
}

/** A pull in flight. */
export interface PendingPull {
  id: number;
  ref: ImageReference;
  /** Who asked: a kubelet's PullImage, or the runtime itself for a sandbox image. */
  requestId: number;
  from: string;
  startedAt: number;
  timeoutTimer: number;
  /** A RunPodSandbox waiting for the sandbox image. */
  sandbox?: { requestId: number; from: string; config: PodSandboxConfig };
}

/** The runtime's state. */
export interface RuntimeState {
  cfg: RuntimeConfig;
  epochMs: number;
  /** Last virtual time the runtime handled anything (a power-off happens after it). */
  lastNow: number;
  /** normalised name → image */
  images: Record<string, StoredImage>;
  sandboxes: Record<string, Sandbox>;
  containers: Record<string, Container>;
  /** pod IP → sandbox id */
  ipIndex: Record<string, string>;
  ipam: IpamState;
  /** A CNI fault on this node (the plugin's agent is down). */
  cniFailure: CniFailure;
  pulls: Record<number, PendingPull>;
  nextId: number;
  /** Set when the node lost power: running containers are gone after the restart. */
  poweredOff: boolean;
}

/** A fresh runtime state. */
export function createRuntime(cfg: RuntimeConfig, podCidr: string | null = null): RuntimeState {
  return {
    cfg,
    epochMs: 0,
    lastNow: 0,
    images: {},
    sandboxes: {},
    containers: {},
    ipIndex: {},
    ipam: createIpam(podCidr),
    cniFailure: null,
    pulls: {},
    nextId: 1,
    poweredOff: false,
  };
}
