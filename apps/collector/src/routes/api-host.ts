import { CollectorConfigError } from '../errors/collector-config-error.js';

/** Where browsers should send events: the settings document's `apiHost` (`host[:port][/prefix]/v1`) and protocol. */
export interface ApiHost {
  readonly apiHost: string;
  readonly protocol: 'http' | 'https';
}

/**
 * Decides the settings document's `apiHost` for a request, or undefined when the request's Host
 * may not be reflected. A configured `publicUrl` always wins. Without one the request's Host is
 * used only when it is in `allowedHosts` (`name` for any port, `name:port` for that port) or, with
 * no list, when it is a loopback host (`localhost`, `*.localhost`, `127.x.x.x`, `[::1]`): anything
 * else would let a forged Host header point analytics.js at another server.
 */
export type ApiHostResolver = (
  requestHost: string | undefined,
  requestProtocol: string,
) => ApiHost | undefined;

/** Builds the resolver; throws `CollectorConfigError` for a `publicUrl` or `allowedHosts` entry it cannot use. */
export function createApiHostResolver(
  options: {
    readonly publicUrl?: string | undefined;
    readonly allowedHosts?: readonly string[] | undefined;
  } = {},
): ApiHostResolver {
  if (options.publicUrl !== undefined) {
    const fixed = parsePublicUrl(options.publicUrl);
    return () => fixed;
  }
  const allowed = options.allowedHosts?.map(parseAllowedHost);
  return (requestHost, requestProtocol) => {
    const host = parseHostHeader(requestHost);
    if (!host) return undefined;
    const permitted = allowed
      ? allowed.some(
          (entry) => entry.hostname === host.hostname && (entry.port === '' || entry.port === host.port),
        )
      : isLoopback(host.hostname);
    if (!permitted) return undefined;
    return {
      apiHost: `${host.hostname}${host.port ? `:${host.port}` : ''}/v1`,
      protocol: requestProtocol === 'https:' ? 'https' : 'http',
    };
  };
}

function parsePublicUrl(text: string): ApiHost {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username ||
    url.password ||
    url.search ||
    url.hash
  )
    throw new CollectorConfigError(
      'invalid_public_url',
      `publicUrl ${JSON.stringify(text)} is not an http(s) URL without credentials, query or fragment; give the address browsers reach the collector at, e.g. https://collect.example.com.`,
    );
  const prefix = url.pathname.replace(/\/+$/, '');
  return { apiHost: `${url.host}${prefix}/v1`, protocol: url.protocol === 'https:' ? 'https' : 'http' };
}

function parseAllowedHost(entry: string): HostHeader {
  const host = parseHostHeader(entry);
  if (!host)
    throw new CollectorConfigError(
      'invalid_allowed_host',
      `allowedHosts entry ${JSON.stringify(entry)} is not a host name with an optional port, e.g. collect.example.com or collect.example.com:8443.`,
    );
  return host;
}

interface HostHeader {
  /** Lower case; IPv6 in brackets. */
  readonly hostname: string;
  /** As written, '' when the header has none. */
  readonly port: string;
}

/** A Host header, or undefined unless it is exactly `name[:port]` or `[ipv6][:port]`. */
function parseHostHeader(host: string | undefined): HostHeader | undefined {
  const match = host ? /^([\w.-]+|\[[\da-f:.]+\])(?::(\d{1,5}))?$/i.exec(host) : null;
  if (!match?.[1]) return undefined;
  try {
    return { hostname: new URL(`http://${match[1]}`).hostname, port: match[2] ?? '' };
  } catch {
    return undefined;
  }
}

function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}
