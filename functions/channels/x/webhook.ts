import { type SecretReader, withFreshSecret } from '../../commons/fresh-secret';
import {
  type HttpEvent,
  type HttpResult,
  header,
  json,
  MAX_WEBHOOK_BODY_BYTES,
  method,
  problem,
  rawBody,
} from '../../commons/http';
import { logger } from '../../commons/logger';
import type { BrandDirectory } from '../../core/brand-config';
import type { MetricsSink } from '../../core/metrics';
import type { DeadLetters, InteractionQueue } from '../../core/queues';
import { acceptSignedBody } from '../accept';
import { normalizeXActivity } from './normalize';
import { answerXCrc, verifyXSignature } from './signature';

export interface XWebhookDeps {
  /** The X app's consumer secret, cached by the caller; refreshed (at most once a minute) on a mismatch. */
  consumerSecret: SecretReader<string>;
  directory: BrandDirectory;
  queue: InteractionQueue;
  deadLetters: DeadLetters;
  metrics?: MetricsSink;
  now?: () => Date;
}

/**
 * GET answers the CRC check; POST verifies the signature over the raw body before anything else,
 * normalizes, enqueues and answers 200. No database call on this path: the platform wants an
 * answer within seconds.
 */
export function createXWebhook(deps: XWebhookDeps): (event: HttpEvent) => Promise<HttpResult> {
  const now = deps.now ?? (() => new Date());
  return async (event) => {
    const verb = method(event);
    if (verb === 'GET') {
      const token = event.queryStringParameters?.crc_token;
      if (!token) return problem(400, 'crc_token is required');
      return json(200, answerXCrc(await deps.consumerSecret(), token));
    }
    if (verb !== 'POST') return problem(405, 'method not allowed');

    const body = rawBody(event);
    if (body.length > MAX_WEBHOOK_BODY_BYTES) return problem(413, 'payload too large');
    const signature = header(event, 'x-twitter-webhooks-signature');
    const verified = await withFreshSecret(
      deps.consumerSecret,
      async () => verifyXSignature(await deps.consumerSecret(), body, signature),
      (ok) => ok || !signature,
    );
    if (!verified) {
      logger.warn('x webhook signature missing or wrong', { bytes: body.length });
      return problem(401, 'invalid signature');
    }

    const outcome = await acceptSignedBody({
      body,
      source: 'x-webhook',
      normalize: (payload) => normalizeXActivity(payload, deps.directory, now().toISOString()),
      deps,
    });
    if ('refused' in outcome) return outcome.refused;
    const { interactions } = outcome.accepted;
    return json(200, { accepted: interactions.length });
  };
}
