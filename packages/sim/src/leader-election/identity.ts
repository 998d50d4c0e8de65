/**
 * Leader election identities. kube-scheduler and kube-controller-manager use
 * `<hostname>_<uuid>` (`id, _ := os.Hostname(); id += "_" + string(uuid.NewUUID())` in
 * `cmd/kube-scheduler/app/options/options.go` and `cmd/kube-controller-manager/app/controllermanager.go`),
 * so every process start gets a new identity even on the same host.
 */
import type { Context } from "../core/component";

/** A random (version 4) UUID from the simulation's seeded generator, as `uuid.NewUUID()` returns. */
export function newUuid(ctx: Pick<Context, "randomInt">): string {
  const b: number[] = [];
  for (let i = 0; i < 16; i++) b.push(ctx.randomInt(256));
  b[6] = ((b[6] as number) & 0x0f) | 0x40; // version 4
  b[8] = ((b[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = b.map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `<hostname>_<uuid>`: the holder identity of a component process on `hostname`. */
export function newHolderIdentity(ctx: Pick<Context, "randomInt">, hostname: string): string {
  return `${hostname}_${newUuid(ctx)}`;
}
