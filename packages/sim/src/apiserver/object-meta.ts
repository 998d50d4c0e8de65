/**
 * What the generic registry does to every object's metadata (apiserver
 * `pkg/registry/rest/create.go` BeforeCreate, `update.go` BeforeUpdate, `storage/names`):
 * uid, creationTimestamp, generation, generateName, and the name checks.
 */
import type { Context } from "../core/component";

/** The alphabet of generated name suffixes (apimachinery util/rand: no vowels, no confusable digits). */
const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** `utilrand.String(n)` from the simulation's generator. */
export function randomString(ctx: Context, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += ALPHANUMS[ctx.randomInt(ALPHANUMS.length)];
  return s;
}

/**
 * `names.SimpleNameGenerator.GenerateName`: the base cut to 58 characters (maxGeneratedNameLength
 * = 63 - 5) plus 5 random characters (apiserver pkg/storage/names/generate.go).
 */
export function generateName(ctx: Context, base: string): string {
  const b = base.length > 58 ? base.slice(0, 58) : base;
  return b + randomString(ctx, 5);
}

/** A random (version 4) UUID from the simulation's generator, as `uuid.NewUUID` formats it. */
export function newUid(ctx: Context): string {
  const hex = "0123456789abcdef";
  let out = "";
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) out += "-";
    else if (i === 14) out += "4";
    else if (i === 19) out += hex[8 + ctx.randomInt(4)];
    else out += hex[ctx.randomInt(16)];
  }
  return out;
}

/**
 * Resources whose registry strategy maintains `metadata.generation` (set to 1 on create, bumped
 * when the spec changes): each strategy's PrepareForCreate/PrepareForUpdate in
 * kubernetes pkg/registry. Custom resources always do (apiextensions-apiserver strategy.go).
 */
export const GENERATION_RESOURCES = new Set([
  "apps/deployments",
  "apps/replicasets",
  "apps/statefulsets",
  "apps/daemonsets",
  "apps/controllerrevisions",
  "batch/jobs",
  "batch/cronjobs",
  "autoscaling/horizontalpodautoscalers",
  "networking.k8s.io/ingresses",
  "networking.k8s.io/networkpolicies",
  "policy/poddisruptionbudgets",
  "apiextensions.k8s.io/customresourcedefinitions",
  "/replicationcontrollers",
  "admissionregistration.k8s.io/validatingwebhookconfigurations",
  "admissionregistration.k8s.io/mutatingwebhookconfigurations",
]);
