/** Merges many time-ordered producers of lines into one time-ordered log. */

/** A producer of lines in the time-ordered merge: a visit, a crawler, an attack. */
export interface Actor<Out> {
  next: number;
  /** Writes this actor's next line(s) at `next` and moves `next` on; false when it is done. */
  step(out: Out): boolean;
}

/** Min-heap of actors by their next time. */
export class Agenda<A extends { next: number }> {
  private items: A[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): A | undefined {
    return this.items[0];
  }

  push(a: A): void {
    const items = this.items;
    items.push(a);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent].next <= a.next) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = a;
  }

  pop(): A | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      let i = 0;
      const n = items.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && items[r].next < items[l].next ? r : l;
        if (items[c].next >= last.next) break;
        items[i] = items[c];
        i = c;
      }
      items[i] = last;
    }
    return top;
  }
}

