/**
 * The simulated image registry: one component (`image-registry`) standing for Docker Hub,
 * registry.k8s.io, quay.io, ghcr.io… It answers container runtimes' manifest requests
 * (`HEAD /v2/<name>/manifests/<tag>`) from the catalogue and from images pushed by the host.
 * Docker Hub answers 401 `insufficient_scope` for a repository that does not exist (so runtimes
 * say "pull access denied, repository does not exist or may require authorization") and 404
 * `MANIFEST_UNKNOWN` for an unknown tag; other registries answer 404 for both. An outage is the
 * component being stopped (connections refused) or a `REGISTRY-OUTAGE` message with `timeout`
 * (requests vanish; runtimes time out).
 */
import type { Message } from "../../core/component";
import { defineBehavior } from "../../core/component";
import {
  type BaseOs,
  CURATED_NAMESPACES,
  GENERIC_IMAGE_SIZE_BYTES,
  IMAGE_CATALOGUE,
  type ImageDefinition,
  OTHER_OFFICIAL_IMAGES,
  type ResourceProfile,
} from "./catalogue";
import type { ImageReference } from "./image-reference";
import { repositoryName } from "./image-reference";
import { sha256Hex } from "./sha256";

/** The component kind and the id clusters use for the one registry. */
export const IMAGE_REGISTRY_KIND = "image-registry";
export const IMAGE_REGISTRY_ID = "image-registry";

/** What a runtime stores about a pulled image (its config and manifest facts). */
export interface ImageConfig {
  repository: string;
  tag: string;
  /** Manifest digest, `sha256:<hex>`. */
  digest: string;
  /** Image id (config digest), `sha256:<hex>`. */
  id: string;
  sizeBytes: number;
  entrypoint: string[];
  cmd: string[];
  os: BaseOs;
  binaries: string[];
  stopSignal: string;
  profile: ResourceProfile;
}

/** An image the host pushed (a learner's own application image). */
export interface PushedImage {
  sizeBytes: number;
  entrypoint: string[];
  cmd: string[];
  os: BaseOs;
  binaries?: string[];
  stopSignal?: string;
  profile?: ResourceProfile;
}

/** The registry's state. */
export interface RegistryState {
  /** `timeout`: requests get no answer (a network outage); null: serving. */
  outage: "timeout" | null;
  /** Pushed images: repository → tag → image. */
  pushed: Record<string, Record<string, PushedImage>>;
}

/** A runtime asking for a manifest. */
export interface ManifestRequest extends Message {
  verb: "HEAD";
  requestId: number;
  /** The reference, normalised. */
  ref: ImageReference;
}

/** The registry's answer. */
export interface ManifestResponse extends Message {
  verb: "MANIFEST";
  requestId: number;
  status: 200 | 401 | 404;
  image?: ImageConfig;
}

/** Control message: start or end a `timeout` outage. */
export interface RegistryOutage extends Message {
  verb: "REGISTRY-OUTAGE";
  mode: "timeout" | null;
}

/** A new registry state. */
export function createRegistry(): RegistryState {
  return { outage: null, pushed: {} };
}

const ALIASES: Record<string, string> = { "k8s.gcr.io": "registry.k8s.io" };

const BY_REPOSITORY: Record<string, ImageDefinition> = {};
for (const def of IMAGE_CATALOGUE) BY_REPOSITORY[def.repository] = def;
const TAG_RES: Record<string, RegExp> = {};

function tagExists(def: ImageDefinition, tag: string): boolean {
  if (tag === "latest") return def.hasLatest;
  let re = TAG_RES[def.repository];
  if (!re) {
    re = new RegExp(def.tags);
    TAG_RES[def.repository] = re;
  }
  return re.test(tag);
}

const GENERIC_PROFILE: ResourceProfile = {
  idleCpuMilli: 1,
  idleMemoryMiB: 20,
  cpuMilliPerRps: 1,
  memoryMiBPerRps: 0.1,
};

function config(
  repository: string,
  ref: ImageReference,
  base: Omit<ImageConfig, "repository" | "tag" | "digest" | "id">,
): ImageConfig {
  const key = `${repository}:${ref.tag}`;
  return {
    repository,
    tag: ref.tag,
    digest: ref.digest ?? `sha256:${sha256Hex(`manifest ${key}`)}`,
    id: `sha256:${sha256Hex(`config ${key}`)}`,
    ...base,
  };
}

/**
 * Look an image up: 200 with its config, 401 (Docker Hub: no such repository) or 404 (unknown tag,
 * or no such repository elsewhere). Pure; `pushed` is the registry's pushed images.
 */
