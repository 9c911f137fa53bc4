import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { resolveLimits } from '../options.js';
import { readBody } from './read-body.js';
import { findUnstorableValues, isStorable, nestingDepth, storableText } from './scan-value.js';

const limits = resolveLimits({ maxBodyBytes: 1000 });
const request = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request('http://collector/v1/batch', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('readBody', () => {
  it('reads plain and gzip bodies, and text/plain as sent by browsers', async () => {
    expect((await readBody(request('{"a":1}'), limits)).text).toBe('{"a":1}');
    expect((await readBody(request(gzipSync('{"b":2}'), { 'content-encoding': 'gzip' }), limits)).text).toBe(
      '{"b":2}',
    );
    expect((await readBody(request('{}', { 'content-type': 'text/plain;charset=UTF-8' }), limits)).text).toBe(
      '{}',
    );
  });
  it('stops decompressing past maxDecompressedBytes', async () => {
    const bomb = gzipSync(Buffer.alloc(5_000_000));
    expect(bomb.length).toBeLessThan(limits.maxBodyBytes * 10);
    await expect(
      readBody(request(bomb, { 'content-encoding': 'gzip' }), resolveLimits({ maxBodyBytes: 100_000 })),
    ).rejects.toMatchObject({
      code: 'body_too_large',
      limit: 100_000,
    });
  });
  it('refuses a declared Content-Length over the limit before reading', async () => {
    const declared = new Request('http://collector/v1/batch', {
      method: 'POST',
      body: '{}',
      headers: { 'content-length': '5000' },
    });
    await expect(readBody(declared, limits)).rejects.toMatchObject({ code: 'body_too_large', status: 413 });
  });
});

describe('scan-value', () => {
  it('measures nesting without recursion and stops early', () => {
    expect(nestingDepth({ a: [{ b: 1 }] }, 10)).toBe(3);
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(nestingDepth(deep, 32)).toBe(33);
  });
  it('finds NUL, lone surrogates and non-finite numbers with paths', () => {
    const value = JSON.parse('{"a":["ok","x\\u0000"],"\\ud800":1,"n":1e999}');
    expect(isStorable(value)).toBe(false);
    expect(findUnstorableValues(value).map((r) => [r.path, r.rule])).toEqual(
      expect.arrayContaining([
        ['a[1]', 'nul_character'],
        ['\ud800', 'lone_surrogate'],
        ['n', 'non_finite_number'],
      ]),
    );
    expect(isStorable({ emoji: '😀', nested: [{ k: 'v' }] })).toBe(true);
  });
  it('escapes what a text column cannot hold', () => {
    expect(storableText('a\u0000b\ud800c😀')).toBe('a\\u0000b\\ud800c😀');
  });
});
