import type { Brand, Priority } from './brand-config';
import { addOpenTime, openTimeBetween } from './calendar';
import {
  type DeadlineKind,
  firstResponseDueAt,
  nextDeadline,
  nextResponseDueAt,
  resolutionDueAt,
} from './deadlines';
import type { AccountRole, Interaction, Platform } from './interaction';
import type { RoutingExtras } from './routing/rules';
import type { Sentiment, SentimentLabel } from './sentiment';
import { sha256Hex } from './sha256';
import { type SlaRecord, type SlaState, scheduleSla } from './sla';
import { higherPriority, type TriageDecision } from './triage';

export type CaseStatus = 'open' | 'waiting_on_customer' | 'resolved';

export type SentimentTrend = 'improving' | 'worsening' | 'steady';

/** One message's reading, as the case keeps its recent ones. */
export interface SentimentReading {
  label: SentimentLabel;
  scores: Sentiment['scores'];
  source: Sentiment['source'];
  note?: string;
  at: string;
}

/** How many of the customer's latest readings the case's sentiment and trend look at. */
export const RECENT_READINGS = 5;

/**
 * `reply`: the customer is owed an answer, with deadlines. `no_reply`: nothing in the case needs one
 * (thanks, praise, bare mentions, spam): recorded and visible, never timed, never paged, never
 * answered by the bot. A case without a lane (written before lanes) is in the reply lane.
 */
export const CASE_LANES = ['reply', 'no_reply'] as const;
export type CaseLane = (typeof CASE_LANES)[number];

/** The lane a case is in (cases written before lanes are in the reply lane). */
export function laneOf(careCase: Pick<CareCase, 'lane'>): CaseLane {
  return careCase.lane ?? 'reply';
}

/** Whether a post needs a reply, and why (core/needs-reply.ts decides). */
export interface ReplyNeed {
  needsReply: boolean;
  reason: string;
}

export interface CustomerRef {
  platform: Platform;
  id: string;
  handle?: string;
  name?: string;
}

export interface AbuseMark {
  by: string;
  at: string;
  note?: string;
}

export interface CustomerProfile {
  openCaseId?: string;
  /** Every case of this customer with the brand, oldest first: one history per customer. */
  caseIds?: string[];
  /** Cases opened for this customer with this brand, the current one included. */
  caseCount: number;
  /** A repeat abuser the team chose to stop feeding: low priority, no pages, no automatic replies. */
  abusive?: AbuseMark;
  /** The same person elsewhere, as the team linked them: one history across channels. */
  links?: CustomerRef[];
  crmId?: string;
}

