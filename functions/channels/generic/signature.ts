import { createHmac, timingSafeEqual } from 'node:crypto';

export const GENERIC_SIGNATURE_HEADER = 'x-socialcare-signature';
export const GENERIC_SOURCE_HEADER = 'x-socialcare-source';
/** A signature older than this is a replay (or a clock far off): refused. */
export const MAX_SIGNATURE_AGE_SECONDS = 5 * 60;
/** Clocks drift; a signature from further in the future than this is refused. */
export const MAX_CLOCK_AHEAD_SECONDS = 60;

/** hex(HMAC-SHA256(secret, "<t>.<raw body>")): the `v1` of the signature header. */
export function genericSignatureV1(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The whole header value a sender puts in `X-Socialcare-Signature`. */
export function signGenericPayload(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return `t=${timestamp},v1=${genericSignatureV1(secret, timestamp, rawBody)}`;
}

export type GenericSignatureCheck =
  | { ok: true; timestamp: number; signature: string }
  | { ok: false; reason: string };

/** `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`: several v1 values let a source roll its secret over. */
export function parseSignatureHeader(header: string): { timestamp?: number; signatures: string[] } {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) signatures.push(value.toLowerCase());
  }
  return { ...(timestamp !== undefined ? { timestamp } : {}), signatures };
}

/**
 * Checks the signature over the exact bytes received (constant time), then that it was made within
 * the last 5 minutes and not more than a minute ahead: an old request replayed is refused.
 */
export function verifyGenericSignature(
  secret: string,
  rawBody: Buffer,
  header: string | undefined,
  now: Date,
): GenericSignatureCheck {
  if (!header) return { ok: false, reason: 'signature header missing' };
  const { timestamp, signatures } = parseSignatureHeader(header);
  if (timestamp === undefined || !signatures.length)
    return { ok: false, reason: 'signature header is not t=<unix seconds>,v1=<hex>' };
  const expected = Buffer.from(genericSignatureV1(secret, timestamp, rawBody), 'hex');
  const match = signatures.find((candidate) => timingSafeEqual(Buffer.from(candidate, 'hex'), expected));
  if (!match) return { ok: false, reason: 'signature does not match' };
  const age = Math.floor(now.getTime() / 1000) - timestamp;
  if (age > MAX_SIGNATURE_AGE_SECONDS) return { ok: false, reason: 'signature timestamp is too old' };
  if (age < -MAX_CLOCK_AHEAD_SECONDS) return { ok: false, reason: 'signature timestamp is in the future' };
  return { ok: true, timestamp, signature: match };
}
