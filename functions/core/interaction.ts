import * as z from './schema';

/**
 * An interaction is one customer post or message, normalized from any platform.
 * It is what the webhooks enqueue and what triage consumes: the queue contract.
 */
export const PLATFORMS = ['x', 'facebook', 'instagram', 'generic'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const ACCOUNT_ROLES = ['care', 'bot'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export const interactionSchema = z.object({
  schemaVersion: z.literal(1),
  platform: z.enum(PLATFORMS),
  /** public: visible to everyone (mention, reply, comment); private: a direct message. */
  visibility: z.enum(['public', 'private']),
  kind: z.enum(['mention', 'reply', 'quote', 'dm', 'comment', 'review']),
  /** The platform's own id of this post or message: the idempotency key. */
  platformMessageId: z.string().check(z.minLength(1)),
  brandId: z.string().check(z.minLength(1)),
  /** Our account the post was addressed to. */
  account: z.object({ id: z.string().check(z.minLength(1)), role: z.enum(ACCOUNT_ROLES) }),
  author: z.object({
    id: z.string().check(z.minLength(1)),
    handle: z.optional(z.string()),
    name: z.optional(z.string()),
    followers: z.optional(z.number().check(z.int(), z.nonnegative())),
    verified: z.optional(z.boolean()),
  }),
  text: z.string(),
  lang: z.optional(z.string()),
  createdAt: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
  /** Thread or DM conversation this message belongs to. */
  conversationId: z.optional(z.string()),
  inReplyToId: z.optional(z.string()),
  url: z.optional(z.string()),
  /**
   * outbound: one of our accounts sent it from another tool (X's dm.sent): recorded on the customer's
   * case as ours, never a customer message, never opens a case, never answered. Absent: inbound.
   */
  direction: z.optional(z.enum(['inbound', 'outbound'])),
  /** For an outbound message: the customer it went to (whose case it belongs on). */
  recipient: z.optional(z.object({ id: z.string().check(z.minLength(1)), handle: z.optional(z.string()) })),
  /** The post a quote quotes (usually ours), with its text when the platform sent it. */
  quoted: z.optional(z.object({ id: z.string().check(z.minLength(1)), text: z.optional(z.string()) })),
  /**
   * `listening`: found by brand-keyword search; it neither mentioned nor quoted our account, so X lets
   * us reply to it in public only from X's own app. Absent: the post or message was addressed to us.
   */
  source: z.optional(z.literal('listening')),
  /** The platform notified ids only (Instagram mentions): triage reads the text before anything else. */
  pendingContent: z.optional(
    z.object({
      from: z.literal('instagram-mention'),
      mediaId: z.string().check(z.minLength(1)),
      commentId: z.optional(z.string()),
    }),
  ),
});

export type Interaction = z.infer<typeof interactionSchema>;

/**
 * Something that happened to one of our accounts rather than a customer's message (X's oauth.revoke:
 * the account took back our app's access). It travels the ingest queue beside interactions so the
 * webhook stays free of database calls; triage pages on-call and marks the account.
 */
export const accountEventSchema = z.object({
  schemaVersion: z.literal(1),
  type: z.literal('account_event'),
  event: z.literal('authorization_revoked'),
  platform: z.enum(PLATFORMS),
  /** The platform's own id of the event (X: event_uuid): the idempotency key. */
  platformEventId: z.string().check(z.minLength(1)),
  brandId: z.string().check(z.minLength(1)),
  account: z.object({ id: z.string().check(z.minLength(1)), role: z.enum(ACCOUNT_ROLES) }),
  occurredAt: z.iso.datetime({ offset: true }),
  receivedAt: z.iso.datetime(),
});

export type AccountEvent = z.infer<typeof accountEventSchema>;

/** What the ingest queue carries. */
export type IngestItem = Interaction | AccountEvent;

export const isAccountEvent = (item: IngestItem): item is AccountEvent =>
  (item as { type?: unknown }).type === 'account_event';

/** The key an ingest item is deduplicated by (an account event's id is kept apart from message ids). */
export function ingestKeyOf(item: IngestItem): { platform: Platform; platformMessageId: string } {
  return isAccountEvent(item)
    ? { platform: item.platform, platformMessageId: `event:${item.platformEventId}` }
    : { platform: item.platform, platformMessageId: item.platformMessageId };
}

export class MalformedInteractionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedInteractionError';
  }
}

/**
 * The longest text kept of one post: X's longest (25,000 characters for premium accounts), far beyond
 * any reply-worthy post and far below the 256 KB of an SQS message and the 400 KB of a DynamoDB item.
 */
export const MAX_TEXT_CHARS = 25_000;

/**
 * The interaction with its text cut to MAX_TEXT_CHARS characters (never inside a character), and a note
 * at the end saying so: a longer post is kept, triaged and answered instead of failing every write.
 */
export function fitInteraction(interaction: Interaction): Interaction {
  // Code units never undercount characters: a short text needs no split (the webhook's common case).
  if (interaction.text.length <= MAX_TEXT_CHARS) return interaction;
  const chars = [...interaction.text];
  if (chars.length <= MAX_TEXT_CHARS) return interaction;
  const note = ` [… cut by socialcare: the post has ${chars.length.toLocaleString('en')} characters; the first ${MAX_TEXT_CHARS.toLocaleString('en')} are kept]`;
  return { ...interaction, text: chars.slice(0, MAX_TEXT_CHARS).join('') + note };
}

/** Parses a queued interaction; a bad one is a MalformedInteractionError naming the first bad field. */
export function parseInteraction(json: string): Interaction {
  const item = parseIngestItem(json);
  if (isAccountEvent(item)) throw new MalformedInteractionError('an account event, not an interaction');
  return item;
}

/** Parses what the ingest queue carries: an interaction, or an account event (`type: "account_event"`). */
export function parseIngestItem(json: string): IngestItem {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new MalformedInteractionError('interaction is not JSON', { cause });
  }
  const event =
    typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'account_event';
  const result = event ? accountEventSchema.safeParse(value) : interactionSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    const what = event ? 'account event' : 'interaction';
    throw new MalformedInteractionError(`${what} field ${where}: ${issue?.message ?? 'invalid'}`);
  }
  // Queued before texts were cut at the webhook (a journal, a redrive): cut here too.
  return event ? result.data : fitInteraction(result.data as Interaction);
}
