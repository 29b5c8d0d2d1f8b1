import { createHmac, randomBytes } from 'node:crypto';
import type { XAccountCredentials } from './x-sender';

/** RFC 3986 percent-encoding, as OAuth 1.0a wants it. */
const encode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The OAuth 1.0a user-context Authorization header (HMAC-SHA1) for one request: what X's v2 read
 * endpoints take with an account's API key and access token (the same keys the sender uses).
 */
export function oauth1Header(
  method: string,
  url: URL,
  credentials: XAccountCredentials,
  options: { nonce?: string; timestamp?: number } = {},
): string {
  const oauth: Record<string, string> = {
    oauth_consumer_key: credentials.apiKey,
    oauth_nonce: options.nonce ?? randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_token: credentials.accessToken,
    oauth_version: '1.0',
  };
  const params: Array<[string, string]> = [...url.searchParams.entries(), ...Object.entries(oauth)];
  const normalized = params
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : 1) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = [method.toUpperCase(), encode(`${url.origin}${url.pathname}`), encode(normalized)].join('&');
  const key = `${encode(credentials.apiSecret)}&${encode(credentials.accessTokenSecret)}`;
  const signature = createHmac('sha1', key).update(base).digest('base64');
  return `OAuth ${Object.entries({ ...oauth, oauth_signature: signature })
    .map(([k, v]) => `${k}="${encode(v)}"`)
    .join(', ')}`;
}