export interface CareCase {
  caseId: string;
  brandId: string;
  platform: Platform;
  status: CaseStatus;
  /** Optimistic-locking counter: every update names the version it read. */
  version: number;
  priority: Priority;
  priorityReasons: string[];
  risks: string[];
  /**
   * The worst recent reading of the customer's messages on this case (the last RECENT_READINGS): what
   * the queue, reports and pages use. A calm follow-up does not hide an angry message just before it.
   */
  sentiment: SentimentLabel;
  /** The readings `sentiment` is the worst of, oldest first (cases before trends: absent). */
  recentReadings?: SentimentReading[];
  /** The latest reading against the ones before it: calmer (improving), angrier (worsening) or steady. */
  sentimentTrend?: SentimentTrend;
  /** The reading of the customer's latest message. */
  latestSentiment?: SentimentLabel;
  sentimentScores: Sentiment['scores'];
  sentimentSource: Sentiment['source'];
  /** How the sentiment was read when it matters: the language, a fallback to the local classifier. */
  sentimentNote?: string;
  intent: string | null;
  action: TriageDecision['action'];
  /** Which lane the case is in; absent on cases written before lanes (the reply lane). */
  lane?: CaseLane;
  /** Why the case is in its lane: the needs-a-reply reason of the message that put it there, or the agent's move. */
  laneReason?: string;
  /** When the case entered the reply lane after starting in the no-reply lane: its reply clocks start here. */
  replyLaneSince?: string;
  /** What the case is about: the brand's topic of the latest message that had one (config `topics`). */
  topic?: string | null;
  customer: CustomerRef;
  /** Our account the customer wrote to, and whether that was the care or the bot account. */
  accountId: string;
  accountRole: AccountRole;
  visibility: Interaction['visibility'];
  /**
   * `listening`: opened by a post found by brand-keyword search that did not mention or quote our
   * account; X lets this app answer it in public only from X's own app (agent desk refuses).
   */
  source?: 'listening';
  conversationId?: string;
  /** First words of the opening message, for the queue view. */
  subject: string;
  /** First words of the customer's latest message when they wrote more than once: what the queue shows. */
  latestText?: string;
  openedAt: string;
  lastInboundAt: string;
  messageCount: number;
  /** When the customer started waiting for our answer; unset while we owe nothing. */
  awaitingReplySince?: string;
  firstResponseDueAt?: string;
  nextResponseDueAt?: string;
  resolutionDueAt?: string;
  nextDeadlineAt?: string;
  nextDeadlineKind?: DeadlineKind;
  /** Where the SLA monitor stands on the next deadline; its checkAt keys the deadline index. */
  sla?: SlaState;
  /** Every warning, breach and repeat page, in order: deadlines met or missed, on the record. */
  slaHistory?: SlaRecord[];
  /** While waiting on the customer the resolution clock is paused since this instant. */
  pausedAt?: string;
  firstRespondedAt?: string;
  /** Who gave the first response: the FAQ bot or an agent (reports show their times apart). */
  firstResponseBy?: 'bot' | 'agent';
  resolvedAt?: string;
  /** "bot" when the FAQ bot answered it, "auto-close" when it closed waiting on the customer, else the agent. */
  resolvedBy?: string;
  /** When the customer wrote again after auto-close resolved it, within the reopen window. */
  reopenedAt?: string;
  /** The customer's earlier case this one follows (they wrote again after its reopen window). */
  previousCaseId?: string;
  /** The FAQ bot's answer to the question, for the agent (or the one it sent). */
  suggestedReply?: string;
  /** Why the bot did not answer a post addressed to it. */
  botDeclined?: string;
  /** The brand location the case is about (a location code: core/locations.ts); its local managers see it. */
  location?: string;
  /** How the location was found: the review site's place id, the account it came to, or its text. */
  locationBy?: 'review_place' | 'account' | 'text';
  /** The agent who owns the case. */
  assignee?: string;
  /** The team the routing rules picked when the case opened; absent: the brand's shared queue. */
  team?: string;
  /** Which routing rule picked the team and why (like priorityReasons), and what it read. */
  routedBy?: CaseRouting;
  /** Set when routing chose the assignee itself: the customer's last agent, or the least-loaded one. */
  assignedBy?: { how: 'sticky' | 'auto'; at: string };
  tags?: string[];
  lastAgentReplyAt?: string;
  /** Set when a reply could not be delivered or may have been delivered twice: an agent must look. */
  deliveryProblem?: string;
  /** Where the latest reply is: queued, waiting for the platform (until when, why), sent, failed. */
  replyDelivery?: ReplyDelivery;
}

export interface CaseRouting {
  /** The rule's id; null when no rule matched. */
  rule: string | null;
  reasons: string[];
  /** The version of the brand's rules in force (0: the brand config's). */
  version: number;
  /** What the rules read beyond the case itself, kept so a dry run can replay them. */
  facts: RoutingExtras;
}

export interface ReplyDelivery {
  outboxId: string;
  status: 'queued' | 'deferred' | 'sent' | 'failed' | 'uncertain';
  /** When this state was reached. */
  at: string;
  /** Deferred: the platform's own "not before" (a rate-limit reset) or our backoff. */
  until?: string;
  reason?: string;
}

export interface CaseMessage {
  caseId: string;
  direction: 'in' | 'out';
  platform: Platform;
  platformMessageId: string;
  kind: Interaction['kind'];
  visibility: Interaction['visibility'];
  authorId: string;
  text: string;
  lang?: string;
  createdAt: string;
  receivedAt: string;
  inReplyToId?: string;
  url?: string;
  sentiment?: SentimentLabel;
  /** Whether triage found the message needs a reply, and why (inbound messages). */
  needsReply?: boolean;
  needsReplyReason?: string;
  /** The brand's topic triage found in the message, if any. */
  topic?: string;
  /** The post a quote quotes, with its text when the platform sent it. */
  quoted?: { id: string; text?: string };
  /** For outbound messages: "bot", "system" or the agent who wrote it, and why it was sent. */
  sentBy?: string;
  reason?: string;
  /** `listening`: found by keyword search, not addressed to us (no public reply from this app on X). */
  source?: 'listening';
}

