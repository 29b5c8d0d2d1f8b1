import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signature (api.slack.com "Verifying requests from Slack"): header
 * `X-Slack-Signature: v0=` + hex(HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp + ":" +
 * raw body)); a timestamp more than five minutes from now is refused (a replayed request).
 */
export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

export function slackSignature(signingSecret: string, timestamp: string, rawBody: Buffer | string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

export function verifySlackSignature(
  signingSecret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  rawBody: Buffer,
  now: Date,
): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > SLACK_MAX_SKEW_SECONDS) return false;
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
