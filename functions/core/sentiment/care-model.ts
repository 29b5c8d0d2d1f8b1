import { classifyLocally, LocalSentimentClassifier } from '../local-sentiment';
import type { Sentiment, SentimentLabel } from '../sentiment';
import SHIPPED_MODEL from './care-model.json';

/**
 * The trained sentiment model: multinomial logistic regression over hashed word, word-pair and
 * character n-grams of a post, plus the care lexicon's own reading as dense features (so the model
 * learns where the hand-written rules are right: negation, emoji, care phrases). Trained by
 * `npm run train:sentiment` (scripts/train-sentiment.ts); the weights ship in care-model.json.
 * Everything here is plain arithmetic: no download, no native code, synchronous.
 */
export const MODEL_CLASSES = ['NEGATIVE', 'NEUTRAL', 'POSITIVE'] as const;
export type ModelClass = (typeof MODEL_CLASSES)[number];
const K = MODEL_CLASSES.length;

export interface CareModelFile {
  format: 'socialcare-sentiment/1';
  /** Hash buckets of the sparse features (a power of two). */
  buckets: number;
  /** Sparse weights, int8 per bucket and class (bucket-major), base64; weight = q × scale[class] / 127. */
  weights: string;
  scale: number[];
  /** Per class: bias, then one weight per dense feature. */
  dense: number[][];
  /** Softmax temperature fitted on held-out predictions (calibration). */
  temperature: number;
  /**
   * The lowest confidence at which the model's own readings were at least 90% right on held-out care
   * posts: in hybrid mode, readings below it go to Comprehend.
   */
  hybridThreshold: number;
  /** What it was trained on and how: for the docs and the reproduction check. */
  trainedOn: Record<string, unknown>;
}

/** Below this top probability the model is unsure and the lexicon decides (see CareModel.sentiment). */
export const UNSURE_BELOW = 0.5;

export interface CareModelReading {
  label: SentimentLabel;
  /** Class probabilities, calibrated. */
  probabilities: Record<ModelClass, number>;
  /** The top probability: how sure the model is. */
  confidence: number;
}

const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'nothing',
  'nobody',
  'none',
  'cannot',
  'cant',
  'dont',
  'doesnt',
  'didnt',
  'isnt',
  'wasnt',
  'arent',
  'werent',
  'wont',
  'wouldnt',
  'couldnt',
  'shouldnt',
  'havent',
  'hasnt',
  'hadnt',
  'aint',
  'without',
]);