export type WriteOutcome = 'written' | 'duplicate' | 'conflict';

export interface CaseNote {
  caseId: string;
  noteId: string;
  author: string;
  text: string;
  at: string;
}

/** The case store port: single conditional writes the domain can retry. */
export interface CaseStore {
  /** Which of these platform message ids were already recorded (a cheap check before classifying). */
  findRecorded(keys: Array<{ platform: Platform; platformMessageId: string }>): Promise<Set<string>>;
  /** The customer's profile with this brand: open case, how many cases so far, an abuse mark. */
  getCustomerProfile(brandId: string, customer: CustomerRef): Promise<CustomerProfile | undefined>;
  /** Records that two identities are the same person (both ways). */
  linkCustomers(brandId: string, a: CustomerRef, b: CustomerRef): Promise<void>;
  setCrmId(brandId: string, customer: CustomerRef, crmId: string | null): Promise<void>;
  /** Marks (or, with null, unmarks) a customer as abusive. The record is kept either way. */
  markAbusive(brandId: string, customer: CustomerRef, mark: AbuseMark | null): Promise<void>;
  getCase(caseId: string): Promise<CareCase | undefined>;
  /** Creates the case, its first message, the dedupe key and the customer's open-case pointer, all or none. */
  openCase(careCase: CareCase, message: CaseMessage): Promise<WriteOutcome>;
  /**
   * Writes the message (in or out) and replaces the case if it is still at `expectedVersion`, all or
   * none. A case that becomes resolved frees the customer's open-case slot.
   */
  attachMessage(updated: CareCase, expectedVersion: number, message: CaseMessage): Promise<WriteOutcome>;
  /** Replaces the case if it is still at `expectedVersion`. */
  updateCase(updated: CareCase, expectedVersion: number): Promise<WriteOutcome>;
  /** Every case of the brand that is not resolved (all pages: the queue's counts depend on it). */
  listOpenCases(brandId: string): Promise<CareCase[]>;
  listMessages(caseId: string): Promise<CaseMessage[]>;
  addNote(note: CaseNote): Promise<void>;
  listNotes(caseId: string): Promise<CaseNote[]>;
  /** Records that an agent has the case open now; returns who else had it open in the last minute. */
  touchPresence(caseId: string, agent: string, at: Date): Promise<string[]>;
  /** Who other than `agent` had the case open in the last minute, without recording anything. */
  listViewers(caseId: string, agent: string, at: Date): Promise<string[]>;
  /** Every case of a brand opened in [from, to] (ISO instants), for reports. */
  listCasesOpenedBetween(brandId: string, from: string, to: string): Promise<CareCase[]>;
}

export function recordedKey(platform: Platform, platformMessageId: string): string {
  return `${platform}:${platformMessageId}`;
}

/**
 * What a case id is made of: characters that stand in a URL path segment as they are (RFC 3986
 * unreserved, and `:`), so every route and link can name any case. The agent API's routes use this.
 */
export const CASE_ID_CHARACTERS = '[A-Za-z0-9_.:~-]';
const CASE_ID_MAX_LENGTH = 200;

/**
 * `<platform>-<the platform's message id>`, e.g. `x-1860000000000000001`. A source id with other
 * characters (a generic source's `/`, spaces, letters beyond ASCII, Messenger's `$`) has each UTF-8
 * byte of them written `~XX` (and `~` itself as `~7E`), so two ids never meet; one that would grow
 * too long becomes `<platform>-~h<sha-256 of the id>` instead (`~h` is never an escape).
 */
export function caseIdFor(interaction: Interaction): string {
  const id = interaction.platformMessageId;
  const escaped = id.replace(/[^A-Za-z0-9_.:-]/gu, (char) =>
    [...new TextEncoder().encode(char)]
      .map((byte) => `~${byte.toString(16).toUpperCase().padStart(2, '0')}`)
      .join(''),
  );
  const caseId = `${interaction.platform}-${escaped}`;
  if (caseId.length <= CASE_ID_MAX_LENGTH) return caseId;
  return `${interaction.platform}-~h${sha256Hex(id)}`;
}

