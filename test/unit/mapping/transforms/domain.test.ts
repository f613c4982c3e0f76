import { describe, expect, it } from 'vitest';
import { domainKey, type MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { build } from './build.ts';

describe('domain', () => {
  it.each([
    ['https://www.Bailey.name/about?x=1', 'bailey.name'],
    ['bailey.name', 'bailey.name'],
    ['bailey.name.', 'bailey.name'],
    ['HTTP://WWW.EXAMPLE.COM:8080', 'example.com'],
    ['http://example.com/#top', 'example.com'],
    ['https:/example.com', 'example.com'],
    ['ftp://ftp.example.com/pub/', 'ftp.example.com'],
    ['//cdn.example.com/lib.js', 'cdn.example.com'],
    ['https://user:secret@www.example.com:443/x', 'example.com'],
    ['  www.example.com  ', 'example.com'],
    ['www.example.co.uk', 'example.co.uk'],
    ['www.www.example.com', 'example.com'],
    ['www.com', 'www.com'],
    ['wwwexample.com', 'wwwexample.com'],
    ['www2.example.com', 'www2.example.com'],
    ['shop.example.com', 'shop.example.com'],
    ['ｅｘａｍｐｌｅ.com', 'example.com'],
    ['ＨＴＴＰＳ：／／ＷＷＷ．ＥＸＡＭＰＬＥ．ＣＯＭ', 'example.com'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    ['https://www.MÜNCHEN.de/', 'xn--mnchen-3ya.de'],
    ['xn--mnchen-3ya.de', 'xn--mnchen-3ya.de'],
    ['info@example.com', 'example.com'],
    ['mailto:Info@Example.com?subject=Hi', 'example.com'],
    ['n/a', null],
    ['N.A.', null],
    ['-', null],
    ['none', null],
    ['', null],
    ['   ', null],
    [null, null],
    ['localhost', null],
    ['http://localhost:3000', null],
    ['192.168.0.1', null],
    ['http://[::1]/', null],
    ['example', null],
    ['example.c', null],
    ['exa mple.com', null],
    ['-example.com', null],
    ['xn--abc.com', null],
    ['file:///etc/hosts', null],
    ['javascript://example.com', null],
  ] as [MappingValue, MappingValue][])('%j -> %j', (input, output) => {
    expect(build('domain').forward(input)).toBe(output);
  });

  it('gives an email address no key with fromEmail: none', () => {
    expect(build('domain', { fromEmail: 'none' }).forward('info@example.com')).toBeNull();
    expect(build('domain', { fromEmail: 'none' }).forward('mailto:info@example.com')).toBeNull();
    expect(build('domain', { fromEmail: 'none' }).forward('https://user@www.example.com')).toBe('example.com');
    expect(domainKey('info@example.com', { fromEmail: 'none' })).toBeUndefined();
  });

  it('HubSpot domain and Odoo website of one company share a key; another company does not', () => {
    const { forward } = build('domain');
    expect(forward('bailey.name')).toBe(forward('https://www.bailey.name'));
    expect(forward('bailey.name')).not.toBe(forward('https://www.bailey.com'));
    expect(forward('bailey.name')).not.toBe(forward('shop.bailey.name'));
  });

  it('transforms a list item by item; the plain function takes any value', () => {
    expect(build('domain').forward(['www.a.com', 'n/a'])).toEqual(['a.com', null]);
    expect(domainKey(42)).toBeUndefined();
    expect(domainKey({ host: 'a.com' })).toBeUndefined();
  });
});
