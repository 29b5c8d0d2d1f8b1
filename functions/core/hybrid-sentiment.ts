import { describeLanguage, routeSentimentLanguage } from './language';
import type { Sentiment, SentimentClassifier, SentimentInput, SentimentScores } from './sentiment';

/**
 * Local readings whose score is at least this stand; the rest go to the remote classifier. On the
 * development set the local reader is right 85% of the time at or above 0.75 and 62% below it
 * (docs/sentiment.md), so below it a model has room to do better and above it little.
 */
export const DEFAULT_HYBRID_THRESHOLD = 0.7;

export interface HybridSentimentOptions {
  /** 0..1: local readings scoring at least this are kept (default {@link DEFAULT_HYBRID_THRESHOLD}). */
  threshold?: number;
  /** Told after every batch what was decided where, for metrics. */
  onBatch?: (stats: HybridBatchStats) => void;
}

export interface HybridBatchStats {
  inputs: number;
  /** Posts the local reader decided because it was confident. */
  local: number;
  /** Distinct posts sent to the remote classifier, in at most one classify() call. */
  remote: number;
  /** Posts never sent anywhere because there was nothing to read (only handles, links or nothing). */
  empty: number;
  /** Exact repeats of an earlier post in the same batch, given that post's reading. */
  duplicate: number;
  /** Retweets with no text of their own, read locally. */
  retweet: number;
  /** Posts in a language the remote does not read, read locally as English. */
  unsupportedLanguage: number;
  /** True when the remote call failed and its posts were read locally instead. */
  remoteFailed: boolean;
}

const NOTHING: SentimentScores = { positive: 0, negative: 0, neutral: 1, mixed: 0 };
/** Old-style retweets: the post is someone else's words. */
const RETWEET = /^\s*RT\s+@\w+:?\s/i;
const HANDLES_AND_LINKS = /\bhttps?:\/\/\S+|\bwww\.\S+|(^|[^\w])@\w+|\bRT\b:?/gi;
/** Letters, digits or emoji left once handles and links are gone. */
const SOMETHING_TO_READ = /[\p{L}\p{N}\p{Extended_Pictographic}]|[:;=]-?[()dp/]/iu;

type Plan =
  | { kind: 'empty' }
  | { kind: 'duplicate'; of: number }
  | { kind: 'local'; note?: string; why: 'retweet' | 'language' | 'confident' }
  | { kind: 'remote'; lang: string; note: string };

/**
 * Reads each post with the local classifier first and pays for the remote one (Comprehend) only where
 * the local reading is unsure or the language is one the local reader does not know. Posts with
 * nothing to read, exact duplicates within a batch and retweets without text of their own never reach
 * the remote. Every result says who decided (`source`) and why (`note`).
 */
export class HybridSentimentClassifier implements SentimentClassifier {
  private readonly threshold: number;

  constructor(
    private readonly local: SentimentClassifier,
    private readonly remote: SentimentClassifier,
    private readonly options: HybridSentimentOptions = {},
  ) {
    const threshold = options.threshold ?? DEFAULT_HYBRID_THRESHOLD;
    if (!(threshold >= 0 && threshold <= 1))
      throw new RangeError(`hybrid sentiment threshold must be between 0 and 1, got ${threshold}`);
    this.threshold = threshold;
  }

