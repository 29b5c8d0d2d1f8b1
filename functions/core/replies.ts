import type { Brand, BrandDirectory } from './brand-config';
import { isOpen, nextOpenAt } from './calendar';
import {
  answerFaq,
  type FaqReply,
  type FareSource,
  momentText,
  StaticFareSource,
  timezoneLabel,
  X_REPLY_LIMIT,
} from './faq/answer';
import type { Interaction } from './interaction';
import type { OutboundMessage, OutboundQueue, OutboxEntry, OutboxStore } from './outbox';
import { outboxIdFor } from './outbox';
import type { Sentiment } from './sentiment';

/** A counter per key and window: the bot's per-customer reply limit. */
export interface ReplyRateLimiter {
  /** Counts one more use in the window; false (and nothing counted) when the limit is reached. */
  tryConsume(key: string, limit: number, windowEnd: Date): Promise<boolean>;
}

export interface ReplyDeps {
  outbox: OutboxStore;
  queue: OutboundQueue;
  limiter: ReplyRateLimiter;
  /** The brand's own fare service; default: the knowledge base's fare table. */
  fares?: (brand: Brand) => FareSource;
}

const staticSources = new WeakMap<object, FareSource>();
function defaultFares(brand: Brand): FareSource {
  const kb = brand.knowledgeBase!;
  let source = staticSources.get(kb);
  if (!source) {
    source = new StaticFareSource(kb);
    staticSources.set(kb, source);
  }
  return source;
}

/** What the FAQ bot would do with a post (answer, hand off, suggest, nothing); undefined without a knowledge base. */
export async function readFaq(
  brand: Brand,
  directory: BrandDirectory,
  interaction: Interaction,
  sentiment: Sentiment,
  risks: string[],
  fares?: (brand: Brand) => FareSource,
): Promise<FaqReply | undefined> {
  if (!brand.knowledgeBase) return undefined;
  const author = interaction.author;
  const knownBot = brand.bot.knownBots.some(
    (b) => b === author.id || b.toLowerCase() === author.handle?.toLowerCase(),
  );
  return answerFaq(
    {
      text: interaction.text,
      addressedTo: interaction.account.role,
      sentiment: sentiment.label,
      risks,
      author: { isOwnAccount: directory.isOwnAccount(interaction.platform, author.id), isBot: knownBot },
      kb: brand.knowledgeBase,
      voice: brand.voice,
      careHandle: directory.careAccount(brand.id, interaction.platform)?.handle ?? brand.name,
      limit: X_REPLY_LIMIT,
      now: new Date(interaction.receivedAt),
      timezone: brand.calendar.timezone,
    },
    (fares ?? defaultFares)(brand),
  );
}

/** The acknowledgement for a post that arrives while the care team is away; undefined while it works. */
export function outOfHoursAcknowledgement(brand: Brand, receivedAt: Date): string | undefined {
  if (!brand.calendar.weekly || isOpen(brand.calendar, receivedAt)) return undefined;
  const opens = nextOpenAt(brand.calendar, receivedAt);
  if (!opens) return undefined;
  return brand.acknowledgements.outOfHours
    .replaceAll('{opensAt}', momentText(brand.calendar, opens, receivedAt, 'opens'))
    .replaceAll('{timezone}', timezoneLabel(brand.calendar.timezone));
}

export type PlannedReply = Omit<OutboundMessage, 'caseId'>;

/** The message that answers an interaction in its own channel: a DM for a DM, else a reply in thread. */
export function replyTo(
  interaction: Interaction,
  brandId: string,
  reason: OutboundMessage['reason'],
  text: string,
  from: OutboundMessage['account'],
  author: string,
): PlannedReply {
  const dm = interaction.visibility === 'private';
  return {
    outboxId: outboxIdFor(reason, interaction.platform, interaction.platformMessageId),
    brandId,
    platform: interaction.platform,
    account: from,
    delivery: dm ? 'direct_message' : 'public_reply',
    ...(dm ? { recipientId: interaction.author.id } : { inReplyToId: interaction.platformMessageId }),
    text,
    reason,
    author,
    createdAt: interaction.receivedAt,
  };
}

/** Writes the outbox entry (once per id, ever), before the case; it is queued once the case is written. */
export async function writeReply(reply: PlannedReply, caseId: string, deps: ReplyDeps): Promise<string> {
  const entry: OutboxEntry = { ...reply, caseId, status: 'pending', attempts: 0 };
  await deps.outbox.createOutbox(entry);
  return entry.outboxId;
}

const FIRST_REPLY_REASONS = ['faq_answer', 'hand_off', 'out_of_hours_ack'] as const;

/**
 * For a message already recorded (a redelivery): queues again any first reply still pending, in case
 * the run that recorded it stopped before queueing. The sender sends each entry at most once.
 */
export async function requeuePendingReplies(
  messages: Array<Pick<Interaction, 'platform' | 'platformMessageId'>>,
  deps: ReplyDeps,
): Promise<void> {
  const ids = messages.flatMap((m) =>
    FIRST_REPLY_REASONS.map((reason) => outboxIdFor(reason, m.platform, m.platformMessageId)),
  );
  const entries = await Promise.all(ids.map((id) => deps.outbox.getOutbox(id)));
  const pending = entries.filter((e): e is OutboxEntry => e?.status === 'pending').map((e) => e.outboxId);
  if (pending.length) await deps.queue.enqueue(pending);
}
