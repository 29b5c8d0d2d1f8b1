import { HybridSentimentClassifier, type HybridSentimentOptions } from '../core/hybrid-sentiment';
import type { SentimentClassifier } from '../core/sentiment';
import { shippedCareModel, trainedLocalClassifier } from '../core/sentiment/care-model';

/**
 * How posts are read, set by `SENTIMENT`: `local` (the shipped trained model, no AWS, no cost),
 * `comprehend` (every post to Amazon Comprehend), `hybrid` (the local reader decides when it is
 * confident, Comprehend reads the rest).
 */
export const SENTIMENT_MODES = ['local', 'comprehend', 'hybrid'] as const;
export type SentimentMode = (typeof SENTIMENT_MODES)[number];

export class SentimentModeError extends Error {
  override readonly name = 'SentimentModeError';
}

/** The mode named by `value` (case and surrounding spaces ignored), `fallback` when unset or empty. */
export function parseSentimentMode(value: string | undefined | null, fallback: SentimentMode): SentimentMode {
  if (value === undefined || value === null || value.trim() === '') return fallback;
  const mode = value.trim().toLowerCase();
  if ((SENTIMENT_MODES as readonly string[]).includes(mode)) return mode as SentimentMode;
  throw new SentimentModeError(
    `SENTIMENT must be one of ${SENTIMENT_MODES.join(', ')}; got ${JSON.stringify(value)}`,
  );
}

/**
 * The classifier for a mode. `makeComprehend` builds the Comprehend adapter and is called only when
 * the mode needs it, so `local` never touches AWS configuration.
 */
export function createSentimentClassifier(
  mode: SentimentMode,
  makeComprehend: () => SentimentClassifier,
  options: HybridSentimentOptions = {},
): SentimentClassifier {
  switch (mode) {
    case 'local':
      return trainedLocalClassifier();
    case 'comprehend':
      return makeComprehend();
    case 'hybrid':
      return new HybridSentimentClassifier(trainedLocalClassifier(), makeComprehend(), {
        threshold: shippedCareModel().hybridThreshold,
        ...options,
      });
    default:
      throw new SentimentModeError(`unknown sentiment mode ${JSON.stringify(mode satisfies never)}`);
  }
}
