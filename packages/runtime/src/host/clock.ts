/**
 * A cluster's virtual clock as the host runs it: virtual time is a function of wall time,
 * `anchor.virtual + (wall − anchor.wall) × speed`, so a cluster nobody looks at needs no work to
 * keep time — whoever touches it next catches it up to "now" in one go, and the determinism of
 * the simulation makes that identical to having run it tick by tick.
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
}

/** Virtual time the clock reads at wall time `wall` (never before the anchor). */
export function clockTarget(clock: VirtualClock, wall: number): number {
  if (clock.speed === 0 || wall <= clock.wall) return clock.virtual;
  return clock.virtual + (wall - clock.wall) * clock.speed;
}

/** Wall time at which the clock reaches virtual time `virtual` (Infinity when paused). */
export function wallAt(clock: VirtualClock, virtual: number): number {
  if (virtual <= clock.virtual) return clock.wall;
  if (clock.speed === 0) return Number.POSITIVE_INFINITY;
  return clock.wall + (virtual - clock.virtual) / clock.speed;
}

/**
 * Re-anchor the clock where the simulation actually is. A request runs in virtual time until
 * its response, so the simulation can be ahead of the clock; the clock then continues from there
 * rather than freezing until wall time catches up.
 */
export function reanchor(clock: VirtualClock, simNow: number, wall: number): VirtualClock {
  const target = clockTarget(clock, wall);
  return { virtual: Math.max(target, simNow), wall, speed: clock.speed };
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
  /** Nobody watches and it has settled: it wakes at its next timer but no more often than this. */
  idleFloorMs: number;
  /** How long after the last input a cluster counts as settling. */
  settleMs: number;
}

/** Defaults: 50 ms live (timers within 100 ms at 1×), 1 s settling, 60 s idle, 30 s settle window. */
export const DEFAULT_WAKE_POLICY: WakePolicy = {
  liveFloorMs: 50,
  settlingFloorMs: 1_000,
  idleFloorMs: 60_000,
  settleMs: 30_000,
};

/** How closely a cluster is followed right now. */
export type Attention = "live" | "settling" | "idle";

/**
 * The wall time of the next wake-up: the clock's arrival at the simulation's next timer, but not
 * sooner than the attention's floor. Null when nothing is pending or time is paused.
 */
export function nextWakeWall(
  clock: VirtualClock,
  nextTimer: number | null,
  attention: Attention,
  policy: WakePolicy,
  wall: number,
): number | null {
  if (nextTimer === null || clock.speed === 0) return null;
  const due = wallAt(clock, nextTimer);
  const floor =
    attention === "live"
      ? policy.liveFloorMs
      : attention === "settling"
        ? policy.settlingFloorMs
        : policy.idleFloorMs;
  return Math.max(Math.ceil(due), wall + floor);
}
