/**
 * Trains the local sentiment model (functions/core/sentiment/care-model.ts) and reports how good it is.
 *
 *   npm run train:sentiment [-- --data DIR] [--seed N] [--out FILE] [--check] [--no-report]
 *                           [--with-labels FILE] [--results FILE]
 *
 * `--with-labels FILE` adds the agents' corrections (`socialcare labels export`, JSONL or TSV) that set
 * a sentiment as care examples (a brand's model learns its own traffic); without it, the run is the
 * committed model's, byte for byte. `--results FILE` writes the report elsewhere than bench/results.
 *
 * Data (not in the repository; DIR defaults to ../shared/data beside it): the SemEval 2013-2016 Task 4A
 * training tweets (general tweets), and the project's own hand labels of real customer-care posts
 * (bench/care-labels/*.tsv, joined to the "Customer Support on Twitter" sample CSVs in DIR/twcs-sample).
 * Care posts weigh more than general tweets: the model is for care traffic.
 *
 * It is deterministic: the same data and seed give the same model, byte for byte. `--check` trains and
 * compares with the committed model instead of writing it (exit 1 when they differ).
 *
 * It reports, beside the lexicon (classifyLocally) on the same posts:
 * - care sample, 5-fold cross-validation (each fold's model never saw the fold's posts);
 * - TweetEval validation tweets that are not in the training set (general tweets, never trained on);
 * - SemEval training set, 5-fold cross-validation;
 * - the hybrid threshold: the lowest confidence at which the model's own decisions stay ≥ 90% right on
 *   the care folds, and the share of posts it would still send to Comprehend.
 * Results go to bench/results/sentiment-model.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { classifyLocally } from '../functions/core/local-sentiment';
import {
  type CareModelFile,
  DENSE_FEATURES,
  extractFeatures,
  logits,
  MODEL_CLASSES,
  type ModelClass,
  type ModelFeatures,
  softmax,
} from '../functions/core/sentiment/care-model';
import {
  defaultDataDir,
  type Labelled,
  loadCareLabels,
  loadSemEvalTrain,
  loadTweetEvalDev,
  MissingDataError,
  overlapKey,
} from './sentiment-data';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const K = MODEL_CLASSES.length;
export const BUCKETS = 1 << 15;
const EPOCHS = Number(option('epochs') ?? 6);
const LEARNING_RATE = Number(option('rate') ?? 0.4);
const L2 = Number(option('l2') ?? 2e-6);
export const CARE_WEIGHT = Number(option('care-weight') ?? 10);
const FOLDS = 5;
const PRECISION_TARGET = 0.9;
/**
 * Care posts no model is ever trained on: the last 200 of the random sample's labels (labelled blind,
 * never read while writing lexicon rules). The figures on them are the honest ones.
 */
const TEST_SET = { file: 'twcs-random-5000-seed42.tsv', fromLine: 600 };
export const isTest = (row: Labelled) => row.file === TEST_SET.file && (row.line ?? 0) >= TEST_SET.fromLine;

/** mulberry32: a small seeded generator, so shuffles are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The agents' corrections that set a sentiment, from `socialcare labels export` (JSONL, or TSV with its
 * header), as labelled posts. Corrections of topic or needs-a-reply only are skipped here.
 */
export function loadCorrections(file: string): Labelled[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const rows: Array<{ id: string; text: string; sentiment?: string }> = [];
  if (lines[0]?.startsWith('{')) {
    for (const line of lines) {
      const example = JSON.parse(line) as {
        caseId: string;
        platformMessageId: string;
        text: string;
        corrected: { sentiment?: string };
      };
      rows.push({
        id: `${example.caseId}/${example.platformMessageId}`,
        text: example.text,
        ...(example.corrected.sentiment ? { sentiment: example.corrected.sentiment } : {}),
      });
    }
  } else {
    const header = (lines[0] ?? '').split('\t');
    const at = (name: string) => header.indexOf(name);
    if (at('sentiment') < 0 || at('text') < 0)
      throw new Error(`${file}: not a labels export (no "sentiment" and "text" columns)`);
    for (const line of lines.slice(1)) {
      const cells = line.split('\t');
      rows.push({
        id: `${cells[at('caseId')]}/${cells[at('platformMessageId')]}`,
        text: cells[at('text')] ?? '',
        ...(cells[at('sentiment')] ? { sentiment: cells[at('sentiment')] } : {}),
      });
    }
  }
  // The latest correction of a message wins.
  const byId = new Map<string, Labelled>();
  for (const row of rows) {
    if (!row.sentiment || !(MODEL_CLASSES as readonly string[]).includes(row.sentiment)) continue;
    byId.set(row.id, { id: row.id, text: row.text, label: row.sentiment as ModelClass, file: file });
  }
  return [...byId.values()];
}

