import { isIPv4, isIPv6 } from 'node:net';
import type { IpAnonymization } from '../options.js';

/**
 * Applies the IP policy: `truncate` zeroes the last IPv4 octet (`203.0.113.7` → `203.0.113.0`)
 * and keeps only the first 48 bits of an IPv6 address (`2001:db8:1:2::7` → `2001:db8:1::`).
 * Anything that is not an IP address is dropped when anonymising; IPv4-mapped IPv6 addresses
 * (`::ffff:203.0.113.7`) are stored in their IPv4 form under either policy.
 */
export function anonymizeIp(ip: string, policy: IpAnonymization): string | undefined {
  // IPv4 clients of a dual-stack socket show up as ::ffff:a.b.c.d; store the IPv4 form.
  const mapped = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (policy === 'none') return mapped;
  if (isIPv4(mapped)) return mapped.replace(/\.\d+$/, '.0');
  if (isIPv6(mapped)) return `${expandIpv6(mapped).slice(0, 3).join(':')}::`;
  return undefined;
}

function expandIpv6(ip: string): string[] {
  const [head = '', tail] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => group.replace(/^0+(?=.)/, '').toLowerCase());
}
