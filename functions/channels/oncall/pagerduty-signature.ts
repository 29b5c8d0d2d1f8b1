import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * PagerDuty v3 webhook signatures (developer.pagerduty.com, webhooks "Verifying Signatures"): header
 * `X-PagerDuty-Signature` holds one or more comma-separated `v1=` + hex(HMAC-SHA256(secret, raw body))
 * (several during a secret rotation); one match is enough.
 */
export function pagerDutySignature(secret: string, rawBody: Buffer | string): string {
  return `v1=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export function verifyPagerDutySignature(
  secret: string,
  header: string | undefined,
  rawBody: Buffer,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(pagerDutySignature(secret, rawBody));
  return header
    .split(',')
    .map((s) => Buffer.from(s.trim()))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
}