  async classify(inputs: SentimentInput[]): Promise<Sentiment[]> {
    const plans: Plan[] = new Array(inputs.length);
    const firstByText = new Map<string, number>();
    const toReadLocally: number[] = [];
    const routes = new Map<number, ReturnType<typeof routeSentimentLanguage>>();

    inputs.forEach((input, index) => {
      const text = input.text ?? '';
      if (!SOMETHING_TO_READ.test(text.replace(HANDLES_AND_LINKS, ' '))) {
        plans[index] = { kind: 'empty' };
        return;
      }
      const key = `${input.lang ?? ''}\u0000${text.trim()}`;
      const first = firstByText.get(key);
      if (first !== undefined) {
        plans[index] = { kind: 'duplicate', of: first };
        return;
      }
      firstByText.set(key, index);
      routes.set(index, routeSentimentLanguage(input));
      toReadLocally.push(index);
    });

    // The local reader is cheap: read everything that may need it in one go, in order. Its language
    // note is not wanted here (the route's is), so it is told to read English.
    const localReadings = await this.local.classify(
      toReadLocally.map((i) => ({ text: (inputs[i] as SentimentInput).text, lang: 'en' })),
    );
    const localOf = new Map<number, Sentiment>();
    toReadLocally.forEach((index, k) => {
      localOf.set(index, localReadings[k] as Sentiment);
    });

    const remoteIndexes: number[] = [];
    for (const index of toReadLocally) {
      const input = inputs[index] as SentimentInput;
      const route = routes.get(index) as ReturnType<typeof routeSentimentLanguage>;
      const reading = localOf.get(index) as Sentiment;
      if (RETWEET.test(input.text)) {
        plans[index] = {
          kind: 'local',
          why: 'retweet',
          note: 'retweet without text of its own; read locally',
        };
      } else if (!route.comprehendLanguage) {
        plans[index] = { kind: 'local', why: 'language', note: route.note as string };
      } else if (route.comprehendLanguage !== 'en') {
        plans[index] = {
          kind: 'remote',
          lang: route.comprehendLanguage,
          note: `${describeLanguage(route.comprehendLanguage)} ${route.detected ? 'detected' : 'given'}: the local reader reads English only; read by Comprehend`,
        };
        remoteIndexes.push(index);
      } else {
        const score = reading.scores[reading.label.toLowerCase() as keyof SentimentScores];
        if (score >= this.threshold) {
          plans[index] = {
            kind: 'local',
            why: 'confident',
            note: `local reading confident (${score.toFixed(2)} ≥ ${this.threshold.toFixed(2)})`,
          };
        } else {
          plans[index] = {
            kind: 'remote',
            lang: 'en',
            note: `local reading unsure (${score.toFixed(2)} < ${this.threshold.toFixed(2)}); read by Comprehend`,
          };
          remoteIndexes.push(index);
        }
      }
    }

    let remoteFailed = false;
    const remoteOf = new Map<number, Sentiment>();
    if (remoteIndexes.length) {
      try {
        const readings = await this.remote.classify(
          remoteIndexes.map((i) => {
            const plan = plans[i] as Extract<Plan, { kind: 'remote' }>;
            return { text: (inputs[i] as SentimentInput).text, lang: plan.lang };
          }),
        );
        remoteIndexes.forEach((index, k) => {
          const reading = readings[k];
          if (reading) remoteOf.set(index, reading);
        });
      } catch (error) {
        // Sentiment is one signal among several: a Comprehend outage must not stop triage.
        remoteFailed = true;
        const reason = error instanceof Error ? error.name : 'error';
        for (const index of remoteIndexes) {
          plans[index] = {
            kind: 'local',
            why: 'confident',
            note: `Comprehend failed (${reason}); read locally`,
          };
        }
      }
    }

    const results: Sentiment[] = new Array(inputs.length);
    const stats: HybridBatchStats = {
      inputs: inputs.length,
      local: 0,
      remote: remoteFailed ? 0 : remoteIndexes.length,
      empty: 0,
      duplicate: 0,
      retweet: 0,
      unsupportedLanguage: 0,
      remoteFailed,
    };
    inputs.forEach((_, index) => {
      const plan = plans[index] as Plan;
      if (plan.kind === 'empty') {
        stats.empty++;
        results[index] = {
          label: 'NEUTRAL',
          scores: { ...NOTHING },
          source: 'local',
          note: 'nothing to read (only handles, links or whitespace); not sent to Comprehend',
        };
      } else if (plan.kind === 'local') {
        if (plan.why === 'retweet') stats.retweet++;
        else if (plan.why === 'language') stats.unsupportedLanguage++;
        else stats.local++;
        results[index] = withNote(localOf.get(index) as Sentiment, 'local', plan.note);
      } else if (plan.kind === 'remote') {
        const reading = remoteOf.get(index);
        results[index] = reading
          ? withNote(reading, reading.source, joinNotes(plan.note, reading.note))
          : withNote(localOf.get(index) as Sentiment, 'local', 'Comprehend gave no reading; read locally');
      }
    });
    inputs.forEach((_, index) => {
      const plan = plans[index] as Plan;
      if (plan.kind !== 'duplicate') return;
      stats.duplicate++;
      const original = results[plan.of] as Sentiment;
      results[index] = {
        ...original,
        scores: { ...original.scores },
        note: joinNotes(`duplicate of post ${plan.of + 1} in this batch; not read again`, original.note),
      };
    });
    this.options.onBatch?.(stats);
    return results;
  }
}

function withNote(reading: Sentiment, source: Sentiment['source'], note: string | undefined): Sentiment {
  const { label, scores } = reading;
  return note ? { label, scores: { ...scores }, source, note } : { label, scores: { ...scores }, source };
}

function joinNotes(...notes: Array<string | undefined>): string {
  return notes.filter(Boolean).join('; ');
}
