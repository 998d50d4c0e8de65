/**
 * A binary heap over a plain array (the array is the state; the ordering function is passed in),
 * so that the scheduling queue's heaps serialise as plain data.
 */

/** Pushes `item` keeping the heap property for `less`. */
export function heapPush<T>(h: T[], item: T, less: (a: T, b: T) => boolean): void {
  h.push(item);
  siftUp(h, h.length - 1, less);
}

/** Removes and returns the smallest item, or undefined when empty. */
export function heapPop<T>(h: T[], less: (a: T, b: T) => boolean): T | undefined {
  if (h.length === 0) return undefined;
  const top = h[0] as T;
  const last = h.pop() as T;
  if (h.length > 0) {
    h[0] = last;
    siftDown(h, 0, less);
  }
  return top;
}

/** Removes the item at index `i`. */
export function heapRemoveAt<T>(h: T[], i: number, less: (a: T, b: T) => boolean): T {
  const item = h[i] as T;
  const last = h.pop() as T;
  if (i < h.length) {
    h[i] = last;
    siftDown(h, i, less);
    siftUp(h, i, less);
  }
  return item;
}

/** Restores the heap property after the item at `i` changed. */
export function heapFix<T>(h: T[], i: number, less: (a: T, b: T) => boolean): void {
  siftDown(h, i, less);
  siftUp(h, i, less);
}

function siftUp<T>(h: T[], i: number, less: (a: T, b: T) => boolean): void {
  const item = h[i] as T;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = h[parent] as T;
    if (!less(item, p)) break;
    h[i] = p;
    i = parent;
  }
  h[i] = item;
}

function siftDown<T>(h: T[], i: number, less: (a: T, b: T) => boolean): void {
  const n = h.length;
  const item = h[i] as T;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && less(h[r] as T, h[l] as T) ? r : l;
    if (!less(h[c] as T, item)) break;
    h[i] = h[c] as T;
    i = c;
  }
  h[i] = item;
}
