import "server-only";
import type { Database } from "@kubelab/db";

/** A sandbox account not used for this long is purged by the worker's maintenance job. */
export const GUEST_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

const ADJECTIVES = ["swift", "calm", "bright", "brave", "keen", "quiet", "lucky", "noble"];
const NOUNS = ["kubelet", "pod", "etcd", "scheduler", "proxy", "node", "lease", "controller"];

/** Creates a sandbox account with a friendly name ("swift-kubelet-4821"). */
export async function createGuestUser(db: Database) {
  const bytes = crypto.getRandomValues(new Uint16Array(3));
  const [a = 0, n = 0, num = 0] = bytes;
  const name = `${ADJECTIVES[a % ADJECTIVES.length]}-${NOUNS[n % NOUNS.length]}-${1000 + (num % 9000)}`;
  return db.user.create({
    data: { name, isGuest: true, guestExpiresAt: new Date(Date.now() + GUEST_LIFETIME_MS) },
  });
}