/** Words of a post, normalized: links, handles and numbers become one token each; negated words are marked. */
export function modelTokens(text: string): string[] {
  const normalized = text
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, ' _url_ ')
    .replace(/@\w+/g, ' _user_ ')
    .replace(/&amp;/g, '&')
    .replace(/[’‘`]/g, "'")
    .replace(/(\p{L})\1{2,}/gu, '$1$1');
  const raw =
    normalized.match(/_url_|_user_|#?[\p{L}\p{N}']+|[!?]+|\p{Extended_Pictographic}|[:;][-']?[()dp]/gu) ?? [];
  const tokens: string[] = [];
  let negated = 0;
  for (const piece of raw) {
    let token = piece.replace(/'/g, '');
    if (/^\d+$/.test(token)) token = '_num_';
    if (token === '') continue;
    if (/^[!?]+$/.test(piece)) {
      negated = 0;
      tokens.push(piece.length > 1 ? `${piece[0]}${piece[0]}` : piece);
      continue;
    }
    if (negated > 0) {
      tokens.push(`not_${token}`);
      negated--;
    } else tokens.push(token);
    if (NEGATORS.has(token)) negated = 3;
  }
  return tokens;
}

/** 32-bit FNV-1a: the same bucket for the same string everywhere. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface ModelFeatures {
  /** Bucket indexes and signed values, L2-normalized. */
  indexes: Int32Array;
  values: Float32Array;
  dense: number[];
}

/** The lexicon's reading as numbers: its evidence, its label and how sure it was. */
function lexiconFeatures(text: string): number[] {
  const reading = classifyLocally(text);
  return [
    Math.log1p(reading.positive),
    Math.log1p(reading.negative),
    reading.label === 'NEGATIVE' ? 1 : 0,
    reading.label === 'POSITIVE' ? 1 : 0,
    reading.label === 'MIXED' ? 1 : 0,
    reading.label === 'NEUTRAL' ? 1 : 0,
    reading.confidence,
    Math.min(reading.cues.length, 3) / 3,
  ];
}
export const DENSE_FEATURES = 8;

export function extractFeatures(text: string, buckets: number): ModelFeatures {
  const tokens = modelTokens(text);
  const counts = new Map<number, number>();
  const add = (feature: string) => {
    const h = hash(feature);
    const index = h & (buckets - 1);
    const sign = h & 0x80000000 ? -1 : 1;
    counts.set(index, (counts.get(index) ?? 0) + sign);
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    add(`w:${token}`);
    add(`b:${i === 0 ? '^' : tokens[i - 1]} ${token}`);
    if (token.length >= 4 && !token.startsWith('_')) {
      const padded = `<${token.replace(/^not_/, '')}>`;
      for (let n = 3; n <= 4; n++)
        for (let j = 0; j + n <= padded.length; j++) add(`c:${padded.slice(j, j + n)}`);
    }
  }
  if (tokens.length) add(`b:${tokens[tokens.length - 1]} $`);
  let norm = 0;
  for (const value of counts.values()) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  const indexes = new Int32Array(counts.size);
  const values = new Float32Array(counts.size);
  let at = 0;
  for (const [index, value] of counts) {
    indexes[at] = index;
    values[at] = value / norm;
    at++;
  }
  return { indexes, values, dense: lexiconFeatures(text) };
}

/** Raw class scores (logits) for features under the given weights. */
export function logits(
  features: ModelFeatures,
  sparse: ArrayLike<number>,
  dense: number[][],
  out: Float64Array = new Float64Array(K),
): Float64Array {
  for (let k = 0; k < K; k++) {
    const row = dense[k] as number[];
    let z = row[0] as number;
    for (let d = 0; d < features.dense.length; d++)
      z += (row[d + 1] as number) * (features.dense[d] as number);
    out[k] = z;
  }
  for (let i = 0; i < features.indexes.length; i++) {
    const base = (features.indexes[i] as number) * K;
    const value = features.values[i] as number;
    for (let k = 0; k < K; k++) out[k] = (out[k] as number) + (sparse[base + k] as number) * value;
  }
  return out;
}

export function softmax(z: ArrayLike<number>, temperature = 1): number[] {
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) max = Math.max(max, (z[k] as number) / temperature);
  const exps = Array.from({ length: z.length }, (_, k) => Math.exp((z[k] as number) / temperature - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** A loaded model: weights decoded once, then any number of readings. */
export class CareModel {
  private readonly sparse: Float32Array;
  private readonly scratch = new Float64Array(K);

  constructor(private readonly file: CareModelFile) {
    if (file.format !== 'socialcare-sentiment/1')
      throw new Error(`unknown sentiment model format ${String(file.format)}`);
    const bytes = Buffer.from(file.weights, 'base64');
    if (bytes.length !== file.buckets * K)
      throw new Error(`sentiment model: ${bytes.length} weight bytes, expected ${file.buckets * K}`);
    const q = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    this.sparse = new Float32Array(q.length);
    for (let i = 0; i < q.length; i++)
      this.sparse[i] = ((q[i] as number) * (file.scale[i % K] as number)) / 127;
  }

  get hybridThreshold(): number {
    return this.file.hybridThreshold;
  }

  read(text: string): CareModelReading {
    const z = logits(extractFeatures(text, this.file.buckets), this.sparse, this.file.dense, this.scratch);
    const [negative, neutral, positive] = softmax(z, this.file.temperature) as [number, number, number];
    const probabilities = { NEGATIVE: negative, NEUTRAL: neutral, POSITIVE: positive };
    const confidence = Math.max(negative, neutral, positive);
    // A post with strong evidence both ways is MIXED, as Comprehend says it.
    const label: SentimentLabel =
      negative >= 0.35 && positive >= 0.35
        ? 'MIXED'
        : confidence === negative
          ? 'NEGATIVE'
          : confidence === positive
            ? 'POSITIVE'
            : 'NEUTRAL';
    return { label, probabilities, confidence };
  }

  /**
   * The reading in the port's shape. Where the model has no majority for any class (below
   * {@link UNSURE_BELOW}) the lexicon's reading stands: it is written for the questions and complaints
   * the FAQ bot must tell apart, and a short question the model cannot place ("how much is a return
   * AMS to JFK") is not a complaint.
   */
  sentiment(text: string): Sentiment & { confidence: number } {
    const reading = this.read(text);
    if (reading.confidence < UNSURE_BELOW) {
      const lexicon = classifyLocally(text);
      return {
        label: lexicon.label,
        scores: lexicon.scores,
        source: 'local',
        confidence: lexicon.confidence,
      };
    }
    const { NEGATIVE, NEUTRAL, POSITIVE } = reading.probabilities;
    const mixed = Math.min(NEGATIVE, POSITIVE);
    return {
      label: reading.label,
      scores: { negative: NEGATIVE, neutral: NEUTRAL, positive: POSITIVE, mixed },
      source: 'local',
      confidence: reading.confidence,
    };
  }
}

let shipped: CareModel | undefined;
/** The model that ships with socialcare (care-model.json, made by `npm run train:sentiment`), loaded once. */
export function shippedCareModel(): CareModel {
  shipped ??= new CareModel(SHIPPED_MODEL as CareModelFile);
  return shipped;
}

/** The local classifier port reading with the shipped model (what `SENTIMENT=local` and hybrid use). */
export function trainedLocalClassifier(): LocalSentimentClassifier {
  // The weights are decoded at the first reading, not here: a function that only falls back to the
  // model (Comprehend's fallback) does not decode them at every cold start.
  let model: CareModel | undefined;
  return new LocalSentimentClassifier((text) => {
    model ??= shippedCareModel();
    return model.sentiment(text);
  });
}
