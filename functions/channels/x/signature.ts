import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=` + base64(HMAC-SHA256(consumer secret, raw body)): X's webhook signature. */
export function signXPayload(consumerSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(rawBody).digest('base64')}`;
}

/** Checks the signature over the exact bytes received, in constant time. */
export function verifyXSignature(
  consumerSecret: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(signXPayload(consumerSecret, rawBody));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The answer to X's challenge-response check (GET with crc_token). */
export function answerXCrc(consumerSecret: string, crcToken: string): { response_token: string } {
  return { response_token: signXPayload(consumerSecret, crcToken) };
}
