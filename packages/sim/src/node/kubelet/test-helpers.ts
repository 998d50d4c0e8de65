/** Small helpers shared by the kubelet tests. */

/** The watch path of a collection (for tests that follow objects). */
export function apiWatchPath(path: string): string {
  return `${path}?watch=true`;
}
