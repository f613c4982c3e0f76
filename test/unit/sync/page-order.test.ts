/**
 * The cursor of pages handled concurrently: it never names a position past a page still
 * in hand or never finished, whatever order the pages finish in, and catches up once the
 * pages behind it are done.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PageOrder } from '../../../src/sync/page-order.ts';

const at = (n: number) => ({ timestamp: `t${n}`, id: String(n) });

describe('PageOrder', () => {
  it('a page finishing before an earlier one writes no cursor; the earlier one writes the cursor after both', () => {
    const order = new PageOrder();
    const [a, b, c] = [order.add(at(0)), order.add(at(1)), order.add(at(2))];
    expect(order.cursorFor(b)).toBeUndefined();
    order.handled(b);
    expect(order.cursorFor(a)).toEqual(at(1));
    order.handled(a);
    expect(order.position()).toEqual(at(1));
    expect(order.behind()).toBeUndefined();
    expect(order.cursorFor(c)).toEqual(at(2));
  });

  it('a page never handled (failed, stopped at the guard) holds the cursor before it for good', () => {
    const order = new PageOrder();
    const pages = [0, 1, 2, 3].map((n) => order.add(at(n)));
    order.cursorFor(0);
    order.handled(0);
    // Page 1 fails; 2 and 3 are handled (their transactions saw page 1 in hand).
    for (const seq of [2, 3]) {
      expect(order.cursorFor(seq)).toBeUndefined();
      order.handled(seq);
    }
    expect(pages).toHaveLength(4);
    expect(order.position()).toEqual(at(0));
    expect(order.behind()).toBeUndefined();
  });

  it('two transactions that raced leave the cursor behind: behind() names the position to catch up to, once', () => {
    const order = new PageOrder();
    order.add(at(0));
    order.add(at(1));
    // Both ask before either committed (PostgreSQL, two connections).
    expect(order.cursorFor(0)).toEqual(at(0));
    expect(order.cursorFor(1)).toBeUndefined();
    order.handled(1);
    order.handled(0);
    expect(order.behind()).toEqual(at(1));
    expect(order.behind()).toBeUndefined();
  });

  it('in any finishing order, every cursor offered has all pages up to it handled, and the end position is the last page', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 12 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })),
          ),
        ([n, finish]) => {
          const order = new PageOrder();
          for (let i = 0; i < n; i++) order.add(at(i));
          const handled = new Set<number>();
          let written = -1;
          for (const seq of finish) {
            const cursor = order.cursorFor(seq);
            if (cursor !== undefined) {
              const upTo = Number(cursor.id);
              for (let i = 0; i <= upTo; i++) if (i !== seq) expect(handled.has(i)).toBe(true);
              expect(upTo).toBeGreaterThanOrEqual(written);
              written = upTo;
            }
            handled.add(seq);
            order.handled(seq);
          }
          const behind = order.behind();
          expect(Number((behind ?? at(written)).id)).toBe(n - 1);
          expect(order.position()).toEqual(at(n - 1));
        },
      ),
    );
  });
});
