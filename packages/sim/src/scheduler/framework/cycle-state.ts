/**
 * `framework.CycleState`: data plugins share within one scheduling cycle (PreFilter results read
 * by Filter, PreScore results read by Score). It lives only while a cycle runs and is never part
 * of the component state, so it may hold class instances.
 */

/** Data a plugin stores in the cycle state; `clone` is used when the state is copied. */
export interface StateData {
  clone(): StateData;
}

/** The per-cycle shared state. */
export class CycleState {
  private readonly data = new Map<string, StateData>();
  /** Filter plugins whose PreFilter returned Skip (`SkipFilterPlugins`). */
  skipFilterPlugins: Set<string> = new Set();
  /** Score plugins whose PreScore returned Skip (`SkipScorePlugins`). */
  skipScorePlugins: Set<string> = new Set();

  /**
   * @param randomInt the simulation's seeded generator for this cycle: an integer in [0, n).
   *   Plugins that draw random numbers (preemption's offset) use it; nothing else may.
   */
  constructor(
    readonly randomInt: (n: number) => number,
    /** The virtual time of the cycle (ms); plugins that need "now" (preemption) read it. */
    readonly now = 0,
  ) {}

  /** `Read(key)`: undefined when absent. */
  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  /** `Write(key, value)`. */
  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  /** `Delete(key)`. */
  delete(key: string): void {
    this.data.delete(key);
  }

  /** `Clone()`: every stored value is cloned, so a copy can be changed (preemption dry runs). */
  clone(): CycleState {
    const copy = new CycleState(this.randomInt, this.now);
    for (const [k, v] of this.data) copy.data.set(k, v.clone());
    copy.skipFilterPlugins = this.skipFilterPlugins;
    copy.skipScorePlugins = this.skipScorePlugins;
    return copy;
  }
}
