import { type Refreshable, withFreshSecret } from '../../commons/fresh-secret';
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
import { GENERIC_SOURCE_PATTERN, type GenericNormalizeResult, normalizeGenericWebhook } from './normalize';
import {
  GENERIC_SIGNATURE_HEADER,
  GENERIC_SOURCE_HEADER,
  MAX_SIGNATURE_AGE_SECONDS,
  verifyGenericSignature,
} from './signature';

export interface GenericWebhookDeps {
  /**
   * The shared secret of a source (`yelp`, `trustpilot`...); undefined for a source we do not know.
   * Cached by the caller; refreshed (at most once a minute) when a signature or a source is refused.
   */
  sourceSecret: ((source: string) => Promise<string | undefined>) & Refreshable;
  directory: BrandDirectory;
  queue: InteractionQueue;
  deadLetters: DeadLetters;
  metrics?: MetricsSink;
  now?: () => Date;
  /** Signatures already accepted, to refuse a replay within the freshness window (default: in memory). */
  seen?: SeenSignatures;
}

/**
 * Signatures accepted within the last few minutes. In a Lambda this only covers one instance: it
 * stops the cheap replay, and the case store's dedupe on `<source>:<id>` stops the rest.
 */
export class SeenSignatures {
  private readonly until = new Map<string, number>();
  constructor(private readonly maxEntries = 10_000) {}

  has(key: string, now: number): boolean {
    const expiry = this.until.get(key);
    return expiry !== undefined && expiry > now;
  }

  add(key: string, expiresAt: number, now: number): void {
    for (const [k, at] of this.until) {
      if (at <= now || this.until.size >= this.maxEntries) this.until.delete(k);
      else break;
    }
    this.until.set(key, expiresAt);
  }
}

const SOURCE = 'generic-webhook';

/**
 * POST only. The source names itself in `X-Socialcare-Source`; its secret signs the timestamp and
 * the raw body (`X-Socialcare-Signature: t=...,v1=...`). Unknown source, bad signature, stale or
 * future timestamp: 401 and nothing kept. A request accepted before, sent again: 409. Then the
 * body is validated item by item: bad items are parked and named in the answer, good ones enqueued.
 */
export function createGenericWebhook(deps: GenericWebhookDeps): (event: HttpEvent) => Promise<HttpResult> {
  const now = deps.now ?? (() => new Date());
  const seen = deps.seen ?? new SeenSignatures();
  return async (event) => {
    if (method(event) !== 'POST') return problem(405, 'method not allowed');
    const body = rawBody(event);
    if (body.length > MAX_WEBHOOK_BODY_BYTES) return problem(413, 'payload too large');

    const source = header(event, GENERIC_SOURCE_HEADER)?.trim().toLowerCase() ?? '';
    if (!GENERIC_SOURCE_PATTERN.test(source)) {
      logger.warn('generic webhook from an unknown source', { source: source.slice(0, 40) });
      return problem(401, 'unknown source');
    }
    const at = now();
    const signature = header(event, GENERIC_SIGNATURE_HEADER);
    // A source added or a secret rotated since the secrets were read: read them again and retry once.
    const check = await withFreshSecret(
      deps.sourceSecret,
      async () => {
        const secret = await deps.sourceSecret(source);
        return secret ? verifyGenericSignature(secret, body, signature, at) : undefined;
      },
      (result) =>
        !signature || (result !== undefined && (result.ok || result.reason !== 'signature does not match')),
    );
    if (!check) {
      logger.warn('generic webhook from an unknown source', { source });
      return problem(401, 'unknown source');
    }
    if (!check.ok) {
      logger.warn('generic webhook signature refused', { source, reason: check.reason });
      return problem(401, check.reason);
    }
    const replayKey = `${source}:${check.timestamp}:${check.signature}`;
    if (seen.has(replayKey, at.getTime())) {
      logger.warn('generic webhook replayed', { source });
      return problem(409, 'this signed request was already accepted; sign each delivery afresh');
    }

    const outcome = await acceptSignedBody({
      body,
      source: SOURCE,
      reasonPrefix: `${source}: `,
      normalize: (payload): GenericNormalizeResult =>
        normalizeGenericWebhook(payload, source, deps.directory, at.toISOString()),
      deps,
    });
    if ('refused' in outcome) return outcome.refused;
    const { interactions, rejected } = outcome.accepted;
    // Only an accepted request counts as seen: a retry after our own failure must get through.
    seen.add(replayKey, (check.timestamp + MAX_SIGNATURE_AGE_SECONDS + 60) * 1000, at.getTime());
    const refused = rejected.map(({ index, reason }) => ({ index, reason }));
    if (!interactions.length && refused.length) {
      return json(422, { error: 'no item was accepted', accepted: 0, rejected: refused });
    }
    return json(200, { accepted: interactions.length, ...(refused.length ? { rejected: refused } : {}) });
  };
}
