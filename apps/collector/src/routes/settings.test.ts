import { connect, type Warehouse } from '@tributary/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, testCollector } from '../test-helpers/test-collector.js';
import { createApiHostResolver } from './api-host.js';

describe('apiHost of the settings document', () => {
  it('uses publicUrl whatever the Host header says, keeping its protocol and path prefix', () => {
    const resolve = createApiHostResolver({ publicUrl: 'https://Collect.Example.com/tributary/' });
    expect(resolve('evil.example', 'http:')).toEqual({
      apiHost: 'collect.example.com/tributary/v1',
      protocol: 'https',
    });
    expect(resolve(undefined, 'http:')).toEqual({
      apiHost: 'collect.example.com/tributary/v1',
      protocol: 'https',
    });
    expect(createApiHostResolver({ publicUrl: 'http://10.0.0.5:8787' })('x', 'http:')).toEqual({
      apiHost: '10.0.0.5:8787/v1',
      protocol: 'http',
    });
  });

  it('without publicUrl or allowedHosts reflects only loopback hosts', () => {
    const resolve = createApiHostResolver();
    for (const host of ['localhost', 'localhost:8787', 'app.localhost:3000', '127.0.0.1:8787', '[::1]:8787'])
      expect(resolve(host, 'http:')?.apiHost).toBe(`${host}/v1`);
    for (const host of [
      'evil.example',
      'evil.example:8787',
      'localhost.evil.example',
      'evil.example@localhost',
      'localhost/evil',
      'localhost:8787 evil',
      '',
      undefined,
    ])
      expect(resolve(host, 'http:')).toBeUndefined();
  });

  it('with allowedHosts reflects only those (a name without port allows any port)', () => {
    const resolve = createApiHostResolver({ allowedHosts: ['collect.example.com', 'edge.example.com:8443'] });
    expect(resolve('Collect.Example.com:8080', 'https:')).toEqual({
      apiHost: 'collect.example.com:8080/v1',
      protocol: 'https',
    });
    expect(resolve('edge.example.com:8443', 'http:')?.apiHost).toBe('edge.example.com:8443/v1');
    expect(resolve('edge.example.com:9000', 'http:')).toBeUndefined();
    expect(resolve('localhost', 'http:')).toBeUndefined();
    expect(resolve('evil.example', 'http:')).toBeUndefined();
  });

  it('refuses a publicUrl or allowedHosts entry it cannot use', () => {
    for (const publicUrl of [
      'collect.example.com',
      'ftp://collect.example.com',
      'https://u:p@c.example',
      'https://c.example/?x=1',
    ])
      expect(() => createApiHostResolver({ publicUrl })).toThrow(
        expect.objectContaining({ code: 'invalid_public_url' }),
      );
    expect(() => createApiHostResolver({ allowedHosts: ['https://c.example'] })).toThrow(
      expect.objectContaining({ code: 'invalid_allowed_host' }),
    );
  });
});

describe('GET /v1/projects/:writeKey/settings', () => {
  let db: Warehouse;
  beforeAll(async () => {
    db = await connect('memory://');
  });
  afterAll(() => db?.close());
  const settings = (collector: Awaited<ReturnType<typeof testCollector>>, host: string) =>
    collector.app.request(`/v1/projects/${KEYS.server}/settings`, { headers: { host } });

  it('never reflects a forged Host header', async () => {
    const collector = await testCollector(db);
    try {
      const response = await settings(collector, 'evil.example');
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(text).not.toContain('evil.example');
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'host_not_allowed' } });
      expect(await (await settings(collector, 'localhost:8787')).json()).toMatchObject({
        integrations: { 'Segment.io': { apiHost: 'localhost:8787/v1', protocol: 'http' } },
      });
    } finally {
      await collector.close();
    }
  });

  it('names the configured publicUrl', async () => {
    const collector = await testCollector(db, { publicUrl: 'https://collect.example.com' });
    try {
      const response = await settings(collector, 'evil.example');
      expect(await response.json()).toMatchObject({
        integrations: { 'Segment.io': { apiHost: 'collect.example.com/v1', protocol: 'https' } },
      });
    } finally {
      await collector.close();
    }
  });

  it('refuses to start with an unusable publicUrl', async () => {
    await expect(testCollector(db, { publicUrl: 'collect.example.com' })).rejects.toThrow(/publicUrl/);
  });
});