export function lookupImage(
  refIn: ImageReference,
  pushed: RegistryState["pushed"] = {},
): { status: 200; image: ImageConfig } | { status: 401 | 404 } {
  const ref = { ...refIn, domain: ALIASES[refIn.domain] ?? refIn.domain };
  const repository = repositoryName(ref);
  const own = pushed[repository];
  if (own) {
    const img = own[ref.tag] ?? (ref.digest ? Object.values(own)[0] : undefined);
    if (!img) return { status: 404 };
    return {
      status: 200,
      image: config(repository, ref, {
        sizeBytes: img.sizeBytes,
        entrypoint: img.entrypoint,
        cmd: img.cmd,
        os: img.os,
        binaries: img.binaries ?? ["*"],
        stopSignal: img.stopSignal ?? "SIGTERM",
        profile: img.profile ?? GENERIC_PROFILE,
      }),
    };
  }
  const def = BY_REPOSITORY[repository];
  if (def) {
    if (!ref.digest && !tagExists(def, ref.tag)) return { status: 404 };
    const alpine = /alpine/.test(ref.tag);
    const slim = /slim/.test(ref.tag);
    const size =
      alpine && def.alpineSizeBytes
        ? def.alpineSizeBytes
        : slim
          ? Math.round(def.sizeBytes * 0.35)
          : def.sizeBytes;
    // Sizes differ a little from tag to tag.
    const jitter = Number.parseInt(sha256Hex(`${repository}:${ref.tag}`).slice(0, 4), 16) % 1000;
    return {
      status: 200,
      image: config(repository, ref, {
        sizeBytes: size + jitter * 1000 + (jitter % 977),
        entrypoint: def.entrypoint,
        cmd: def.cmd,
        os: alpine && (def.os === "debian" || def.os === "ubuntu") ? "alpine" : def.os,
        binaries: def.binaries,
        stopSignal: def.stopSignal ?? "SIGTERM",
        profile: def.profile,
      }),
    };
  }
  const parent = repository.slice(0, repository.lastIndexOf("/"));
  const official =
    parent === "docker.io/library" && OTHER_OFFICIAL_IMAGES.includes(ref.path.slice("library/".length));
  if (!official && (CURATED_NAMESPACES.includes(parent) || ref.domain === "registry.k8s.io")) {
    return { status: ref.domain === "docker.io" ? 401 : 404 };
  }
  // Any other repository exists: a plain long-running application.
  return {
    status: 200,
    image: config(repository, ref, {
      sizeBytes:
        GENERIC_IMAGE_SIZE_BYTES + (Number.parseInt(sha256Hex(repository).slice(0, 5), 16) % 40_000_000),
      entrypoint: [],
      cmd: ["/app"],
      os: "debian",
      binaries: ["*"],
      stopSignal: "SIGTERM",
      profile: GENERIC_PROFILE,
    }),
  };
}

/** The `image-registry` behaviour. */
export const imageRegistryBehavior = defineBehavior<RegistryState>({
  kind: IMAGE_REGISTRY_KIND,
  onMessage(ctx, s, msg, from) {
    if (msg.verb === "REGISTRY-OUTAGE") {
      s.outage = (msg as RegistryOutage).mode;
      return;
    }
    if (msg.verb !== "HEAD") return;
    if (s.outage === "timeout") return;
    const req = msg as ManifestRequest;
    const r = lookupImage(req.ref, s.pushed);
    const res: ManifestResponse = {
      verb: "MANIFEST",
      requestId: req.requestId,
      status: r.status,
      detail: `${r.status}`,
      object: `Image/${repositoryName(req.ref)}:${req.ref.tag}`,
    };
    if (r.status === 200) res.image = r.image;
    // An internet round trip: the token request and the manifest HEAD.
    ctx.send(from, res, { latencyMs: 60 + ctx.randomInt(60) });
  },
  onTimer() {},
});

/** Push an image into a registry state (host-side set-up; a learner's own application). */
export function pushImage(s: RegistryState, repositoryAndTag: string, image: PushedImage): void {
  const colon = repositoryAndTag.lastIndexOf(":");
  const repo =
    colon > repositoryAndTag.lastIndexOf("/") ? repositoryAndTag.slice(0, colon) : repositoryAndTag;
  const tag = colon > repositoryAndTag.lastIndexOf("/") ? repositoryAndTag.slice(colon + 1) : "latest";
  s.pushed[repo] = { ...(s.pushed[repo] ?? {}), [tag]: image };
}
