import type { HttpResult } from '../commons/http';
import { problem } from '../commons/http';
import { logger } from '../commons/logger';
import { exactJsonOf } from '../core/exact-json';
import { type AccountEvent, fitInteraction, type Interaction } from '../core/interaction';
import type { MetricsSink } from '../core/metrics';
import type { DeadLetters, InteractionQueue } from '../core/queues';

/** What a channel's normalizer makes of a verified payload: nothing is dropped without a count or a reason. */
export interface NormalizeResult {
  interactions: Interaction[];
  /** Valid events we deliberately do not act on (likes, follows, our own posts...), counted by reason. */
  ignored: Record<string, number>;
  /** Events that should have been usable but are not: parked with the reason. */
  rejected: Array<{ reason: string; event: unknown }>;
  /** Things that happened to our own accounts (X oauth.revoke): queued for triage beside the interactions. */
  accountEvents?: AccountEvent[];
}

/** A JSON object (not null, not an array): what every normalizer checks before reading fields. */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export class MalformedPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPayloadError';
  }
}

export interface AcceptDeps {
  queue: InteractionQueue;
  deadLetters: DeadLetters;
  metrics?: MetricsSink;
}

/** The event as the platform sent it (long numeric ids digit for digit), or else the whole signed body. */
function parkedJsonOf(event: unknown, payload: unknown, text: string): string {
  try {
    return exactJsonOf(event, payload, text) ?? 'null';
  } catch {
    // An event nested too deep to serialize again is kept as the whole signed body.
    return text;
  }
}

/**
 * Every webhook's step after its signature check: parse the signed bytes, normalize, park what cannot
 * be used with its reason (a signed body that is not JSON, a malformed payload, each rejected event),
 * enqueue the rest in batches, count them. Returns the 400 to answer, or what was accepted.
 */
export async function acceptSignedBody<R extends NormalizeResult>(options: {
  body: Buffer;
  /** Who parks, e.g. "x-webhook". */
  source: string;
  /** Put before each parked reason, e.g. the review source's name. */
  reasonPrefix?: string;
  normalize: (payload: unknown) => R;
  deps: AcceptDeps;
}): Promise<{ refused: HttpResult } | { accepted: R }> {
  const { body, source, deps } = options;
  const prefix = options.reasonPrefix ?? '';
  let payload: unknown;
  const text = body.toString('utf8');
  try {
    payload = JSON.parse(text);
  } catch {
    await deps.deadLetters.park([
      { source, reason: `${prefix}signed body is not JSON`, body: body.toString('base64') },
    ]);
    logger.warn('webhook body is not JSON; parked', { source, bytes: body.length });
    return { refused: problem(400, 'body is not JSON') };
  }

  let normalized: R;
  try {
    normalized = options.normalize(payload);
  } catch (error) {
    if (!(error instanceof MalformedPayloadError)) throw error;
    await deps.deadLetters.park([
      { source, reason: `${prefix}${error.message}`, body: body.toString('utf8') },
    ]);
    logger.warn('webhook payload malformed; parked', { source, reason: error.message });
    return { refused: problem(400, error.message) };
  }

  const { ignored, rejected } = normalized;
  // An overlong post is kept cut, with a note: whole, it would fail the queue's or the table's size limit.
  const interactions = normalized.interactions.map(fitInteraction);
  const accountEvents = normalized.accountEvents ?? [];
  if (rejected.length) {
    await deps.deadLetters.park(
      rejected.map(({ reason, event }) => ({
        source,
        reason: `${prefix}${reason}`,
        body: parkedJsonOf(event, payload, text),
      })),
    );
  }
  if (interactions.length || accountEvents.length)
    await deps.queue.enqueue([...interactions, ...accountEvents]);
  for (const interaction of interactions) deps.metrics?.record('InteractionsAccepted', interaction.brandId);
  deps.metrics?.flush();
  logger.info('webhook accepted', {
    source,
    enqueued: interactions.length,
    ...(accountEvents.length ? { accountEvents: accountEvents.map((e) => e.event) } : {}),
    ignored,
    parked: rejected.length,
    messageIds: interactions.map((i) => i.platformMessageId),
  });
  return { accepted: { ...normalized, interactions } };
}
