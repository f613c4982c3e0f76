import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/errors.ts';
import { parseStoreUrl } from '../../../src/store/sql/store-url.ts';

describe('parseStoreUrl', () => {
  it.each([
    [undefined, { kind: 'sqlite', path: './data/frontback.db' }],
    ['./data/x.db', { kind: 'sqlite', path: './data/x.db' }],
    ['sqlite:/var/lib/frontback.db', { kind: 'sqlite', path: '/var/lib/frontback.db' }],
    ['sqlite:data/x.db', { kind: 'sqlite', path: 'data/x.db' }],
    [':memory:', { kind: 'sqlite', path: ':memory:' }],
    ['postgres://u@db:5432/fb', { kind: 'postgres', url: 'postgres://u@db:5432/fb', schema: undefined }],
    [
      'postgresql://u@db/fb?schema=sync&sslmode=require',
      { kind: 'postgres', url: 'postgresql://u@db/fb?sslmode=require', schema: 'sync' },
    ],
  ])('%s', (url, expected) => {
    expect(parseStoreUrl(url)).toEqual(expected);
  });

  it.each(['mysql://db/x', '', 'sqlite:'])('refuses %j', (url) => {
    expect(() => parseStoreUrl(url)).toThrow(StoreError);
  });
});