export interface Example {
  features: ModelFeatures;
  y: number;
  weight: number;
}

export interface Weights {
  sparse: Float32Array;
  dense: number[][];
}

/** Multinomial logistic regression by AdaGrad with L2, in a seeded order. */
export function train(examples: Example[], seed: number): Weights {
  const sparse = new Float32Array(BUCKETS * K);
  const sparseG = new Float32Array(BUCKETS * K).fill(1e-8);
  const dense = Array.from({ length: K }, () => new Array<number>(DENSE_FEATURES + 1).fill(0));
  const denseG = Array.from({ length: K }, () => new Array<number>(DENSE_FEATURES + 1).fill(1e-8));
  const order = examples.map((_, i) => i);
  const next = random(seed);
  const z = new Float64Array(K);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const at of order) {
      const { features, y, weight } = examples[at] as Example;
      const p = softmax(logits(features, sparse, dense, z));
      for (let k = 0; k < K; k++) {
        const g = weight * ((p[k] as number) - (k === y ? 1 : 0));
        const row = dense[k] as number[];
        const rowG = denseG[k] as number[];
        for (let d = 0; d <= DENSE_FEATURES; d++) {
          const x = d === 0 ? 1 : (features.dense[d - 1] as number);
          const grad = g * x + (d === 0 ? 0 : L2 * (row[d] as number));
          rowG[d] = (rowG[d] as number) + grad * grad;
          row[d] = (row[d] as number) - (LEARNING_RATE * grad) / Math.sqrt(rowG[d] as number);
        }
        for (let f = 0; f < features.indexes.length; f++) {
          const index = (features.indexes[f] as number) * K + k;
          const grad = g * (features.values[f] as number) + L2 * (sparse[index] as number);
          sparseG[index] = (sparseG[index] as number) + grad * grad;
          sparse[index] =
            (sparse[index] as number) - (LEARNING_RATE * grad) / Math.sqrt(sparseG[index] as number);
        }
      }
    }
  }
  return { sparse, dense };
}

/** int8 per class with a per-class scale: a quarter of the float size, no measurable loss. */
export function quantize(weights: Weights): { bytes: Int8Array; scale: number[]; sparse: Float32Array } {
  const scale = Array.from({ length: K }, (_, k) => {
    let max = 0;
    for (let i = k; i < weights.sparse.length; i += K)
      max = Math.max(max, Math.abs(weights.sparse[i] as number));
    return Number((max || 1).toPrecision(8));
  });
  const bytes = new Int8Array(weights.sparse.length);
  const sparse = new Float32Array(weights.sparse.length);
  for (let i = 0; i < bytes.length; i++) {
    const s = scale[i % K] as number;
    bytes[i] = Math.max(-127, Math.min(127, Math.round(((weights.sparse[i] as number) / s) * 127)));
    sparse[i] = ((bytes[i] as number) * s) / 127;
  }
  return { bytes, scale, sparse };
}

const round = (x: number) => Number(x.toPrecision(8));

export function predict(weights: Weights, features: ModelFeatures, temperature: number): number[] {
  return softmax(logits(features, weights.sparse, weights.dense), temperature);
}

interface Scores {
  posts: number;
  accuracy: number;
  macroF1: number;
}

export function score(gold: number[], predicted: number[]): Scores {
  let right = 0;
  const f1s: number[] = [];
  for (let k = 0; k < K; k++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      if (predicted[i] === k && gold[i] === k) tp++;
      else if (predicted[i] === k) fp++;
      else if (gold[i] === k) fn++;
    }
    f1s.push(tp ? (2 * tp) / (2 * tp + fp + fn) : 0);
  }
  for (let i = 0; i < gold.length; i++) if (gold[i] === predicted[i]) right++;
  return {
    posts: gold.length,
    accuracy: round(right / gold.length),
    macroF1: round(f1s.reduce((a, b) => a + b, 0) / K),
  };
}

