/**
 * How containerd 1.7 and CRI-O 1.32 word image pull failures (the kubelet shows them as
 * `Failed to pull image "ngnix": rpc error: code = Unknown desc = <this>`).
 */
import type { ImageReference } from "../images/image-reference";
import { normalizedImageName, registryHost, repositoryName } from "../images/image-reference";
import { sha256Hex } from "../images/sha256";
import type { GrpcCode, RuntimeKind } from "./cri";

/** Why a pull failed. */
export type PullFailure = "denied" | "not-found" | "refused" | "timeout";

const REGISTRY_IPS: Record<string, string> = {
  "registry-1.docker.io": "54.236.113.205",
  "registry.k8s.io": "34.96.108.209",
  "quay.io": "3.209.173.5",
  "gcr.io": "142.250.102.82",
  "ghcr.io": "140.82.112.34",
};

/** The address a runtime dials for a registry (a fixed, plausible public address). */
export function registryAddress(host: string): string {
  const known = REGISTRY_IPS[host];
  if (known) return known;
  const h = Number.parseInt(sha256Hex(host).slice(0, 4), 16);
  return `203.0.113.${(h % 250) + 2}`;
}

/** The gRPC code and message of a failed pull. */
export function pullError(
  runtime: RuntimeKind,
  ref: ImageReference,
  failure: PullFailure,
): { code: GrpcCode; message: string } {
  const name = normalizedImageName(ref);
  const host = registryHost(ref);
  const dial = `dial tcp ${registryAddress(host)}:443: ${failure === "refused" ? "connect: connection refused" : "i/o timeout"}`;
  if (runtime === "containerd") {
    const prefix = `failed to pull and unpack image "${name}": failed to resolve reference "${name}": `;
    switch (failure) {
      case "denied":
        return {
          code: "Unknown",
          message: `${prefix}pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
        };
      case "not-found":
        return { code: "NotFound", message: `${prefix}${name}: not found` };
      default:
        return {
          code: "Unknown",
          message: `${prefix}failed to do request: Head "https://${host}/v2/${ref.path}/manifests/${ref.digest ?? ref.tag}": ${dial}`,
        };
    }
  }
  const source = `initializing source docker://${name}: `;
  switch (failure) {
    case "denied":
      return {
        code: "Unknown",
        message: `${source}reading manifest ${ref.tag} in ${repositoryName(ref)}: requested access to the resource is denied`,
      };
    case "not-found":
      return {
        code: "Unknown",
        message: `${source}reading manifest ${ref.tag} in ${repositoryName(ref)}: manifest unknown`,
      };
    default:
      return {
        code: "Unknown",
        message: `${source}pinging container registry ${host}: Get "https://${host}/v2/": ${dial}`,
      };
  }
}
