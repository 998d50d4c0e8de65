/**
 * Kubernetes' ordering of API version strings (apimachinery `pkg/version/helpers.go`
 * CompareKubeAwareVersionStrings): GA before beta before alpha before anything else;
 * higher major first; within a major, higher beta/alpha number first; versions that are
 * not Kubernetes-like sort alphabetically at the end.
 */

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

interface Parsed {
  major: number;
  /** 2 = GA, 1 = beta, 0 = alpha. */
  stability: number;
  minor: number;
}

function parse(v: string): Parsed | null {
  const m = KUBE_VERSION.exec(v);
  if (!m) return null;
  const major = Number(m[1]);
  if (major === 0) return null;
  if (m[2] === undefined) return { major, stability: 2, minor: 0 };
  return { major, stability: m[2] === "beta" ? 1 : 0, minor: Number(m[3]) };
}

/** Negative when `a` has the higher priority (sorts first), positive when `b` does. */
export function compareKubeAwareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (pa && pb) {
    if (pa.stability !== pb.stability) return pb.stability - pa.stability;
    if (pa.major !== pb.major) return pb.major - pa.major;
    return pb.minor - pa.minor;
  }
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
