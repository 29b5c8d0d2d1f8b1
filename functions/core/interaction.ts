import * as z from 'zod';

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
  platformMessageId: z.string().min(1),
  brandId: z.string().min(1),
  /** Our account the post was addressed to. */
  account: z.object({ id: z.string().min(1), role: z.enum(ACCOUNT_ROLES) }),
  author: z.object({
    id: z.string().min(1),
    handle: z.string().optional(),
    name: z.string().optional(),
    followers: z.number().int().nonnegative().optional(),
    verified: z.boolean().optional(),
  }),
  text: z.string(),
  lang: z.string().optional(),
  createdAt: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
  /** Thread or DM conversation this message belongs to. */
  conversationId: z.string().optional(),
  inReplyToId: z.string().optional(),
  url: z.string().optional(),
  /** The platform notified ids only (Instagram mentions): triage reads the text before anything else. */
  pendingContent: z
    .object({
      from: z.literal('instagram-mention'),
      mediaId: z.string().min(1),
      commentId: z.string().optional(),
    })
    .optional(),
});

export type Interaction = z.infer<typeof interactionSchema>;

export class MalformedInteractionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedInteractionError';
  }
}

/** Parses a queued interaction; a bad one is a MalformedInteractionError naming the first bad field. */
export function parseInteraction(json: string): Interaction {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new MalformedInteractionError('interaction is not JSON', { cause });
  }
  const result = interactionSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new MalformedInteractionError(`interaction field ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}
