/**
 * The Container Runtime Interface (k8s.io/cri-api runtime/v1) as messages between a kubelet and
 * its node's container runtime (containerd or CRI-O). Each request carries a correlation id; the
 * answer is a `CRI-RESPONSE` with the same id, carrying a gRPC status on failure (`code`,
 * `message`: the kubelet prints them as `rpc error: code = Unknown desc = …`). Container exits are
 * pushed to the kubelet as `ContainerEvent`s (CRI `GetContainerEvents`, the evented PLEG).
 */
import type { Message } from "../../core/component";

/** gRPC status codes the runtimes use. */
export type GrpcCode =
  | "Unknown"
  | "NotFound"
  | "DeadlineExceeded"
  | "Unavailable"
  | "InvalidArgument"
  | "FailedPrecondition";

/** `runtime.v1.PodSandboxConfig` (the parts the simulation uses). */
export interface PodSandboxConfig {
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
  hostname: string;
  hostNetwork: boolean;
}

/** `runtime.v1.ContainerConfig` (the parts the simulation uses). */
export interface ContainerConfig {
  name: string;
  attempt: number;
  /** The image as the pod spec writes it. */
  image: string;
  /** Pod `command` / `args` (empty: the image's ENTRYPOINT / CMD). */
  command: string[];
  args: string[];
  /** Environment with literal values (valueFrom resolved by the kubelet). */
  env: Record<string, string>;
  stdin: boolean;
  /** cgroup memory limit, bytes (0: none). */
  memoryLimitBytes: number;
  /** CPU limit in millicores (0: none). */
  cpuLimitMilli: number;
  /** Labels the kubelet sets: pod name/namespace/uid, container name. */
  podName: string;
  podNamespace: string;
  podUid: string;
}

/** CRI container states. */
export type ContainerState =
  | "CONTAINER_CREATED"
  | "CONTAINER_RUNNING"
  | "CONTAINER_EXITED"
  | "CONTAINER_UNKNOWN";

/** `runtime.v1.ContainerStatus` as the kubelet reads it (times: virtual ms, 0 = unset). */
export interface CriContainerStatus {
  id: string;
  podSandboxId: string;
  name: string;
  attempt: number;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  /** Normalised image name (`docker.io/library/nginx:latest`). */
  image: string;
  /** `docker.io/library/nginx@sha256:…` */
  imageRef: string;
  /** `Completed`, `Error`, `OOMKilled`, `StartError`, `Unknown`, or "". */
  reason: string;
  message: string;
  podName: string;
  podNamespace: string;
  podUid: string;
}

/** `runtime.v1.PodSandboxStatus` (the parts used). */
export interface CriSandboxStatus {
  id: string;
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
  state: "SANDBOX_READY" | "SANDBOX_NOTREADY";
  createdAt: number;
  ip: string;
  hostNetwork: boolean;
}

/** `runtime.v1.Image` */
export interface CriImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
}

/** Requests a kubelet sends. */
export type CriRequest = Message & { requestId: number } & (
    | { verb: "RunPodSandbox"; config: PodSandboxConfig }
    | { verb: "StopPodSandbox"; podSandboxId: string }
    | { verb: "RemovePodSandbox"; podSandboxId: string }
    | { verb: "PullImage"; image: string }
    | { verb: "ImageStatus"; image: string }
    | { verb: "ListImages" }
    | { verb: "CreateContainer"; podSandboxId: string; config: ContainerConfig }
    | { verb: "StartContainer"; containerId: string }
    | { verb: "StopContainer"; containerId: string; timeout: number }
    | { verb: "RemoveContainer"; containerId: string }
    | { verb: "ExecSync"; containerId: string; cmd: string[]; timeout: number }
    | { verb: "ListPodSandbox" }
    | { verb: "ListContainers" }
    | { verb: "ContainerStatus"; containerId: string }
    | { verb: "UpdateRuntimeConfig"; podCidr: string }
    | {
        verb: "ReadLogs";
        containerId: string;
        tailLines?: number;
        sinceMs?: number;
        timestamps?: boolean;
        limitBytes?: number;
      }
  );

/** What answers carry (fields by request). */
export interface CriResponse extends Message {
  verb: "CRI-RESPONSE";
  requestId: number;
  /** Set on failure. */
  error?: { code: GrpcCode; message: string };
  podSandboxId?: string;
  ip?: string;
  containerId?: string;
  /** PullImage: the image id; ImageStatus: the image or null. */
  imageRef?: string;
  image?: CriImage | null;
  images?: CriImage[];
  /** PullImage: bytes pulled (the image's size). */
  sizeBytes?: number;
  status?: CriContainerStatus;
  containers?: CriContainerStatus[];
  sandboxes?: CriSandboxStatus[];
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** ReadLogs: the log text (lines joined with \n). */
  logs?: string;
}

/** A container state change pushed to the kubelet (`runtime.v1.ContainerEventResponse`). */
export interface ContainerEvent extends Message {
  verb: "ContainerEvent";
  type:
    | "CONTAINER_CREATED_EVENT"
    | "CONTAINER_STARTED_EVENT"
    | "CONTAINER_STOPPED_EVENT"
    | "CONTAINER_DELETED_EVENT";
  status: CriContainerStatus;
}

/** An HTTP request to a pod IP (a kubelet probe, or traffic from elsewhere). */
export interface HttpGet extends Message {
  verb: "HTTP-GET";
  requestId: number;
  ip: string;
  port: number;
  path: string;
  /** Who connects (for the access log). */
  clientIP: string;
  userAgent: string;
  /** Echoed in the answer (the caller's correlation). */
  tag?: string;
}

/** A TCP connection attempt to a pod IP (a tcpSocket probe). */
export interface TcpConnect extends Message {
  verb: "TCP-CONNECT";
  requestId: number;
  ip: string;
  port: number;
  /** Echoed in the answer. */
  tag?: string;
}

/** The answer to `HTTP-GET` / `TCP-CONNECT`: a status, or the dial error a Go client prints. */
export interface NetResponse extends Message {
  verb: "NET-RESPONSE";
  requestId: number;
  tag?: string;
  status?: number;
  bytes?: number;
  body?: string;
  error?: string;
}

/** Container runtime kinds. */
export type RuntimeKind = "containerd" | "cri-o";
