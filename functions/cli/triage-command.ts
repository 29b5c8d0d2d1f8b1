import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { type Brand, type BrandConfig, BrandDirectory } from '../core/brand-config';
import type { Interaction } from '../core/interaction';
import { locationFromText } from '../core/locations';
import { decideNeedsReply } from '../core/needs-reply';
import { readFaq } from '../core/replies';
import type { SentimentClassifier } from '../core/sentiment';
import { topicMatcherFor } from '../core/topics';
import { decideTriage, riskDetectorFor } from '../core/triage';

interface TriageLine {
  id: string;
  text: string;
  lang?: string;
  to: 'bot' | 'care';
}

/** A CLI line as the interaction the webhook would have produced, addressed to the brand's bot or care account. */
function asInteraction(line: TriageLine, brand: Brand, directory: BrandDirectory, now: Date): Interaction {
  const account = brand.accounts.find((a) => a.role === line.to) ?? brand.accounts[0]!;
  return {
    schemaVersion: 1,
    platform: account.platform,
    visibility: 'public',
    kind: 'mention',
    platformMessageId: line.id,
    brandId: brand.id,
    account: { id: account.id, role: line.to },
    author: { id: directory.isOwnAccount(account.platform, 'cli') ? 'cli-user' : 'cli' },
    text: line.text,
    ...(line.lang ? { lang: line.lang } : {}),
    createdAt: now.toISOString(),
    receivedAt: now.toISOString(),
  };
}

function parseLine(line: string): TriageLine | { id: string | null; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { id: null, error: 'line is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { id: null, error: 'line is not a JSON object' };
  const record = value as Record<string, unknown>;
  const id = typeof record.id === 'string' || typeof record.id === 'number' ? String(record.id) : null;
  if (id === null) return { id: null, error: '"id" must be a string' };
  if (typeof record.text !== 'string') return { id, error: '"text" must be a string' };
  if (record.lang !== undefined && typeof record.lang !== 'string')
    return { id, error: '"lang" must be a string' };
  if (record.to !== undefined && record.to !== 'bot' && record.to !== 'care')
    return { id, error: '"to" must be "bot" or "care"' };
  return {
    id,
    text: record.text,
    ...(typeof record.lang === 'string' ? { lang: record.lang } : {}),
    to: (record.to as 'bot' | 'care' | undefined) ?? 'care',
  };
}

/**
 * `socialcare triage`: JSON lines in, one decision per line out, in order, with the same domain code
 * as the triage Lambda. Lines are classified in chunks so a remote classifier is called in batches.
 */
export async function runTriageCommand(options: {
  config: BrandConfig;
  brandId?: string;
  sentiment: SentimentClassifier;
  input: Readable;
  output: Writable;
  chunkSize?: number;
  /** When the questions are asked ("is the lounge open now?"); default: the time of the run. */
  now?: Date;
}): Promise<{ lines: number; errors: number }> {
  const directory = new BrandDirectory(options.config);
  const brand = options.brandId ? directory.brand(options.brandId) : directory.allBrands[0];
  if (!brand) throw new Error(`unknown brand "${options.brandId}"`);
  const risks = riskDetectorFor(brand);
  const now = options.now ?? new Date();
  const chunkSize = options.chunkSize ?? 500;
  let lines = 0;
  let errors = 0;
  let pending: Array<ReturnType<typeof parseLine>> = [];

  const flush = async () => {
    const valid = pending.filter((p): p is TriageLine => !('error' in p));
    const sentiments = await options.sentiment.classify(
      valid.map((v) => ({ text: v.text, ...(v.lang ? { lang: v.lang } : {}) })),
    );
    let k = 0;
    let out = '';
    for (const item of pending) {
      if ('error' in item) {
        errors++;
        out += `${JSON.stringify({ id: item.id, error: item.error })}\n`;
        continue;
      }
      const sentiment = sentiments[k++]!;
      const found = risks.detect(item.text);
      const faq = await readFaq(
        brand,
        directory,
        asInteraction(item, brand, directory, now),
        sentiment,
        found,
      );
      const decision = decideTriage(
        { text: item.text, sentiment, addressedTo: item.to, ...(faq ? { faq } : {}) },
        found,
      );
      // What the bot would post: its answer, or its hand-off for a post addressed to it.
      const reply =
        item.to === 'bot' && faq && (faq.decision === 'answer' || faq.decision === 'hand_off')
          ? faq.text
          : null;
      const needs = decideNeedsReply({
        text: item.text,
        sentiment: sentiment.label,
        risks: found,
        intent: decision.intent,
      });
      const topic = topicMatcherFor(brand.topics).match(item.text);
      out += `${JSON.stringify({
        id: item.id,
        sentiment: { label: sentiment.label, scores: sentiment.scores },
        intent: decision.intent,
        action: decision.action,
        reply,
        needsReply: needs.needsReply,
        needsReplyReason: needs.reason,
        topic: topic.topic,
        // The brand location the text names (one, by whole words), else null: routing reads it.
        location: locationFromText(brand.locations, item.text) ?? null,
        confidence: Math.max(...Object.values(sentiment.scores)),
        priority: decision.priority,
        reasons: decision.priorityReasons,
        ...(decision.suggestedReply && item.to === 'care' ? { suggestion: decision.suggestedReply } : {}),
        ...(decision.botDeclined ? { declined: decision.botDeclined } : {}),
      })}\n`;
    }
    pending = [];
    if (!options.output.write(out)) await new Promise((resolve) => options.output.once('drain', resolve));
  };

  const reader = createInterface({ input: options.input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of reader) {
    if (line.trim() === '') continue;
    lines++;
    pending.push(parseLine(line));
    if (pending.length >= chunkSize) await flush();
  }
  if (pending.length) await flush();
  return { lines, errors };
}
