import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/seeded-random.ts';
import { DROP, PriorityQueue } from './priority-queue.ts';

interface Item {
  name: string;
  p: number;
}

function drain<T>(q: PriorityQueue<T>): T[] {
  const out: T[] = [];
  for (let item = q.pop(); item !== undefined; item = q.pop()) out.push(item);
  return out;
}

describe('PriorityQueue', () => {
  it('pops in ascending priority order', () => {
    const q = new PriorityQueue<number>((n) => n);
    for (const n of [5, 1, 4, 2, 3, 0]) q.push(n);
    expect(q.peek()).toBe(0);
    expect(drain(q)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(q.pop()).toBeUndefined();
  });

  it('keeps first-in first-out order among equal priorities', () => {
    const q = new PriorityQueue<Item>((i) => i.p);
    const items = ['a', 'b', 'c', 'd', 'e'].map((name, k) => ({ name, p: k % 2 }));
    items.forEach((i) => q.push(i));
    expect(drain(q).map((i) => i.name)).toEqual(['a', 'c', 'e', 'b', 'd']);
  });

  it('refuses a DROP priority and a duplicate push', () => {
    const q = new PriorityQueue<Item>((i) => i.p);
    const a = { name: 'a', p: 1 };
    expect(q.push({ name: 'x', p: DROP })).toBe(false);
    expect(q.push(a)).toBe(true);
    expect(q.push(a)).toBe(false);
    expect(q.size).toBe(1);
  });

  it('#remove takes out an inner item and keeps the heap valid', () => {
    const q = new PriorityQueue<number>((n) => n);
    for (let n = 0; n < 20; n++) q.push(n);
    expect(q.remove(7)).toBe(true);
    expect(q.remove(7)).toBe(false);
    expect(drain(q)).toEqual([...Array(20).keys()].filter((n) => n !== 7));
  });

  it('#update moves an item after its priority changed, and drops it on DROP', () => {
    const q = new PriorityQueue<Item>((i) => i.p);
    const items = [3, 1, 2].map((p) => ({ name: `p${p}`, p }));
    items.forEach((i) => q.push(i));
    items[0].p = 0;
    expect(q.update(items[0])).toBe(true);
    expect(q.peek()).toBe(items[0]);
    items[1].p = DROP;
    expect(q.update(items[1])).toBe(false);
    expect(drain(q).map((i) => i.name)).toEqual(['p3', 'p2']);
  });

  it('#reprioritize re-runs the priority function, returns the dropped entries and reorders the rest', () => {
    const q = new PriorityQueue<number>((n) => n);
    for (let n = 0; n < 10; n++) q.push(n);
    const dropped = q.reprioritize((n) => (n % 3 === 0 ? DROP : -n));
    expect(dropped.sort()).toEqual([0, 3, 6, 9]);
    expect(drain(q)).toEqual([8, 7, 5, 4, 2, 1]);
  });

  it('#findFirst returns the best item accepted by the predicate without removing it', () => {
    const q = new PriorityQueue<number>((n) => n);
    for (const n of [9, 4, 7, 1, 8, 2]) q.push(n);
    expect(q.findFirst((n) => n % 2 === 1 && n > 1)).toBe(7);
    expect(q.findFirst(() => false)).toBeUndefined();
    expect(q.size).toBe(6);
  });

  it('matches a sorted-array model under random push/pop/remove/update/findFirst', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = seededRandom(seed);
      const q = new PriorityQueue<Item>((i) => i.p);
      let model: { item: Item; seq: number }[] = [];
      let seq = 0;
      const sorted = () => [...model].sort((a, b) => a.item.p - b.item.p || a.seq - b.seq);
      for (let step = 0; step < 300; step++) {
        const r = random();
        if (r < 0.4 || model.length === 0) {
          const item = { name: `i${step}`, p: Math.floor(random() * 10) };
          q.push(item);
          model.push({ item, seq: seq++ });
        } else if (r < 0.55) {
          expect(q.pop()).toBe(sorted()[0].item);
          model = model.filter((m) => m !== sorted()[0]);
        } else if (r < 0.7) {
          const victim = model[Math.floor(random() * model.length)];
          q.remove(victim.item);
          model = model.filter((m) => m !== victim);
        } else if (r < 0.85) {
          const target = model[Math.floor(random() * model.length)];
          target.item.p = Math.floor(random() * 10);
          q.update(target.item);
        } else {
          const odd = (i: Item) => i.p % 2 === 1;
          expect(q.findFirst(odd)).toBe(sorted().find((m) => odd(m.item))?.item);
        }
        expect(q.size).toBe(model.length);
      }
      expect(drain(q)).toEqual(sorted().map((m) => m.item));
    }
  });
});
