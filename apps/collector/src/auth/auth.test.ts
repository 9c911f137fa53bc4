import { describe, expect, it } from 'vitest';
import { hashesEqual, hashKey } from './hash-key.js';
import { createSourceRegistry } from './source-registry.js';
import { extractWriteKey } from './write-key.js';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('extractWriteKey', () => {
  it('reads Basic auth with or without the colon, X-Write-Key, then the body', () => {
    expect(extractWriteKey(new Headers({ authorization: basic('wk:') }), undefined)).toEqual({
      key: 'wk',
      origin: 'basic',
    });
    expect(extractWriteKey(new Headers({ authorization: basic('wk') }), undefined)).toEqual({
      key: 'wk',
      origin: 'basic',
    });
    expect(extractWriteKey(new Headers({ 'x-write-key': 'hk' }), { writeKey: 'bk' })).toEqual({
      key: 'hk',
      origin: 'header',
    });
    expect(extractWriteKey(new Headers(), { writeKey: 'bk' })).toEqual({ key: 'bk', origin: 'body' });
  });
  it('finds nothing in malformed or foreign credentials', () => {
    expect(extractWriteKey(new Headers({ authorization: basic(':password') }), undefined)).toBeUndefined();
    expect(extractWriteKey(new Headers({ authorization: 'Bearer wk' }), undefined)).toBeUndefined();
    expect(extractWriteKey(new Headers(), { writeKey: 42 })).toBeUndefined();
    expect(extractWriteKey(new Headers(), JSON.parse('{"__proto__":{"writeKey":"x"}}'))).toBeUndefined();
  });
});

describe('source registry', () => {
  const registry = createSourceRegistry([
    { name: 'web', writeKeyHash: hashKey('k1'), corsOrigins: ['https://a.example'] },
    {
      name: 'off',
      writeKeyHash: hashKey('k2').toUpperCase(),
      enabled: false,
      corsOrigins: ['https://b.example'],
    },
  ]);
  it('finds sources by key hash (case-insensitive hex), never by the hash itself', () => {
    expect(registry.find('k1')?.name).toBe('web');
    expect(registry.find('k2')).toMatchObject({ name: 'off', enabled: false });
    expect(registry.find(hashKey('k1'))).toBeUndefined();
    expect(registry.find('k3')).toBeUndefined();
  });
  it('allows a preflight origin only through an enabled source', () => {
    expect(registry.anyAllowsOrigin('https://a.example')).toBe(true);
    expect(registry.anyAllowsOrigin('https://b.example')).toBe(false);
  });
  it('refuses two sources with the same key, naming both (hash case does not matter)', () => {
    const sources = [
      { name: 'app', writeKeyHash: hashKey('wk_same') },
      { name: 'other', writeKeyHash: hashKey('wk_other') },
      { name: 'default', writeKeyHash: hashKey('wk_same').toUpperCase() },
    ];
    expect(() => createSourceRegistry(sources)).toThrow(
      expect.objectContaining({
        code: 'duplicate_write_key',
        message: expect.stringMatching(/^Sources "app" and "default" have the same write key/),
      }),
    );
    // Two keys for one name are fine: that is how a key is rotated.
    expect(() =>
      createSourceRegistry([
        { name: 'app', writeKeyHash: hashKey('wk_old') },
        { name: 'app', writeKeyHash: hashKey('wk_new') },
      ]),
    ).not.toThrow();
  });
  it('compares hashes of different lengths as unequal', () => {
    expect(hashesEqual('ab', 'abc')).toBe(false);
    expect(hashesEqual(hashKey('x'), hashKey('x'))).toBe(true);
  });
});