export const argmax = (p: number[]) => p.indexOf(Math.max(...p));
export const classIndex = (label: ModelClass) => MODEL_CLASSES.indexOf(label);

/** The lexicon's reading as one of the three classes (MIXED counts as the stronger side). */
export function lexiconClass(text: string): number {
  const reading = classifyLocally(text);
  if (reading.label === 'MIXED') return reading.negative >= reading.positive ? 0 : 2;
  return classIndex(reading.label as ModelClass);
}

export function toExamples(rows: Labelled[], weight: number): Example[] {
  return rows.map((row) => ({
    features: extractFeatures(row.text, BUCKETS),
    y: classIndex(row.label),
    weight,
  }));
}

/** Out-of-fold probabilities for `rows` (each fold trained on the other folds plus `always`). */
export function crossValidate(rows: Example[], always: Example[], seed: number): number[][] {
  const out: number[][] = new Array(rows.length);
  for (let fold = 0; fold < FOLDS; fold++) {
    const trainSet = [...always, ...rows.filter((_, i) => i % FOLDS !== fold)];
    const weights = train(trainSet, seed + fold);
    rows.forEach((row, i) => {
      if (i % FOLDS === fold) out[i] = predict(weights, row.features, 1);
    });
  }
  return out;
}

/** The temperature that makes held-out probabilities honest (least log loss), on a fixed grid. */
export function fitTemperature(probabilities: number[][], logitsOf: number[][], gold: number[]): number {
  let best = 1;
  let bestLoss = Infinity;
  for (let t = 0.5; t <= 3.0001; t += 0.05) {
    let loss = 0;
    for (let i = 0; i < gold.length; i++) {
      const p = softmax(logitsOf[i] as number[], t);
      loss -= Math.log(Math.max(1e-12, p[gold[i] as number] as number));
    }
    if (loss < bestLoss) {
      bestLoss = loss;
      best = Number(t.toFixed(2));
    }
  }
  void probabilities;
  return best;
}

/** Lowest threshold at which the model's confident decisions are ≥ target right, and what it keeps. */
export function hybridThreshold(probabilities: number[][], gold: number[]) {
  const rows: Array<{ threshold: number; kept: number; keptAccuracy: number; toComprehend: number }> = [];
  for (let t = 0.4; t <= 0.951; t += 0.05) {
    let kept = 0;
    let right = 0;
    probabilities.forEach((p, i) => {
      if (Math.max(...p) >= t) {
        kept++;
        if (argmax(p) === gold[i]) right++;
      }
    });
    rows.push({
      threshold: Number(t.toFixed(2)),
      kept,
      keptAccuracy: kept ? round(right / kept) : 0,
      toComprehend: round(1 - kept / probabilities.length),
    });
  }
  const chosen = rows.find((r) => r.keptAccuracy >= PRECISION_TARGET) ?? rows[rows.length - 1];
  return { target: PRECISION_TARGET, chosen, table: rows };
}

export const toLogits = (p: number[]) => p.map((x) => Math.log(Math.max(1e-12, x)));

