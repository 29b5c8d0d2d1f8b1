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
import { normalizeMetaWebhook } from './normalize';
import { answerMetaChallenge, verifyMetaSignature } from './signature';

export interface MetaWebhookDeps {
  /** The Meta app secret: signs every POST. Cached by the caller; refreshed (at most once a minute) on a mismatch. */
  appSecret: SecretReader<string>;
  /** The token we typed into the app dashboard when subscribing: checked on the GET challenge. */
  verifyToken: SecretReader<string>;
  directory: BrandDirectory;
  queue: InteractionQueue;
  deadLetters: DeadLetters;
  metrics?: MetricsSink;
  now?: () => Date;
}

const SOURCE = 'meta-webhook';

/**
 * GET answers the subscription challenge; POST verifies `X-Hub-Signature-256` over the raw body
 * before anything else, normalizes every entry and item, parks what cannot be used, enqueues and
 * answers 200. No database call on this path: Meta disables webhooks that answer slowly.
 */
export function createMetaWebhook(deps: MetaWebhookDeps): (event: HttpEvent) => Promise<HttpResult> {
  const now = deps.now ?? (() => new Date());
  return async (event) => {
    const verb = method(event);
    if (verb === 'GET') {
      const answer = await withFreshSecret(
        deps.verifyToken,
        async () => answerMetaChallenge(await deps.verifyToken(), event.queryStringParameters),
        (a) => a.status === 200 || !event.queryStringParameters?.['hub.verify_token'],
      );
      if (answer.status !== 200) {
        logger.warn('meta subscription challenge refused', { reason: answer.reason });
        return problem(answer.status, answer.reason);
      }
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: answer.challenge,
      };
    }
    if (verb !== 'POST') return problem(405, 'method not allowed');

    const body = rawBody(event);
    if (body.length > MAX_WEBHOOK_BODY_BYTES) return problem(413, 'payload too large');
    const signature = header(event, 'x-hub-signature-256');
    const verified = await withFreshSecret(
      deps.appSecret,
      async () => verifyMetaSignature(await deps.appSecret(), body, signature),
      (ok) => ok || !signature,
    );
    if (!verified) {
      logger.warn('meta webhook signature missing or wrong', { bytes: body.length });
      return problem(401, 'invalid signature');
    }

    const outcome = await acceptSignedBody({
      body,
      source: SOURCE,
      normalize: (payload) => normalizeMetaWebhook(payload, deps.directory, now().toISOString()),
      deps,
    });
    if ('refused' in outcome) return outcome.refused;
    const { interactions } = outcome.accepted;
    return json(200, { accepted: interactions.length });
  };
}
