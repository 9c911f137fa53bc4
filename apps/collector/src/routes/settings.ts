import type { Context } from 'hono';
import type { CollectorDeps } from '../collector-deps.js';
import type { CollectorEnv } from '../collector-env.js';
import { CollectorError } from '../errors/collector-error.js';
import { assertOrigin } from '../middleware/cors.js';

/**
 * `GET /v1/projects/:writeKey/settings`: the minimal settings document analytics.js (browser SDK)
 * loads at start, pointing its Segment.io destination at this collector instead of Segment's CDN.
 * The collector's address comes from `publicUrl`, else from an allowed Host header (`api-host.ts`).
 */
export function settingsHandler(deps: CollectorDeps) {
  return async function settings(c: Context<CollectorEnv>): Promise<Response> {
    const writeKey = c.req.param('writeKey') ?? '';
    const source = deps.registry.find(writeKey);
    if (!source)
      throw new CollectorError(
        'invalid_write_key',
        "The write key in the path is not a configured source's key.",
      );
    if (!source.enabled) throw new CollectorError('source_disabled', `Source "${source.name}" is disabled.`);
    assertOrigin(c, source);
    const target = deps.apiHost(c.req.header('host'), new URL(c.req.url).protocol);
    if (!target)
      throw new CollectorError(
        'host_not_allowed',
        "The request's Host is not an allowed host, so the settings document cannot name it: set the collector's publicUrl (or list the host in allowedHosts).",
      );
    return c.json({
      integrations: {
        'Segment.io': {
          apiKey: writeKey,
          apiHost: target.apiHost,
          protocol: target.protocol,
          unbundledIntegrations: [],
          addBundledMetadata: true,
          maybeBundledConfigIds: {},
        },
      },
      plan: {
        track: { __default: { enabled: true, integrations: {} } },
        identify: { __default: { enabled: true } },
        group: { __default: { enabled: true } },
      },
      edgeFunction: {},
      analyticsNextEnabled: true,
      middlewareSettings: {},
      enabledMiddleware: {},
      metrics: { sampleRate: 0 },
      legacyVideoPluginsEnabled: false,
      remotePlugins: [],
    });
  };
}
