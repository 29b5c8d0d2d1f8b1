import {
  BatchDetectSentimentCommand,
  type ComprehendClient,
  type LanguageCode,
} from '@aws-sdk/client-comprehend';
import { toComprehendLanguage } from '../../core/language';
import type { Sentiment, SentimentClassifier, SentimentInput, SentimentLabel } from '../../core/sentiment';
import { trainedLocalClassifier } from '../../core/sentiment/care-model';
import { comprehendClient } from './clients';
import { truncateUtf8 } from './comprehend-text';

export { truncateUtf8 };

/** BatchDetectSentiment takes at most 25 documents (of at most 5,000 bytes each: truncateUtf8). */
const MAX_DOCUMENTS = 25;

/** The Comprehend language code of a post; untagged posts are read as English, as Comprehend assumes. */
function comprehendLanguage(lang: string | undefined): string | undefined {
  return lang ? toComprehendLanguage(lang) : 'en';
}

/**
 * Sentiment from Amazon Comprehend, batched 25 at a time per language. Texts in languages it does not
 * read, documents it rejects and whole calls that fail (throttling, an outage) go to the fallback
 * classifier and the case says so.
 */
export class ComprehendSentimentClassifier implements SentimentClassifier {
  constructor(
    private readonly client: ComprehendClient,
    private readonly fallback: SentimentClassifier,
  ) {}

  async classify(inputs: SentimentInput[]): Promise<Sentiment[]> {
    const results: Array<Sentiment | undefined> = new Array(inputs.length);
    const byLanguage = new Map<string, number[]>();
    const fallbackIndexes: number[] = [];
    const fallbackNotes = new Map<number, string>();
    inputs.forEach((input, index) => {
      const language = comprehendLanguage(input.lang);
      if (input.text.trim() === '') {
        results[index] = {
          label: 'NEUTRAL',
          scores: { positive: 0, negative: 0, neutral: 1, mixed: 0 },
          source: 'local',
        };
      } else if (!language) {
        fallbackIndexes.push(index);
        fallbackNotes.set(index, `language ${input.lang} not supported by Comprehend; read locally`);
      } else {
        byLanguage.set(language, [...(byLanguage.get(language) ?? []), index]);
      }
    });

    const calls: Promise<void>[] = [];
    for (const [language, indexes] of byLanguage) {
      for (let start = 0; start < indexes.length; start += MAX_DOCUMENTS) {
        const chunk = indexes.slice(start, start + MAX_DOCUMENTS);
        calls.push(
          this.client
            .send(
              new BatchDetectSentimentCommand({
                LanguageCode: language as LanguageCode,
                TextList: chunk.map((i) => truncateUtf8((inputs[i] as SentimentInput).text)),
              }),
            )
            .then((response) => {
              for (const item of response.ResultList ?? []) {
                const index = chunk[item.Index ?? -1];
                if (index === undefined) continue;
                const s = item.SentimentScore ?? {};
                results[index] = {
                  label: (item.Sentiment ?? 'NEUTRAL') as SentimentLabel,
                  scores: {
                    positive: s.Positive ?? 0,
                    negative: s.Negative ?? 0,
                    neutral: s.Neutral ?? 0,
                    mixed: s.Mixed ?? 0,
                  },
                  source: 'comprehend',
                };
              }
              for (const failure of response.ErrorList ?? []) {
                const index = chunk[failure.Index ?? -1];
                if (index === undefined) continue;
                fallbackIndexes.push(index);
                fallbackNotes.set(index, `Comprehend could not read it (${failure.ErrorCode}); read locally`);
              }
            })
            .catch((error: unknown) => {
              // Sentiment is one signal among several: a Comprehend throttle or outage must not fail the
              // triage batch (five failed receives would park the mentions with no case and no deadline).
              const reason = error instanceof Error ? error.name : 'error';
              for (const index of chunk) {
                if (results[index]) continue;
                fallbackIndexes.push(index);
                fallbackNotes.set(index, `Comprehend unavailable (${reason}); read locally`);
              }
            }),
        );
      }
    }
    await Promise.all(calls);

    if (fallbackIndexes.length) {
      const local = await this.fallback.classify(fallbackIndexes.map((i) => inputs[i] as SentimentInput));
      fallbackIndexes.forEach((index, k) => {
        const note = fallbackNotes.get(index);
        results[index] = { ...(local[k] as Sentiment), ...(note ? { note } : {}) };
      });
    }
    return results.map(
      (result) =>
        result ?? {
          label: 'NEUTRAL',
          scores: { positive: 0, negative: 0, neutral: 1, mixed: 0 },
          source: 'local',
        },
    );
  }
}

/** Comprehend with the local reader as its fallback, on the environment's AWS credentials. */
export function comprehendSentiment(): SentimentClassifier {
  return new ComprehendSentimentClassifier(comprehendClient(), trainedLocalClassifier());
}
