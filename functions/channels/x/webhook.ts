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
import { MalformedPayloadError, normalizeXActivity } from './normalize';
import { answerXCrc, verifyXSignature } from './signature';

export interface XWebhookDeps {
  /** The X app's consumer secret, fetched once and cached by the caller. */
  consumerSecret: () => Promise<string>;
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
    if (!verifyXSignature(await deps.consumerSecret(), body, header(event, 'x-twitter-webhooks-signature'))) {
      logger.warn('x webhook signature missing or wrong', { bytes: body.length });
      return problem(401, 'invalid signature');
    }

    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      await deps.deadLetters.park([
        { source: 'x-webhook', reason: 'signed body is not JSON', body: body.toString('base64') },
      ]);
      logger.warn('x webhook body is not JSON; parked', { bytes: body.length });
      return problem(400, 'body is not JSON');
    }

    let normalized: ReturnType<typeof normalizeXActivity>;
    try {
      normalized = normalizeXActivity(payload, deps.directory, now().toISOString());
    } catch (error) {
      if (!(error instanceof MalformedPayloadError)) throw error;
      await deps.deadLetters.park([
        { source: 'x-webhook', reason: error.message, body: body.toString('utf8') },
      ]);
      logger.warn('x webhook payload malformed; parked', { reason: error.message });
      return problem(400, error.message);
    }

    const { interactions, ignored, rejected } = normalized;
    if (rejected.length) {
      await deps.deadLetters.park(
        rejected.map(({ reason, event: item }) => ({
          source: 'x-webhook',
          reason,
          // An event nested too deep to serialize again is kept as the whole signed body.
          body: jsonOrElse(item, () => body.toString('utf8')),
        })),
      );
    }
    if (interactions.length) await deps.queue.enqueue(interactions);
    for (const interaction of interactions) deps.metrics?.record('InteractionsAccepted', interaction.brandId);
    deps.metrics?.flush();
    logger.info('x webhook accepted', {
      enqueued: interactions.length,
      ignored,
      parked: rejected.length,
      messageIds: interactions.map((i) => i.platformMessageId),
    });
    return json(200, { accepted: interactions.length });
  };
}

function jsonOrElse(value: unknown, fallback: () => string): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return fallback();
  }
}
