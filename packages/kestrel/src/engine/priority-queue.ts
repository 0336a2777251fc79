// A priority function returning DROP removes the entry (OpenLayers' TileQueue convention). Infinity sorts last
// anyway, so an entry that slipped through would still never overtake real work.
export const DROP = Number.POSITIVE_INFINITY;

interface Entry<T> {
  item: T;
  priority: number;
  // insertion order breaks ties, so equal priorities come out first-in first-out
  seq: number;
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
}

// Binary min-heap keyed by a priority function (lower = sooner). Items are unique; an index map makes
// remove/update O(log n) instead of a linear search.
export class PriorityQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private readonly index = new Map<T, number>();
  private nextSeq = 0;

  constructor(private priorityOf: (item: T) => number) {}

  get size(): number {
    return this.heap.length;
  }

  has(item: T): boolean {
    return this.index.has(item);
  }

  // Returns false (and keeps nothing) when the item's priority is DROP or it is already queued.
  push(item: T): boolean {
    if (this.index.has(item)) return false;
    const priority = this.priorityOf(item);
    if (priority === DROP) return false;
    this.heap.push({ item, priority, seq: this.nextSeq++ });
    this.index.set(item, this.heap.length - 1);
    this.siftUp(this.heap.length - 1);
    return true;
  }

  peek(): T | undefined {
    return this.heap[0]?.item;
  }

  pop(): T | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    this.removeAt(0);
    return top.item;
  }

  remove(item: T): boolean {
    const i = this.index.get(item);
    if (i === undefined) return false;
    this.removeAt(i);
    return true;
  }

  // Re-evaluates one item's priority after something about it changed. Returns false if it was not queued
  // or was dropped.
  update(item: T): boolean {
    const i = this.index.get(item);
    if (i === undefined) return false;
    const priority = this.priorityOf(item);
    if (priority === DROP) {
      this.removeAt(i);
      return false;
    }
    this.heap[i].priority = priority;
    this.siftDown(this.siftUp(i));
    return true;
  }

  // Re-runs the priority function (optionally a new one) on every entry, drops DROP entries and rebuilds the
  // heap in O(n). Returns the dropped items so the owner can settle them.
  reprioritize(priorityOf?: (item: T) => number): T[] {
    if (priorityOf) this.priorityOf = priorityOf;
    const dropped: T[] = [];
    let kept = 0;
    for (const entry of this.heap) {
      entry.priority = this.priorityOf(entry.item);
      if (entry.priority === DROP) {
        dropped.push(entry.item);
        this.index.delete(entry.item);
      } else {
        this.heap[kept++] = entry;
      }
    }
    this.heap.length = kept;
    for (let i = 0; i < kept; i++) this.index.set(this.heap[i].item, i);
    for (let i = (kept >> 1) - 1; i >= 0; i--) this.siftDown(i);
    return dropped;
  }

  // The best item satisfying `accept`, without removing it. Best-first walk of the heap tree with a frontier
  // heap: visits only entries better than the answer (plus their children), so a scheduler can skip work for
  // saturated hosts without popping and re-pushing everything ahead of it.
  findFirst(accept: (item: T) => boolean): T | undefined {
    if (this.heap.length === 0) return undefined;
    const frontier: number[] = [0];
    const less = (a: number, b: number) => before(this.heap[a], this.heap[b]);
    while (frontier.length > 0) {
      const i = frontier[0];
      const last = frontier.pop() as number;
      if (frontier.length > 0) {
        frontier[0] = last;
        siftDownIn(frontier, 0, less);
      }
      if (accept(this.heap[i].item)) return this.heap[i].item;
      for (const child of [2 * i + 1, 2 * i + 2]) {
        if (child < this.heap.length) {
          frontier.push(child);
          siftUpIn(frontier, frontier.length - 1, less);
        }
      }
    }
    return undefined;
  }

  // Unordered snapshot of the queued items.
  items(): T[] {
    return this.heap.map((e) => e.item);
  }

  clear(): T[] {
    const all = this.items();
    this.heap.length = 0;
    this.index.clear();
    return all;
  }

  private removeAt(i: number): void {
    const removed = this.heap[i];
    const last = this.heap.pop() as Entry<T>;
    this.index.delete(removed.item);
    if (i < this.heap.length) {
      this.heap[i] = last;
      this.index.set(last.item, i);
      this.siftDown(this.siftUp(i));
    }
  }

  private siftUp(i: number): number {
    const entry = this.heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, this.heap[parent])) break;
      this.place(this.heap[parent], i);
      i = parent;
    }
    this.place(entry, i);
    return i;
  }

  private siftDown(i: number): void {
    const entry = this.heap[i];
    const n = this.heap.length;
    for (;;) {
      let best = 2 * i + 1;
      if (best >= n) break;
      if (best + 1 < n && before(this.heap[best + 1], this.heap[best])) best++;
      if (!before(this.heap[best], entry)) break;
      this.place(this.heap[best], i);
      i = best;
    }
    this.place(entry, i);
  }

  private place(entry: Entry<T>, i: number): void {
    this.heap[i] = entry;
    this.index.set(entry.item, i);
  }
}

function siftUpIn(a: number[], i: number, less: (x: number, y: number) => boolean): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!less(a[i], a[parent])) return;
    [a[i], a[parent]] = [a[parent], a[i]];
    i = parent;
  }
}

function siftDownIn(a: number[], i: number, less: (x: number, y: number) => boolean): void {
  for (;;) {
    let best = 2 * i + 1;
    if (best >= a.length) return;
    if (best + 1 < a.length && less(a[best + 1], a[best])) best++;
    if (!less(a[best], a[i])) return;
    [a[i], a[best]] = [a[best], a[i]];
    i = best;
  }
}
