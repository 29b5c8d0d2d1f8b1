import type { Brand } from './brand-config';
import { type CareCase, type CaseMessage, laneOf, moveToLane } from './cases';
import type { SentimentLabel } from './sentiment';

/**
 * Learning from the team: an agent corrects what triage read on a case (sentiment, topic, whether it
 * needs a reply) in one click. The case changes at once, and the correction is kept per brand as a
 * labelled example (the customer's latest message, masked as stored) for training and calibration.
 */
export const CORRECTABLE_SENTIMENTS = ['NEGATIVE', 'NEUTRAL', 'POSITIVE'] as const;
export type CorrectedSentiment = (typeof CORRECTABLE_SENTIMENTS)[number];

export interface Correction {
  sentiment?: CorrectedSentiment;
  /** A topic of the brand, or null for "about nothing in particular". */
  topic?: string | null;
  needsReply?: boolean;
}

/** One labelled example: what triage read, what the agent said it is, on which message. */
export interface LabelledExample {
  brandId: string;
  caseId: string;
  platform: string;
  platformMessageId: string;
  /** The message as stored: private data already masked. */
  text: string;
  lang?: string;
  at: string;
  agentId: string;
  /** What triage read before the correction (the message's own reading), and what the agent set. */
  read: { sentiment?: SentimentLabel; topic?: string | null; needsReply?: boolean };
  corrected: Correction;
}

/** The labelled examples port: per brand, by time. */
export interface CorrectionStore {
  add(example: LabelledExample): Promise<void>;
  listForBrand(brandId: string, from: string, to: string): Promise<LabelledExample[]>;
}

export class InvalidCorrectionError extends Error {
  constructor(
    readonly field: string,
    /** What the field must be, without the field's name (the API's answer names it once). */
    readonly expected: string,
  ) {
    super(`${field}: ${expected}`);
    this.name = 'InvalidCorrectionError';
  }
}

/** Checks a correction against the brand's topics; at least one field, each valid. */
export function parseCorrection(body: Record<string, unknown>, brand: Brand): Correction {
  const correction: Correction = {};
  if (body.sentiment !== undefined) {
    if (!(CORRECTABLE_SENTIMENTS as readonly unknown[]).includes(body.sentiment))
      throw new InvalidCorrectionError('sentiment', `one of ${CORRECTABLE_SENTIMENTS.join(', ')}`);
    correction.sentiment = body.sentiment as CorrectedSentiment;
  }
  if (body.topic !== undefined) {
    const names = brand.topics.map((t) => t.name);
    if (body.topic !== null && (typeof body.topic !== 'string' || !names.includes(body.topic)))
      throw new InvalidCorrectionError('topic', `one of the brand's topics (${names.join(', ')}) or null`);
    correction.topic = body.topic as string | null;
  }
  if (body.needsReply !== undefined) {
    if (typeof body.needsReply !== 'boolean') throw new InvalidCorrectionError('needsReply', 'true or false');
    correction.needsReply = body.needsReply;
  }
  if (!Object.keys(correction).length)
    throw new InvalidCorrectionError('sentiment', 'say what to correct: sentiment, topic or needsReply');
  return correction;
}

/** The customer's latest message: the one a correction is about. */
export function correctedMessage(messages: CaseMessage[]): CaseMessage | undefined {
  return messages
    .filter((m) => m.direction === 'in')
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
    .at(-1);
}

/**
 * The case after a correction: the sentiment the agent set is the case's (and its latest reading's),
 * the topic is the case's, and "needs a reply" moves the case to that lane (deadlines from now).
 */
export function applyCorrection(
  brand: Brand,
  careCase: CareCase,
  correction: Correction,
  agentId: string,
  now: Date,
): CareCase {
  let updated: CareCase = { ...careCase, version: careCase.version + 1 };
  if (correction.sentiment) {
    const scores = {
      positive: correction.sentiment === 'POSITIVE' ? 1 : 0,
      negative: correction.sentiment === 'NEGATIVE' ? 1 : 0,
      neutral: correction.sentiment === 'NEUTRAL' ? 1 : 0,
      mixed: 0,
    };
    const { sentimentNote: _note, ...rest } = updated;
    updated = {
      ...rest,
      sentiment: correction.sentiment,
      latestSentiment: correction.sentiment,
      sentimentScores: scores,
      sentimentNote: `corrected by ${agentId}`,
      // The agent's reading replaces triage's on the latest message: the case starts again from it.
      recentReadings: [
        { label: correction.sentiment, scores, source: careCase.sentimentSource, at: now.toISOString() },
      ],
      sentimentTrend: 'steady',
    };
  }
  if (correction.topic !== undefined) updated = { ...updated, topic: correction.topic };
  if (correction.needsReply !== undefined) {
    const lane = correction.needsReply ? 'reply' : 'no_reply';
    if (laneOf(updated) !== lane && updated.status !== 'resolved') {
      const moved = moveToLane(brand, updated, lane, `corrected by ${agentId}`, now);
      updated = { ...moved, version: updated.version };
    }
  }
  return updated;
}

/** The export's columns: one line per example, text masked as stored, tabs and newlines as spaces. */
export const LABEL_COLUMNS = [
  'at',
  'brandId',
  'caseId',
  'platform',
  'platformMessageId',
  'agentId',
  'sentiment',
  'topic',
  'needsReply',
  'readSentiment',
  'readTopic',
  'readNeedsReply',
  'text',
] as const;

const cell = (value: unknown) =>
  value === undefined ? '' : value === null ? 'null' : String(value).replace(/[\t\r\n]+/g, ' ');

export function labelLine(example: LabelledExample, format: 'tsv' | 'jsonl'): string {
  if (format === 'jsonl') return `${JSON.stringify(example)}\n`;
  const values: Record<(typeof LABEL_COLUMNS)[number], unknown> = {
    at: example.at,
    brandId: example.brandId,
    caseId: example.caseId,
    platform: example.platform,
    platformMessageId: example.platformMessageId,
    agentId: example.agentId,
    sentiment: example.corrected.sentiment,
    topic: example.corrected.topic,
    needsReply: example.corrected.needsReply,
    readSentiment: example.read.sentiment,
    readTopic: example.read.topic,
    readNeedsReply: example.read.needsReply,
    text: example.text,
  };
  return `${LABEL_COLUMNS.map((c) => cell(values[c])).join('\t')}\n`;
}

export const labelTsvHeader = () => `${LABEL_COLUMNS.join('\t')}\n`;
