import { describe, expect, it } from 'vitest';
import { generateWorld, seededRandom } from '../../../../src/connector/sandbox/seed/world.ts';

const opts = { companies: 40, products: 10, deals: 15 };

describe('generateWorld', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateWorld({ seed: 7, ...opts })).toEqual(generateWorld({ seed: 7, ...opts }));
    expect(generateWorld({ seed: 8, ...opts }).companies[0]).not.toEqual(
      generateWorld({ seed: 7, ...opts }).companies[0],
    );
  });

  it('keeps emails lowercase and unique, keys stable, references valid', () => {
    const w = generateWorld({ seed: 1, companies: 300, products: 20, deals: 50 });
    const emails = w.people.map((p) => p.email);
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails.every((e) => e === e.toLowerCase() && e.includes('@'))).toBe(true);
    expect(w.people).toHaveLength(900);
    expect(w.companies.map((c) => c.key).slice(0, 2)).toEqual(['c1', 'c2']);
    const companyKeys = new Set(w.companies.map((c) => c.key));
    const productKeys = new Set(w.products.map((p) => p.key));
    for (const d of w.deals) {
      expect(companyKeys.has(d.companyKey)).toBe(true);
      expect(d.lines.every((l) => productKeys.has(l.productKey))).toBe(true);
      expect(d.closeDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(w.companies.every((c) => /^[A-Z]{2}$/.test(c.country))).toBe(true);
  });

  it('seededRandom repeats for a seed', () => {
    const a = seededRandom(3);
    const b = seededRandom(3);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
