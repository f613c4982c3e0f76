import { describe, expect, it } from 'vitest';
import { checkHttpUrl, isRefusedHost } from '../../../src/config/url-safety.ts';

const refused = (host: string) =>
  `points at a link-local or cloud metadata address (${host}), which is refused (SSRF protection)`;

describe('checkHttpUrl with the SSRF checks', () => {
  it.each([
    'https://api.hubapi.com',
    'http://127.0.0.1:4010',
    'http://localhost:4020/jsonrpc',
    'http://[::1]:8069',
    'https://10.0.0.5:8069',
    'https://192.168.1.20',
    'https://169.255.0.1',
    'https://metadata.example.com',
    'https://1234567.suitetalk.api.netsuite.com/services/rest',
  ])('accepts %s', (url) => {
    expect(checkHttpUrl(url, { refuseInternal: true })).toBeUndefined();
  });

  it.each([
    { url: 'http://169.254.169.254/latest/meta-data/', host: '169.254.169.254' },
    { url: 'http://169.254.0.1', host: '169.254.0.1' },
    { url: 'http://169.254.255.255:80', host: '169.254.255.255' },
    // WHATWG URL normalises other IPv4 spellings, so these cannot slip through.
    { url: 'http://2852039166/', host: '169.254.169.254' },
    { url: 'http://0xa9.0xfe.0xa9.0xfe/', host: '169.254.169.254' },
    { url: 'http://100.100.100.200/latest/meta-data', host: '100.100.100.200' },
    { url: 'http://[fe80::1]/', host: '[fe80::1]' },
    { url: 'http://[febf:ffff::1]/', host: '[febf:ffff::1]' },
    { url: 'http://[fd00:ec2::254]/latest/meta-data', host: '[fd00:ec2::254]' },
    { url: 'http://[::ffff:169.254.169.254]/', host: '[::ffff:a9fe:a9fe]' },
    { url: 'http://[64:ff9b::169.254.169.254]/', host: '[64:ff9b::a9fe:a9fe]' },
    { url: 'http://metadata.google.internal/computeMetadata/v1/', host: 'metadata.google.internal' },
    { url: 'http://METADATA.GOOGLE.INTERNAL./', host: 'metadata.google.internal.' },
    { url: 'http://metadata/', host: 'metadata' },
    { url: 'http://metadata.goog/', host: 'metadata.goog' },
    { url: 'http://instance-data/latest', host: 'instance-data' },
  ])('refuses $url', ({ url, host }) => {
    expect(checkHttpUrl(url, { refuseInternal: true })).toBe(refused(host));
  });

  it('allows internal hosts when asked only for scheme checks (our own public URL)', () => {
    expect(checkHttpUrl('http://169.254.1.1', { refuseInternal: false })).toBeUndefined();
  });

  it.each([
    { url: 'ftp://files.example.com', message: 'expected an http:// or https:// URL; got "ftp://files.example.com"' },
    { url: 'file:///etc/passwd', message: 'expected an http:// or https:// URL; got "file:///etc/passwd"' },
    { url: 'gopher://x', message: 'expected an http:// or https:// URL; got "gopher://x"' },
    { url: 'api.hubapi.com', message: 'expected an http:// or https:// URL; got "api.hubapi.com"' },
    {
      url: 'https://user:pass@api.hubapi.com',
      message: 'must not contain a user name or password (put credentials under auth)',
    },
    {
      url: 'https://token@api.hubapi.com',
      message: 'must not contain a user name or password (put credentials under auth)',
    },
    { url: 'user:pass@host', message: 'expected an http:// or https:// URL; got a value containing "@"' },
  ])('refuses $url: $message', ({ url, message }) => {
    expect(checkHttpUrl(url, { refuseInternal: true })).toBe(message);
  });
});

describe('isRefusedHost', () => {
  it.each([
    ['169.254.169.254', true],
    ['[fe80::abcd]', true],
    ['fe80::abcd', true],
    ['fec0::1', false],
    ['::1', false],
    ['127.0.0.1', false],
    ['100.100.100.201', false],
    ['not-an-ip', false],
    ['1:2:3:4:5:6:7:8:9', false],
  ] as const)('%s -> %s', (host, expected) => {
    expect(isRefusedHost(host)).toBe(expected);
  });
});
