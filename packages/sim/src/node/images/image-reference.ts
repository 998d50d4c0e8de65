/**
 * Image references as the container runtimes normalise them (github.com/distribution/reference
 * `ParseNormalizedNamed` + `TagNameOnly`): `nginx` is `docker.io/library/nginx:latest`,
 * `bitnami/redis:7.2` is `docker.io/bitnami/redis:7.2`, `registry.k8s.io/pause:3.10` keeps its
 * registry. The kubelet shows the user's text in events; the runtime reports the normalised name
 * in `status.containerStatuses[].image` (containerd) and `repo@sha256:…` in `imageID`.
 */

/** A parsed, normalised image reference. */
export interface ImageReference {
  /** Registry host as written (`docker.io`, `registry.k8s.io`, `ghcr.io`, `localhost:5000`). */
  domain: string;
  /** Repository path inside the registry (`library/nginx`, `coredns/coredns`). */
  path: string;
  /** The tag (defaults to `latest` when neither tag nor digest is given). */
  tag: string;
  /** `sha256:<hex>` when the reference pins a digest. */
  digest?: string;
}

/** A reference that could not be parsed, with distribution/reference's error text. */
export interface ImageReferenceError {
  error: string;
}

// distribution/reference regexp.go
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const PATH_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const DOMAIN_RE =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;

/** The legacy Docker Hub names that normalise to `docker.io` (reference/normalize.go). */
const DOCKER_HUB_ALIASES = new Set(["index.docker.io", "registry-1.docker.io"]);

/**
 * Parse and normalise an image reference. Returns `{ error }` with the text the runtime and the
 * kubelet print (`invalid reference format`, `… must be lowercase`) for bad input.
 */
export function parseImageReference(image: string): ImageReference | ImageReferenceError {
  if (image === "" || /\s/.test(image)) return { error: "invalid reference format" };
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) return { error: "invalid reference format" };
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) return { error: "invalid reference format" };
  }
  // splitDockerDomain: the first component is a registry only if it looks like a host.
  let domain = "docker.io";
  let path = rest;
  const slash = rest.indexOf("/");
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first) {
      domain = first;
      path = rest.slice(slash + 1);
    }
  }
  if (DOCKER_HUB_ALIASES.has(domain)) domain = "docker.io";
  if (domain === "docker.io" && !path.includes("/")) path = `library/${path}`;
  if (!DOMAIN_RE.test(domain)) return { error: "invalid reference format" };
  if (!PATH_RE.test(path)) {
    if (path.toLowerCase() !== path && PATH_RE.test(path.toLowerCase()))
      return { error: `invalid reference format: repository name (${path}) must be lowercase` };
    return { error: "invalid reference format" };
  }
  if (`${domain}/${path}`.length > 255)
    return { error: "invalid reference format: repository name must not be more than 255 characters" };
  const ref: ImageReference = { domain, path, tag: tag ?? "latest" };
  if (digest) {
    ref.digest = digest;
    if (tag === undefined) ref.tag = "";
  }
  return ref;
}

/** True when `parseImageReference` failed. */
export function isReferenceError(r: ImageReference | ImageReferenceError): r is ImageReferenceError {
  return (r as ImageReferenceError).error !== undefined;
}

/** `docker.io/library/nginx` */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The fully qualified name the runtime reports: `docker.io/library/nginx:latest` (or `…@sha256:…`). */
export function normalizedImageName(ref: ImageReference): string {
  if (ref.digest && ref.tag === "") return `${repositoryName(ref)}@${ref.digest}`;
  return `${repositoryName(ref)}:${ref.tag}`;
}

/**
 * The host a runtime actually talks to for a registry: Docker Hub's API lives at
 * `registry-1.docker.io` (containerd's default host for docker.io); others are themselves.
 */
export function registryHost(ref: ImageReference): string {
  return ref.domain === "docker.io" ? "registry-1.docker.io" : ref.domain;
}

/**
 * Whether a reference names the `latest` tag or none: the API server defaults
 * `imagePullPolicy` to Always for these (core/v1 defaults.go SetDefaults_Container).
 */
export function isLatestOrUntagged(image: string): boolean {
  const r = parseImageReference(image);
  if (isReferenceError(r)) return false;
  return !r.digest && r.tag === "latest";
}
