/**
 * A cluster's virtual clock as the host runs it: virtual time is a function of wall time,
 * `anchor.virtual + (min(wall, until) − anchor.wall) × speed`, so keeping time needs no work —
 * whoever touches the cluster next catches it up in one go, and the determinism of the
 * simulation makes that identical to having run it tick by tick.
 *
 * Time runs while someone watches the cluster (`until` null) or for a settling window after its
 * last input (`until` = then + window); after that it stands still until the next input or
 * viewer, so a cluster nobody follows costs nothing however long it is left alone.
 */

/** Fastest allowed speed (virtual ms per wall ms). */
export const MAX_SPEED = 1000;

/** The clock's state. `speed` 0 is paused. */
export interface VirtualClock {
  /** Virtual ms at `wall`. */
  virtual: number;
  /** Unix ms the anchor was taken at. */
  wall: number;
  speed: number;
  /** Wall ms after which the clock stands still (null: it runs on). */
  until: number | null;
}

/** Virtual time the clock reads at wall time `wall` (never before the anchor). */
export function clockTarget(clock: VirtualClock, wall: number): number {
  const w = clock.until === null ? wall : Math.min(wall, clock.until);
  if (clock.speed === 0 || w <= clock.wall) return clock.virtual;
  return clock.virtual + (w - clock.wall) * clock.speed;
}

/** Wall time at which the clock reaches virtual time `virtual` (Infinity when paused). */
export function wallAt(clock: VirtualClock, virtual: number): number {
  if (virtual <= clock.virtual) return clock.wall;
  if (clock.speed === 0) return Number.POSITIVE_INFINITY;
  const at = clock.wall + (virtual - clock.virtual) / clock.speed;
  return clock.until !== null && at > clock.until ? Number.POSITIVE_INFINITY : at;
}

/**
 * Re-anchor the clock where the simulation actually is. A request runs in virtual time until
 * its response, so the simulation can be ahead of the clock; the clock then continues from there
 * rather than freezing until wall time catches up.
 */
export function reanchor(clock: VirtualClock, simNow: number, wall: number): VirtualClock {
  const target = clockTarget(clock, wall);
  return { virtual: Math.max(target, simNow), wall, speed: clock.speed, until: clock.until };
}

/** Let the clock run until `until` (wall ms), or on and on (null), from where it reads now. */
export function runUntil(
  clock: VirtualClock,
  simNow: number,
  wall: number,
  until: number | null,
): VirtualClock {
  return { ...reanchor(clock, simNow, wall), until };
}

/** A new speed from now on (0 pauses). */
export function withSpeed(clock: VirtualClock, speed: number, simNow: number, wall: number): VirtualClock {
  if (!(speed >= 0 && speed <= MAX_SPEED)) throw new RangeError(`speed must be between 0 and ${MAX_SPEED}`);
  return { ...reanchor(clock, simNow, wall), speed };
}

/** How often a cluster wakes by itself, by how closely it is followed. */
export interface WakePolicy {
  /** Someone watches it live (a browser, a `kubectl get -w`): its timers fire on time, at most this often. */
  liveFloorMs: number;
  /** Nobody watches but an input arrived recently: wake-ups are coalesced to this interval. */
  settlingFloorMs: number;
  /**
   * How long time keeps running after the last input when nobody watches (controllers, the
   * scheduler and kubelets act on it: a Deployment's pods get created, scheduled and started).
   */
  settleMs: number;
}

/** Defaults: 50 ms live (timers within 100 ms at 1×), 1 s settling wake-ups, 60 s settle window. */
export const DEFAULT_WAKE_POLICY: WakePolicy = {
  liveFloorMs: 50,
  settlingFloorMs: 1_000,
  settleMs: 60_000,
};

/** How closely a cluster is followed right now. */
export type Attention = "live" | "settling";

/**
 * The wall time of the next wake-up: the clock's arrival at the simulation's next timer, but not
 * sooner than the attention's floor, and one last time when the clock stops (so the cluster is
 * run up to the moment it rests at). Null when nothing is pending, time is paused or has stopped.
 */
export function nextWakeWall(
  clock: VirtualClock,
  nextTimer: number | null,
  attention: Attention,
  policy: WakePolicy,
  wall: number,
): number | null {
  if (nextTimer === null || clock.speed === 0) return null;
  if (clock.until !== null && wall >= clock.until) return null;
  let due = wallAt(clock, nextTimer);
  if (clock.until !== null) due = Math.min(due, clock.until);
  const floor = attention === "live" ? policy.liveFloorMs : policy.settlingFloorMs;
  const at = Math.max(Math.ceil(due), wall + floor);
  return clock.until !== null ? Math.min(at, Math.ceil(clock.until)) : at;
}
