/** The sentiment port: Comprehend in AWS, the local classifier in embedded mode. */
export const SENTIMENT_LABELS = ['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'MIXED'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export interface SentimentScores {
  positive: number;
  negative: number;
  neutral: number;
  mixed: number;
}

export interface Sentiment {
  label: SentimentLabel;
  scores: SentimentScores;
  /** Which classifier decided, so a case can say how it was read. */
  source: 'local' | 'comprehend';
  /** Why the local classifier fell back or what language was read, for the case record. */
  note?: string;
}

export interface SentimentInput {
  text: string;
  lang?: string;
}

export interface SentimentClassifier {
  /** One result per input, in order. */
  classify(inputs: SentimentInput[]): Promise<Sentiment[]>;
}