/** Recomputes the next deadline and its SLA schedule. Waiting on the customer pauses every clock. */
export function withNextDeadline(brand: Brand, careCase: CareCase): CareCase {
  const running = careCase.status === 'open';
  const next = running
    ? nextDeadline({
        first_response: careCase.firstRespondedAt ? undefined : careCase.firstResponseDueAt,
        next_response: careCase.nextResponseDueAt,
        resolution: careCase.resolutionDueAt,
      })
    : undefined;
  const { nextDeadlineAt: _at, nextDeadlineKind: _kind, sla: previous, ...rest } = careCase;
  if (!next) return rest;
  const startedAt =
    next.kind === 'next_response'
      ? (careCase.awaitingReplySince ?? careCase.lastInboundAt)
      : (careCase.replyLaneSince ?? careCase.openedAt);
  const sla = scheduleSla(brand, previous, { ...next, startedAt });
  return { ...rest, nextDeadlineAt: next.at, nextDeadlineKind: next.kind, ...(sla ? { sla } : {}) };
}

export function messageFromInteraction(
  caseId: string,
  interaction: Interaction,
  sentiment: Sentiment,
  reading?: { need?: ReplyNeed; topic?: string | null },
): CaseMessage {
  return {
    caseId,
    direction: 'in',
    platform: interaction.platform,
    platformMessageId: interaction.platformMessageId,
    kind: interaction.kind,
    visibility: interaction.visibility,
    authorId: interaction.author.id,
    text: interaction.text,
    ...(interaction.lang ? { lang: interaction.lang } : {}),
    createdAt: interaction.createdAt,
    receivedAt: interaction.receivedAt,
    ...(interaction.inReplyToId ? { inReplyToId: interaction.inReplyToId } : {}),
    ...(interaction.url ? { url: interaction.url } : {}),
    ...(interaction.quoted ? { quoted: interaction.quoted } : {}),
    ...(interaction.source ? { source: interaction.source } : {}),
    sentiment: sentiment.label,
    ...(reading?.need ? { needsReply: reading.need.needsReply, needsReplyReason: reading.need.reason } : {}),
    ...(reading?.topic ? { topic: reading.topic } : {}),
  };
}

export function customerOf(interaction: Interaction): CustomerRef {
  const { id, handle, name } = interaction.author;
  return { platform: interaction.platform, id, ...(handle ? { handle } : {}), ...(name ? { name } : {}) };
}

/** From worst to best: the case keeps the worst reading of its customer's messages. */
const SENTIMENT_SEVERITY: Record<Sentiment['label'], number> = {
  NEGATIVE: 3,
  MIXED: 2,
  NEUTRAL: 1,
  POSITIVE: 0,
};
function isAsBad(reading: Sentiment['label'], than: Sentiment['label']): boolean {
  return SENTIMENT_SEVERITY[reading] >= SENTIMENT_SEVERITY[than];
}

function readingOf(sentiment: Sentiment, at: string): SentimentReading {
  return {
    label: sentiment.label,
    scores: sentiment.scores,
    source: sentiment.source,
    ...(sentiment.note ? { note: sentiment.note } : {}),
    at,
  };
}

/**
 * The trend of a case's readings, oldest first: the latest against the average of the ones before it
 * (severity NEGATIVE 3, MIXED 2, NEUTRAL 1, POSITIVE 0); half a step either way is still steady.
 */
export function sentimentTrendOf(labels: readonly SentimentLabel[]): SentimentTrend {
  if (labels.length < 2) return 'steady';
  const latest = SENTIMENT_SEVERITY[labels.at(-1) as SentimentLabel];
  const earlier = labels.slice(0, -1);
  const before = earlier.reduce((sum, label) => sum + SENTIMENT_SEVERITY[label], 0) / earlier.length;
  if (latest < before - 0.5) return 'improving';
  if (latest > before + 0.5) return 'worsening';
  return 'steady';
}

/**
 * A new reading on the case: the case's sentiment becomes the worst of its recent readings (the later
 * of equals), with that reading's scores; the trend compares the new reading with the ones before.
 * A case from before trends counts its one stored sentiment as its only earlier reading.
 */
function withReading(
  existing: CareCase,
  sentiment: Sentiment,
  at: string,
): Pick<
  CareCase,
  'sentiment' | 'sentimentScores' | 'sentimentSource' | 'recentReadings' | 'sentimentTrend'