async function main() {
  const dataDir = resolve(option('data') ?? defaultDataDir(repoRoot));
  const seed = Number(option('seed') ?? 20261203);
  const out = resolve(option('out') ?? resolve(repoRoot, 'functions/core/sentiment/care-model.json'));
  const check = process.argv.includes('--check');
  const report = !process.argv.includes('--no-report') && !check;
  const started = Date.now();

  const semeval = loadSemEvalTrain(dataDir);
  const labelled = await loadCareLabels(dataDir, resolve(repoRoot, 'bench/care-labels'));
  const labelsFile = option('with-labels');
  const corrections = labelsFile ? loadCorrections(resolve(labelsFile)) : [];
  const care = [...labelled.filter((row) => !isTest(row)), ...corrections];
  const test = labelled.filter(isTest);
  if (labelsFile) console.log(`with ${corrections.length} agents' sentiment corrections from ${labelsFile}`);
  const seen = new Set(semeval.map((r) => overlapKey(r.text)));
  const dev = report ? loadTweetEvalDev(dataDir).filter((r) => !seen.has(overlapKey(r.text))) : [];
  console.log(
    `training on ${semeval.length} SemEval tweets and ${care.length} hand-labelled care posts (×${CARE_WEIGHT})`,
  );

  const generalExamples = toExamples(semeval, 1);
  const careExamples = toExamples(care, CARE_WEIGHT);
  const careGold = careExamples.map((e) => e.y);

  // Calibration and the hybrid threshold come from care posts the model had not seen.
  const careHeldOut = crossValidate(careExamples, generalExamples, seed);
  const temperature = fitTemperature(careHeldOut, careHeldOut.map(toLogits), careGold);
  const calibrated = careHeldOut.map((p) => softmax(toLogits(p), temperature));

  const hybrid = hybridThreshold(calibrated, careGold);
  const weights = train([...generalExamples, ...careExamples], seed);
  const { bytes, scale, sparse } = quantize(weights);
  const model: CareModelFile = {
    format: 'socialcare-sentiment/1',
    buckets: BUCKETS,
    weights: Buffer.from(bytes.buffer).toString('base64'),
    scale,
    dense: weights.dense.map((row) => row.map(round)),
    temperature,
    hybridThreshold: hybrid.chosen?.threshold ?? 0.9,
    trainedOn: {
      general: `SemEval 2013-2016 Task 4A training tweets (${semeval.length}; research-use terms)`,
      care: `project hand labels of "Customer Support on Twitter" inbound posts (${care.length}; CC BY-NC-SA 4.0 texts, labels the project's own)`,
      ...(labelsFile ? { corrections: corrections.length } : {}),
      careWeight: CARE_WEIGHT,
      epochs: EPOCHS,
      learningRate: LEARNING_RATE,
      l2: L2,
      seed,
    },
  };
  const json = `${JSON.stringify(model)}\n`;
  if (check) {
    const committed = readFileSync(out, 'utf8');
    if (committed !== json) {
      console.error(`train:sentiment --check: the trained model differs from ${out}`);
      process.exit(1);
    }
    console.log(`train:sentiment --check: ${out} reproduced byte for byte (${json.length} bytes)`);
    return;
  }
  writeFileSync(out, json);
  console.log(`wrote ${out} (${(json.length / 1024).toFixed(0)} KiB), temperature ${temperature}`);
  if (!report) return;

  const quantized: Weights = { sparse, dense: model.dense };
  const devModel = dev.map((r) => argmax(predict(quantized, extractFeatures(r.text, BUCKETS), temperature)));
  const devGold = dev.map((r) => classIndex(r.label));
  const full = process.argv.includes('--full-report');
  const generalHeldOut = full ? crossValidate(generalExamples, [], seed) : [];
  const results = {
    bench: 'sentiment-model',
    at: new Date().toISOString(),
    seed,
    careTestSet: {
      note: `${test.length} care posts never trained on (${TEST_SET.file}, lines ${TEST_SET.fromLine + 1} on)`,
      model: score(
        test.map((r) => classIndex(r.label)),
        test.map((r) => argmax(predict(quantized, extractFeatures(r.text, BUCKETS), temperature))),
      ),
      lexicon: score(
        test.map((r) => classIndex(r.label)),
        test.map((r) => lexiconClass(r.text)),
      ),
    },
    careSample: {
      note: `${FOLDS}-fold cross-validation over the hand-labelled care posts; each fold's model trained on SemEval and the other folds`,
      model: score(careGold, calibrated.map(argmax)),
      lexicon: score(
        careGold,
        care.map((r) => lexiconClass(r.text)),
      ),
    },
    tweetEvalDev: {
      note: 'TweetEval validation tweets not in the SemEval training set (general tweets)',
      model: score(devGold, devModel),
      lexicon: score(
        devGold,
        dev.map((r) => lexiconClass(r.text)),
      ),
    },
    semevalCrossValidated: full && {
      note: `${FOLDS}-fold cross-validation over the SemEval training tweets alone (no care posts)`,
      model: score(
        generalExamples.map((e) => e.y),
        generalHeldOut.map(argmax),
      ),
      lexicon: score(
        generalExamples.map((e) => e.y),
        semeval.map((r) => lexiconClass(r.text)),
      ),
    },
    hybrid,
    modelBytes: json.length,
    trainingSeconds: Math.round((Date.now() - started) / 100) / 10,
  };
  const resultsFile = resolve(option('results') ?? resolve(repoRoot, 'bench/results/sentiment-model.json'));
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify({ ...results, hybrid: { ...results.hybrid, table: undefined } }, null, 2));
}

// Run as a script; imported (the corrections bench), it only lends its training functions.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error instanceof MissingDataError ? error.message : error);
    process.exit(2);
  });
}
