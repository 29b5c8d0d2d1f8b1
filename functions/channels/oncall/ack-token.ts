import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AckLinks } from '../../core/paging';

/**
 * The token in a page's acknowledgement link and on its Slack button: signed (HMAC-SHA256 with the
 * deployment's ack-link key), expiring, good for one thing only (acknowledging one page), and opaque
 * to the people who see it: it names the page by id, never the customer or what they wrote.
 *
 * `<base64url(JSON {v, p, e, u})>.<base64url(HMAC(key, "socialcare-page-ack." + payload))>`
 */
const PURPOSE = 'page-ack';
const DOMAIN = 'socialcare-page-ack.';
/** A page is worth acknowledging for a day; after that the console is the place. */
export const ACK_TOKEN_LIFETIME_MS = 24 * 3_600_000;

export type AckTokenProblem = 'malformed' | 'bad_signature' | 'expired' | 'wrong_purpose';

export class AckTokenError extends Error {
  constructor(readonly problem: AckTokenProblem) {
    super(
      {
        malformed: 'the acknowledgement link is not one of ours',
        bad_signature: 'the acknowledgement link is not one of ours',
        expired: 'the acknowledgement link has expired: acknowledge the page in the console',
        wrong_purpose: 'the link is not an acknowledgement link',
      }[problem],
    );
    this.name = 'AckTokenError';
  }
}

const sign = (key: string, payload: string) =>
  createHmac('sha256', key).update(DOMAIN).update(payload).digest('base64url');

export function signAckToken(
  key: string,
  pageId: string,
  now: Date,
  lifetimeMs = ACK_TOKEN_LIFETIME_MS,
): string {
  const payload = Buffer.from(
    JSON.stringify({ v: 1, p: pageId, e: Math.floor((now.getTime() + lifetimeMs) / 1000), u: PURPOSE }),
  ).toString('base64url');
  return `${payload}.${sign(key, payload)}`;
}

/** The page id the token acknowledges; throws AckTokenError otherwise (signature checked first). */
export function verifyAckToken(key: string, token: string, now: Date): string {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw new AckTokenError('malformed');
  const expected = Buffer.from(sign(key, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new AckTokenError('bad_signature');
  let claims: { p?: unknown; e?: unknown; u?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new AckTokenError('malformed');
  }
  if (claims.u !== PURPOSE) throw new AckTokenError('wrong_purpose');
  if (typeof claims.p !== 'string' || typeof claims.e !== 'number') throw new AckTokenError('malformed');
  if (claims.e * 1000 < now.getTime()) throw new AckTokenError('expired');
  return claims.p;
}

/** Links to `<base>/pages/ack?t=<token>` signed with the key (read once per cold start). */
export function signedAckLinks(baseUrl: () => string, key: () => Promise<string>): AckLinks {
  return {
    async linkFor(pageId, now) {
      const token = signAckToken(await key(), pageId, now);
      return { url: `${baseUrl().replace(/\/+$/, '')}/pages/ack?t=${token}`, token };
    },
  };
}
