import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=` + hex(HMAC-SHA256(app secret, raw body)): Meta's `X-Hub-Signature-256` header. */
export function signMetaPayload(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Checks the signature over the exact bytes received, in constant time. Meta escapes non-ASCII
 * characters in the body (`\u00e9`), so a re-serialized body would not match: never verify a parse.
 */
export function verifyMetaSignature(appSecret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signMetaPayload(appSecret, rawBody));
  // Hex digits are case-insensitive; the prefix is not.
  const trimmed = header.trim();
  const given = Buffer.from(
    trimmed.startsWith('sha256=') ? `sha256=${trimmed.slice(7).toLowerCase()}` : trimmed,
  );
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type ChallengeAnswer = { status: 200; challenge: string } | { status: 400 | 403; reason: string };

function sameSecret(a: string, b: string): boolean {
  const left = createHmac('sha256', 'verify-token').update(a).digest();
  const right = createHmac('sha256', 'verify-token').update(b).digest();
  return timingSafeEqual(left, right);
}

/**
 * The subscription check Meta sends when a webhook is set up: `hub.mode=subscribe` with our verify
 * token is answered by echoing `hub.challenge`; anything else is refused (403).
 */
export function answerMetaChallenge(
  verifyToken: string,
  query: Record<string, string | undefined> | undefined,
): ChallengeAnswer {
  const mode = query?.['hub.mode'];
  const token = query?.['hub.verify_token'];
  const challenge = query?.['hub.challenge'];
  if (mode !== 'subscribe' || token === undefined || !sameSecret(token, verifyToken)) {
    return { status: 403, reason: 'verification failed' };
  }
  if (!challenge) return { status: 400, reason: 'hub.challenge is required' };
  return { status: 200, challenge };
}