> & {
  sentimentNote?: string;
} {
  const earlier: SentimentReading[] = existing.recentReadings ?? [
    {
      label: existing.sentiment,
      scores: existing.sentimentScores,
      source: existing.sentimentSource,
      ...(existing.sentimentNote ? { note: existing.sentimentNote } : {}),
      at: existing.lastInboundAt,
    },
  ];
  const recent = [...earlier, readingOf(sentiment, at)].slice(-RECENT_READINGS);
  let worst = recent[0] as SentimentReading;
  for (const reading of recent) if (isAsBad(reading.label, worst.label)) worst = reading;
  return {
    sentiment: worst.label,
    sentimentScores: worst.scores,
    sentimentSource: worst.source,
    ...(worst.note ? { sentimentNote: worst.note } : {}),
    recentReadings: recent,
    sentimentTrend: sentimentTrendOf(recent.map((r) => r.label)),
  };
}

/** The first words of a post, as the queue lists them. */
function subjectOf(text: string): string {
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

/** A new case for a customer with none open. Deadlines start when the post reached us (the queue clock). */
export function openNewCase(
  brand: Brand,
  interaction: Interaction,
  sentiment: Sentiment,
  triage: TriageDecision,
  reading: { need?: ReplyNeed; topic?: string | null } = {},
): CareCase {
  const received = new Date(interaction.receivedAt);
  const subject = subjectOf(interaction.text);
  const needsReply = reading.need?.needsReply ?? true;
  // Nothing to answer: the no-reply lane, with no clock at all (no deadline, no SLA, no page).
  const clocks = needsReply
    ? {
        awaitingReplySince: interaction.receivedAt,
        firstResponseDueAt: firstResponseDueAt(brand, interaction, triage.priority, received).toISOString(),
        resolutionDueAt: resolutionDueAt(brand, interaction, received).toISOString(),
      }
    : {};
  return withNextDeadline(brand, {
    caseId: caseIdFor(interaction),
    brandId: brand.id,
    platform: interaction.platform,
    status: 'open',
    version: 1,
    priority: triage.priority,
    priorityReasons: triage.priorityReasons,
    risks: triage.risks,
    sentiment: sentiment.label,
    sentimentScores: sentiment.scores,
    sentimentSource: sentiment.source,
    ...(sentiment.note ? { sentimentNote: sentiment.note } : {}),
    latestSentiment: sentiment.label,
    recentReadings: [readingOf(sentiment, interaction.receivedAt)],
    sentimentTrend: 'steady',
    intent: triage.intent,
    action: triage.action,
    lane: needsReply ? 'reply' : 'no_reply',
    ...(reading.need ? { laneReason: reading.need.reason } : {}),
    ...(reading.topic !== undefined ? { topic: reading.topic } : {}),
    ...(triage.suggestedReply ? { suggestedReply: triage.suggestedReply } : {}),
    ...(triage.botDeclined ? { botDeclined: triage.botDeclined } : {}),
    ...(triage.location ? { location: triage.location, locationBy: triage.locationBy ?? 'text' } : {}),
    customer: customerOf(interaction),
    accountId: interaction.account.id,
    accountRole: interaction.account.role,
    visibility: interaction.visibility,
    ...(interaction.source ? { source: interaction.source } : {}),
    ...(interaction.conversationId ? { conversationId: interaction.conversationId } : {}),
    subject,
    openedAt: interaction.receivedAt,
    lastInboundAt: interaction.receivedAt,
    messageCount: 1,
    ...clocks,
  });
}

/**
 * The customer wrote again on an open case. Priority only rises; a first-response deadline can only
 * come sooner; once we have answered, a new message owes a next response.
 */
export function attachToCase(
  brand: Brand,
  existing: CareCase,
  interaction: Interaction,
  sentiment: Sentiment,
  triage: TriageDecision,
  reading: { need?: ReplyNeed; topic?: string | null } = {},
): CareCase {
  const needsReply = reading.need?.needsReply ?? true;
  if (!needsReply || laneOf(existing) === 'no_reply') {
    return attachWithoutReplyOwed(brand, existing, interaction, sentiment, triage, reading);
  }
  const received = new Date(interaction.receivedAt);
  const fromMessage = withMessage(existing, interaction, sentiment, triage, reading);
  const priority = fromMessage.priority;
  const updated: CareCase = {
    ...fromMessage,
    status: 'open',
    action: triage.action === 'escalate' ? 'escalate' : existing.action,
    awaitingReplySince: existing.awaitingReplySince ?? interaction.receivedAt,
  };
  if (existing.status === 'waiting_on_customer' && existing.pausedAt && existing.resolutionDueAt) {
    // The resolution clock stood still while we waited on the customer: it resumes with what was left.
    const left = openTimeBetween(
      brand.calendar,
      new Date(existing.pausedAt),
      new Date(existing.resolutionDueAt),
    );
    updated.resolutionDueAt = addOpenTime(brand.calendar, received, left).toISOString();
    delete updated.pausedAt;
  }
  if (!existing.firstRespondedAt) {
    const sooner = firstResponseDueAt(
      brand,
      existing,
      priority,
      new Date(existing.replyLaneSince ?? existing.openedAt),
    ).toISOString();
    if (!existing.firstResponseDueAt || sooner < existing.firstResponseDueAt)
      updated.firstResponseDueAt = sooner;
  } else if (!existing.nextResponseDueAt) {
    updated.nextResponseDueAt = nextResponseDueAt(brand, existing, priority, received).toISOString();
  }
  return withNextDeadline(brand, updated);
}

/** What any new message of the customer changes on the case, whatever it owes: readings, words, counts. */
function withMessage(
  existing: CareCase,
  interaction: Interaction,
  sentiment: Sentiment,
  triage: TriageDecision,
  reading: { need?: ReplyNeed; topic?: string | null },
): CareCase {
  const priority = higherPriority(existing.priority, triage.priority);
  const raised = priority !== existing.priority;
  // The note belongs to the reading the case shows: withReading sets it again when that one has one.
  const { sentimentNote: _note, ...rest } = existing;
  return {
    ...rest,
    version: existing.version + 1,
    priority,
    priorityReasons: raised ? triage.priorityReasons : existing.priorityReasons,
    risks: [...new Set([...existing.risks, ...triage.risks])],
    ...withReading(existing, sentiment, interaction.receivedAt),
    latestSentiment: sentiment.label,
    intent: triage.intent ?? existing.intent,
    // A message about nothing in particular ("thanks!") leaves the case's topic as it was.
    ...(reading.topic ? { topic: reading.topic } : {}),
    ...(triage.suggestedReply ? { suggestedReply: triage.suggestedReply } : {}),
    // A case keeps the location it was opened with; one opened without gains the first one named.
    ...(!existing.location && triage.location
      ? { location: triage.location, locationBy: triage.locationBy ?? 'text' }
      : {}),
    lastInboundAt: [interaction.receivedAt, existing.lastInboundAt].sort().at(-1) as string,
    // Messages can arrive out of order: the latest words are those of the latest post.
    ...(interaction.receivedAt >= existing.lastInboundAt ? { latestText: subjectOf(interaction.text) } : {}),
    messageCount: existing.messageCount + 1,
  };
}

/**
 * A message that needs no reply, or one on a case in the no-reply lane. On a no-reply case, a message
 * that needs a reply moves the case to the reply lane with every clock started from that message; one
 * that does not leaves it untimed. On a reply-lane case, a message that needs no reply ("thanks, all
 * sorted") is recorded without starting a clock: the case stays as it was (waiting on the customer
 * stays waiting; an answer still owed stays owed, on its own deadline).
 */
function attachWithoutReplyOwed(
  brand: Brand,
  existing: CareCase,
  interaction: Interaction,
  sentiment: Sentiment,
  triage: TriageDecision,
  reading: { need?: ReplyNeed; topic?: string | null },
): CareCase {
  const updated = withMessage(existing, interaction, sentiment, triage, reading);
  const needsReply = reading.need?.needsReply ?? true;
  if (laneOf(existing) === 'reply') return withNextDeadline(brand, updated);
  if (!needsReply) {
    return withNextDeadline(brand, {
      ...updated,
      status: existing.status === 'resolved' ? 'open' : existing.status,
    });
  }
  const received = new Date(interaction.receivedAt);
  return withNextDeadline(brand, {
    ...replyLaneClocks(brand, updated, interaction.receivedAt, received),
    action: triage.action === 'escalate' ? 'escalate' : triage.action,
    ...(reading.need ? { laneReason: reading.need.reason } : {}),
  });
}

/**
 * A case entering the reply lane at `since` (a customer's message that needs a reply, or an agent's
 * move): open, owed an answer from then, with its first (or next) response and resolution deadlines
 * counted from then.
 */
function replyLaneClocks(brand: Brand, careCase: CareCase, since: string, from: Date): CareCase {
  const { pausedAt: _paused, ...rest } = careCase;
  return {
    ...rest,
    status: 'open',
    lane: 'reply',
    replyLaneSince: since,
    awaitingReplySince: since,
    ...(careCase.firstRespondedAt
      ? { nextResponseDueAt: nextResponseDueAt(brand, careCase, careCase.priority, from).toISOString() }
      : { firstResponseDueAt: firstResponseDueAt(brand, careCase, careCase.priority, from).toISOString() }),
    resolutionDueAt: resolutionDueAt(brand, careCase, from).toISOString(),
  };
}

/**
 * An agent moves a case to a lane. To the reply lane: owed an answer from now, deadlines from now.
 * To the no-reply lane: every clock stops (no deadline, no SLA step, no page); what was missed stays
 * on the record (slaHistory).
 */
export function moveToLane(
  brand: Brand,
  careCase: CareCase,
  lane: CaseLane,
  reason: string,
  now: Date,
): CareCase {
  const base: CareCase = { ...careCase, version: careCase.version + 1, laneReason: reason };
  if (lane === 'reply') return withNextDeadline(brand, replyLaneClocks(brand, base, now.toISOString(), now));
  const {
    awaitingReplySince: _waiting,
    firstResponseDueAt: _first,
    nextResponseDueAt: _next,
    resolutionDueAt: _resolution,
    pausedAt: _paused,
    replyLaneSince: _since,
    ...rest
  } = base;
  return withNextDeadline(brand, {
    ...rest,
    lane: 'no_reply',
    status: careCase.status === 'resolved' ? 'resolved' : 'open',
  });
}

/** What sending a reply does to the case's clocks. */
export function applySentReply(
  brand: Brand,
  careCase: CareCase,
  reply: { reason: string; sentBy: string; sentAt: string; writtenAt?: string },
): CareCase {
  const updated: CareCase = { ...careCase, version: careCase.version + 1 };
  const answers = reply.reason === 'faq_answer' || reply.reason === 'agent_reply';
  if (answers && !careCase.firstRespondedAt) {
    updated.firstRespondedAt = reply.sentAt;
    updated.firstResponseBy = reply.reason === 'faq_answer' ? 'bot' : 'agent';
  }
  // A case resolved meanwhile stays resolved; a customer who wrote again after the reply was written
  // is still owed an answer: the clocks only change when the reply answers everything so far.
  const answersAll =
    careCase.status !== 'resolved' && !(reply.writtenAt && careCase.lastInboundAt > reply.writtenAt);
  if (answers && answersAll) {
    if (reply.reason === 'faq_answer') {
      Object.assign(updated, { status: 'resolved', resolvedAt: reply.sentAt, resolvedBy: 'bot' });
    } else {
      Object.assign(updated, { status: 'waiting_on_customer', pausedAt: reply.sentAt });
    }
    delete updated.awaitingReplySince;
    delete updated.nextResponseDueAt;
  } else if (
    answers &&
    careCase.status !== 'resolved' &&
    laneOf(careCase) === 'reply' &&
    !updated.nextResponseDueAt
  ) {
    // The newer message now runs on the next-response clock, from when it arrived.
    updated.nextResponseDueAt = nextResponseDueAt(
      brand,
      careCase,
      careCase.priority,
      new Date(careCase.lastInboundAt),
    ).toISOString();
  }
  return withNextDeadline(brand, updated);
}

export function outboundMessage(
  caseId: string,
  sent: {
    platform: Platform;
    platformMessageId: string;
    accountId: string;
    visibility: Interaction['visibility'];
    text: string;
    sentAt: string;
    inReplyToId?: string;
    sentBy: string;
    reason: string;
  },
): CaseMessage {
  return {
    caseId,
    direction: 'out',
    platform: sent.platform,
    platformMessageId: sent.platformMessageId,
    kind: sent.visibility === 'private' ? 'dm' : 'reply',
    visibility: sent.visibility,
    authorId: sent.accountId,
    text: sent.text,
    createdAt: sent.sentAt,
    receivedAt: sent.sentAt,
    ...(sent.inReplyToId ? { inReplyToId: sent.inReplyToId } : {}),
    sentBy: sent.sentBy,
    reason: sent.reason,
  };
}

/** When the customer last wrote on the case (their post's own time): the Meta messaging window. */
export async function lastCustomerMessageAt(store: CaseStore, caseId: string): Promise<string | undefined> {
  const messages = await store.listMessages(caseId);
  return messages
    .filter((m) => m.direction === 'in')
    .map((m) => m.createdAt)
    .sort()
    .at(-1);
}
