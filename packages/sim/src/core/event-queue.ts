/**
 * The pending-event queue: a binary min-heap ordered by (time, sequence number). The ordering is
 * total, so two runs that schedule the same events pop them in the same order. The heap is a
 * plain array of plain objects, so it serialises as it is.
 */

/** A queued event that is a message travelling from one component to another. */
export const MESSAGE_EVENT = 0;
/** A queued event that is a timer a component set for itself. */
export const TIMER_EVENT = 1;

/** One pending event. Plain data only: never a closure. */
export interface QueuedEvent {
  /** Virtual time (ms) at which the event fires. */
  at: number;
  /** Global sequence number: ties on `at` fire in scheduling order. */
  seq: number;
  kind: typeof MESSAGE_EVENT | typeof TIMER_EVENT;
  /** Target component id. */
  to: string;
  /** Source component id (the target itself for timers). */
  from: string;
  /** Target's incarnation when the event was scheduled: a restarted component never sees events meant for its previous life. */
  inc: number;
  /** The message or timer payload. */
  body: { verb?: string; name?: string };
  /** Timer id (timers only), used for cancellation. */
  id?: number;
  /** When set, the sender is told with a CONNECTION-REFUSED message if the target is down. */
  refuse?: boolean;
}

/** True when event a fires before event b. */
function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Push an event onto the heap. O(log n). */
export function heapPush(heap: QueuedEvent[], ev: QueuedEvent): void {
  heap.push(ev);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = heap[parent]!;
    if (!before(ev, p)) break;
    heap[i] = p;
    i = parent;
  }
  heap[i] = ev;
}

/** Remove and return the earliest event, or undefined when empty. O(log n). */
export function heapPop(heap: QueuedEvent[]): QueuedEvent | undefined {
  const top = heap[0];
  if (top === undefined) return undefined;
  const last = heap.pop()!;
  if (heap.length === 0) return top;
  const n = heap.length;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    let c = l;
    if (r < n && before(heap[r]!, heap[l]!)) c = r;
    if (!before(heap[c]!, last)) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = last;
  return top;
}
