/** The simulation core: clock, generator, event queue, component runtime, trace, snapshots. */
export { deepClone, deepEqual } from "./clone";
export type {
  ComponentBehavior,
  ConnectionClosed,
  ConnectionRefused,
  Context,
  Message,
  SendOptions,
  Timer,
} from "./component";
export { defineBehavior } from "./component";
export type { QueuedEvent } from "./event-queue";
export { parseGraph, stringifyGraph } from "./graph-json";
export type { PrngState } from "./prng";
export { createPrng, nextFloat, nextInt, nextUint32 } from "./prng";
export type {
  ComponentRecord,
  NetworkConfig,
  Output,
  SimulationOptions,
  SimulationState,
} from "./simulation";
export { MAILBOX_KIND, Simulation } from "./simulation";
export { formatTimestamp, parseEpoch } from "./time";
export type { TraceConfig, TraceEvent } from "./trace";
export { defaultTraceConfig } from "./trace";
