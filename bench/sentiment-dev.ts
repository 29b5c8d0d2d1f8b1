/**
 * Measures the local sentiment reader on the development set (TweetEval sentiment, validation split):
 * accuracy, macro-F1, the confusion matrix, throughput on one core, and for the hybrid mode the share
 * of posts that would go to Comprehend at several thresholds and what that costs per million mentions.
 *
 *   npx tsx bench/sentiment-dev.ts [--data DIR] [--care CSV] [--care-labels TSV] [--runs N] [--out FILE]
 *
 * DIR holds val_text.txt and val_labels.txt (0 negative, 1 neutral, 2 positive); it defaults to
 * $SENTIMENT_DEV_DIR, else ../shared/data/sentiment-dev beside the repository. The data is not shipped.
 * CSV, when present (default ../shared/data/twcs-sample/twcs_head_1000.csv, "Customer Support on
 * Twitter"), is unlabelled real care traffic: only its inbound posts are read, to see how the hybrid
 * mode's share of Comprehend calls looks on mentions to brands rather than on general tweets.
 * TSV (or $SENTIMENT_CARE_LABELS; for the default CSV, bench/care-labels/twcs-head-1000.tsv) labels those
 * inbound posts by hand: one `tweet_id<TAB>LABEL` line each (NEGATIVE, NEUTRAL, POSITIVE). The reader is then scored on real care traffic too, by halves.
 * Both sets are also read by the three off-the-shelf lexicons issue 8 compares against (AFINN `sentiment`,
 * `wink-sentiment`, `vader-sentiment`, devDependencies), with their usual cut-offs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_HYBRID_THRESHOLD, HybridSentimentClassifier } from '../functions/core/hybrid-sentiment';
import { detectLanguage } from '../functions/core/language';
import { classifyLocally, LocalSentimentClassifier } from '../functions/core/local-sentiment';
import type { Sentiment, SentimentClassifier, SentimentInput } from '../functions/core/sentiment';

const CLASSES = ['NEGATIVE', 'NEUTRAL', 'POSITIVE'] as const;
type Gold = 0 | 1 | 2;
/** Comprehend's price for sentiment: $0.0001 per unit of 100 characters, at least 3 units a document. */
const PRICE_PER_UNIT = 0.0001;
const MIN_UNITS = 3;
/** The ingest queue hands triage at most 10 posts at a time (lib/constructs/ingest-pipeline.ts). */
const BATCH = 10;
const THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function load(dir: string): { texts: string[]; gold: Gold[] } {
  const textFile = resolve(dir, 'val_text.txt');
  const labelFile = resolve(dir, 'val_labels.txt');
  if (!existsSync(textFile) || !existsSync(labelFile)) {
    console.error(
      `sentiment-dev: development set not found: expected val_text.txt and val_labels.txt in ${dir}\n` +
        'Put the TweetEval sentiment validation split there, or point to it with --data DIR or SENTIMENT_DEV_DIR.',
    );
    process.exit(2);
  }
  const gold = readFileSync(labelFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => Number(line.trim()) as Gold);
  const texts = readFileSync(textFile, 'utf8').split('\n').slice(0, gold.length);
  if (texts.length !== gold.length || gold.some((g) => g !== 0 && g !== 1 && g !== 2)) {
    console.error(
      `sentiment-dev: ${textFile} and ${labelFile} do not line up (${texts.length} texts, ${gold.length} labels)`,
    );
    process.exit(2);
  }
  return { texts, gold };
}

/** MIXED counts as its stronger side: the three-class gold has no MIXED. */
function threeClass(reading: { label: string; positive: number; negative: number }): Gold {
  if (reading.label === 'MIXED') return reading.positive > reading.negative ? 2 : 0;
  return CLASSES.indexOf(reading.label as (typeof CLASSES)[number]) as Gold;
}

/** The off-the-shelf lexicons, each with its usual cut-off between neutral and a sentiment. */
function lexiconReaders(): Record<string, (text: string) => Gold> {
  const require = createRequire(import.meta.url);
  const Afinn = require('sentiment') as new () => { analyze(text: string): { score: number } };
  const wink = require('wink-sentiment') as (text: string) => { normalizedScore: number };
  const vader = require('vader-sentiment') as {
    SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
  };
  const afinn = new Afinn();
  const sign = (value: number, cut: number): Gold => (value >= cut ? 2 : value <= -cut ? 0 : 1);
  return {
    'AFINN (sentiment), score ≠ 0': (text) => sign(afinn.analyze(text).score, 1),
    'wink-sentiment, normalized ≠ 0': (text) => sign(wink(text).normalizedScore, 0.01),
    'vader-sentiment, compound ±0.05': (text) =>
      sign(vader.SentimentIntensityAnalyzer.polarity_scores(text).compound, 0.05),
  };
}

function lexiconScores(texts: string[], gold: Gold[]) {
  return Object.fromEntries(
    Object.entries(lexiconReaders()).map(([name, read]) => {
      const scores = score(gold, texts.map(read));
      return [name, { accuracy: scores.accuracy, macroF1: scores.macroF1 }];
    }),
  );
}

interface Scores {
  posts: number;
  accuracy: number;
  macroF1: number;
  macroRecall: number;
  perClass: Record<string, { precision: number; recall: number; f1: number }>;
  confusion: number[][];
}

function score(gold: Gold[], predicted: Gold[]): Scores {
  const confusion = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  gold.forEach((g, i) => {
    const row = confusion[g] as number[];
    const column = predicted[i] as Gold;
    row[column] = (row[column] ?? 0) + 1;
  });
  const perClass: Scores['perClass'] = {};
  let f1Sum = 0;
  let recallSum = 0;
  let right = 0;
  CLASSES.forEach((name, c) => {
    const tp = (confusion[c] as number[])[c] as number;
    right += tp;
    const predictedAs = confusion.reduce((n, row) => n + (row[c] as number), 0);
    const actually = (confusion[c] as number[]).reduce((n, v) => n + v, 0);
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = actually ? tp / actually : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[name] = { precision: round(precision), recall: round(recall), f1: round(f1) };
    f1Sum += f1;
    recallSum += recall;
  });
  return {
    posts: gold.length,
    accuracy: round(right / gold.length),
    macroF1: round(f1Sum / 3),
    macroRecall: round(recallSum / 3),
    perClass,
    confusion,
  };
}

function round(value: number, places = 4): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Posts per second over several timed passes (after a warm-up), median of the passes. */
function throughput(texts: string[], runs: number, read: (text: string) => unknown): number {
  for (const text of texts) read(text);
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    let posts = 0;
    const started = process.hrtime.bigint();
    let elapsed = 0;
    // Each pass reads the set as many times as fit in ~250 ms, so timer resolution does not matter.
    while (elapsed < 250e6) {
      for (const text of texts) read(text);
      posts += texts.length;
      elapsed = Number(process.hrtime.bigint() - started);
    }
    rates.push(posts / (elapsed / 1e9));
  }
  return Math.round(median(rates));
}

function comprehendCost(text: string): number {
  const characters = [...text].length;
  return Math.max(MIN_UNITS, Math.ceil(characters / 100)) * PRICE_PER_UNIT;
}

/** A stand-in for Comprehend that records what it was asked and answers NEUTRAL. */
class CountingRemote implements SentimentClassifier {
  calls = 0;
  texts: string[] = [];
  async classify(inputs: SentimentInput[]): Promise<Sentiment[]> {
    this.calls++;
    this.texts.push(...inputs.map((input) => input.text));
    return inputs.map(() => ({
      label: 'NEUTRAL',
      scores: { positive: 0, negative: 0, neutral: 1, mixed: 0 },
      source: 'comprehend',
    }));
  }
}

async function hybridAt(threshold: number, texts: string[], gold: Gold[], localPredicted: Gold[]) {
  const remote = new CountingRemote();
  const hybrid = new HybridSentimentClassifier(new LocalSentimentClassifier(), remote, { threshold });
  let keptRight = 0;
  let kept = 0;
  let skipped = 0;
  for (let start = 0; start < texts.length; start += BATCH) {
    const batch = texts.slice(start, start + BATCH);
    const results = await hybrid.classify(batch.map((text) => ({ text })));
    results.forEach((result, k) => {
      const index = start + k;
      if (result.source !== 'local') return;
      if (/^(nothing to read|duplicate of|retweet)/.test(result.note ?? '')) skipped++;
      kept++;
      if (localPredicted[index] === gold[index]) keptRight++;
    });
  }
  const sent = remote.texts.length;
  const cost = remote.texts.reduce((sum, text) => sum + comprehendCost(text), 0);
  return {
    threshold,
    sentToComprehend: sent,
    shareSent: round(sent / texts.length),
    callsSaved: round(1 - sent / texts.length),
    remoteCalls: remote.calls,
    decidedLocally: kept,
    skippedWithoutReading: skipped,
    localAccuracyOnKept: kept ? round(keptRight / kept) : null,
    costPerMillionUsd: Math.round((cost / texts.length) * 1e6),
  };
}

/** The customers' posts of a "Customer Support on Twitter" CSV (inbound = True), or undefined when absent. */
function loadCare(file: string): Array<{ id: string; text: string }> | undefined {
  if (!existsSync(file)) {
    console.error(
      `sentiment-dev: care sample not found: ${file}; its part of the report is skipped ` +
        '(point to a "Customer Support on Twitter" CSV with --care FILE or SENTIMENT_CARE_CSV).',
    );
    return undefined;
  }
  const rows = parseCsv(readFileSync(file, 'utf8'));
  const header = rows.shift() ?? [];
  const id = header.indexOf('tweet_id');
  const text = header.indexOf('text');
  const inbound = header.indexOf('inbound');
  if (id < 0 || text < 0 || inbound < 0) return undefined;
  return rows
    .filter((row) => row[inbound] === 'True')
    .map((row) => ({ id: row[id] ?? '', text: row[text] ?? '' }));
}

/** Hand labels for the care sample: `tweet_id<TAB>LABEL` lines. */
function loadCareLabels(file: string): Map<string, Gold> {
  if (!existsSync(file)) {
    console.error(`sentiment-dev: care labels not found: ${file}`);
    process.exit(2);
  }
  const labels = new Map<string, Gold>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const [id, label] = line.trim().split('\t');
    const gold = CLASSES.indexOf((label ?? '') as (typeof CLASSES)[number]);
    if (!id || gold < 0) {
      console.error(
        `sentiment-dev: ${file}: expected "tweet_id<TAB>NEGATIVE|NEUTRAL|POSITIVE", got "${line}"`,
      );
      process.exit(2);
    }
    labels.set(id, gold as Gold);
  }
  return labels;
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Share sent to Comprehend and cost on unlabelled posts, at each threshold. */
async function hybridShare(threshold: number, texts: string[]) {
  const remote = new CountingRemote();
  const hybrid = new HybridSentimentClassifier(new LocalSentimentClassifier(), remote, { threshold });
  for (let start = 0; start < texts.length; start += BATCH)
    await hybrid.classify(texts.slice(start, start + BATCH).map((text) => ({ text })));
  const cost = remote.texts.reduce((sum, text) => sum + comprehendCost(text), 0);
  return {
    threshold,
    shareSent: round(remote.texts.length / texts.length),
    costPerMillionUsd: Math.round((cost / texts.length) * 1e6),
  };
}

async function measureCare(file: string, labelsFile: string | undefined) {
  const posts = loadCare(file);
  if (!posts?.length) return undefined;
  const texts = posts.map((post) => post.text);
  const labels: Record<string, number> = { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 };
  for (const text of texts) {
    const { label } = classifyLocally(text);
    labels[label] = (labels[label] ?? 0) + 1;
  }
  const byThreshold = [];
  for (const threshold of THRESHOLDS) byThreshold.push(await hybridShare(threshold, texts));
  const allCost = texts.reduce((sum, text) => sum + comprehendCost(text), 0);
  return {
    file,
    inboundPosts: texts.length,
    localLabels: labels,
    allComprehendCostPerMillionUsd: Math.round((allCost / texts.length) * 1e6),
    atDefault: byThreshold.find((h) => h.threshold === DEFAULT_HYBRID_THRESHOLD),
    byThreshold,
    labelled: labelsFile ? await scoreCare(posts, loadCareLabels(labelsFile), labelsFile) : null,
  };
}

/** The reader against hand labels of the care sample, in the sample's order, by halves, and the lexicons. */
async function scoreCare(
  posts: Array<{ id: string; text: string }>,
  labels: Map<string, Gold>,
  file: string,
) {
  const labelled = posts.filter((post) => labels.has(post.id));
  const gold = labelled.map((post) => labels.get(post.id) as Gold);
  const texts = labelled.map((post) => post.text);
  const predicted = texts.map((text) => threeClass(classifyLocally(text)));
  const half = (parity: number) => {
    const idx = gold.map((_, i) => i).filter((i) => i % 2 === parity);
    return strip(
      score(
        idx.map((i) => gold[i] as Gold),
        idx.map((i) => predicted[i] as Gold),
      ),
    );
  };
  return {
    file,
    posts: labelled.length,
    gold: { NEGATIVE: count(gold, 0), NEUTRAL: count(gold, 1), POSITIVE: count(gold, 2) },
    local: { ...score(gold, predicted), halves: { evenPosts: half(0), oddPosts: half(1) } },
    lexicons: lexiconScores(texts, gold),
    hybrid: await Promise.all(THRESHOLDS.map((threshold) => hybridAt(threshold, texts, gold, predicted))),
    lexiconsOnOddPosts: lexiconScores(
      texts.filter((_, i) => i % 2 === 1),
      gold.filter((_, i) => i % 2 === 1),
    ),
  };
}

async function measure(dir: string, runs: number, careFile: string, careLabels: string | undefined) {
  const { texts, gold } = load(dir);

  const readings = texts.map((text) => classifyLocally(text));
  const predicted = readings.map(threeClass);
  const all = score(gold, predicted);
  const evenIdx = gold.map((_, i) => i).filter((i) => i % 2 === 0);
  const oddIdx = gold.map((_, i) => i).filter((i) => i % 2 === 1);
  const half = (idx: number[]) =>
    score(
      idx.map((i) => gold[i] as Gold),
      idx.map((i) => predicted[i] as Gold),
    );
  const halves = { evenLines: half(evenIdx), oddLines: half(oddIdx) };
  const mixed = readings.filter((r) => r.label === 'MIXED').length;

  const postsPerSecond = throughput(texts, runs, classifyLocally);
  const detectPerSecond = throughput(texts, runs, detectLanguage);

  const allComprehendCost = texts.reduce((sum, text) => sum + comprehendCost(text), 0);
  const hybrid = [];
  for (const threshold of THRESHOLDS) hybrid.push(await hybridAt(threshold, texts, gold, predicted));
  const chosen =
    hybrid.find((h) => h.threshold === DEFAULT_HYBRID_THRESHOLD) ??
    (await hybridAt(DEFAULT_HYBRID_THRESHOLD, texts, gold, predicted));

  const result = {
    measuredAt: new Date().toISOString(),
    command: 'npx tsx bench/sentiment-dev.ts',
    machine: { cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform },
    data: {
      dir,
      posts: texts.length,
      gold: { NEGATIVE: count(gold, 0), NEUTRAL: count(gold, 1), POSITIVE: count(gold, 2) },
    },
    mixedMapping: 'MIXED counts as its stronger side (positive vs negative evidence)',
    lexicons: lexiconScores(texts, gold),
    local: {
      ...all,
      mixedReadings: mixed,
      halves: { evenLines: strip(halves.evenLines), oddLines: strip(halves.oddLines) },
    },
    throughput: {
      runs,
      postsPerSecond,
      postsPerMinute: postsPerSecond * 60,
      languageDetectionPostsPerSecond: detectPerSecond,
    },
    hybrid: {
      batchSize: BATCH,
      defaultThreshold: DEFAULT_HYBRID_THRESHOLD,
      allComprehendCostPerMillionUsd: Math.round((allComprehendCost / texts.length) * 1e6),
      atDefault: chosen,
      byThreshold: hybrid,
    },
    careSample: (await measureCare(careFile, careLabels)) ?? null,
  };
  return { result, all };
}

async function main() {
  const dir = resolve(
    option('data') ?? process.env.SENTIMENT_DEV_DIR ?? resolve(repoRoot, '../shared/data/sentiment-dev'),
  );
  const runs = Number(option('runs') ?? 7);
  const out = resolve(option('out') ?? resolve(repoRoot, 'bench/results/sentiment-dev.json'));
  const careFile = resolve(
    option('care') ??
      process.env.SENTIMENT_CARE_CSV ??
      resolve(repoRoot, '../shared/data/twcs-sample/twcs_head_1000.csv'),
  );
  const shippedLabels = resolve(repoRoot, 'bench/care-labels/twcs-head-1000.tsv');
  const labels =
    option('care-labels') ??
    process.env.SENTIMENT_CARE_LABELS ??
    (option('care') || process.env.SENTIMENT_CARE_CSV ? undefined : shippedLabels);
  const { result, all } = await measure(dir, runs, careFile, labels ? resolve(labels) : undefined);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  print(result, all);
  console.log(`\nwritten to ${out}`);
}

function count(gold: Gold[], value: Gold): number {
  return gold.filter((g) => g === value).length;
}

function strip(scores: Scores) {
  return { posts: scores.posts, accuracy: scores.accuracy, macroF1: scores.macroF1 };
}

function print(result: Awaited<ReturnType<typeof measure>>['result'], all: Scores) {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  console.log(`development set: ${result.data.posts} posts from ${result.data.dir}`);
  console.log(
    `local reader: accuracy ${all.accuracy.toFixed(3)}, macro-F1 ${all.macroF1.toFixed(3)}, macro-recall ${all.macroRecall.toFixed(3)} (MIXED read ${result.local.mixedReadings} times, counted as its stronger side)`,
  );
  console.log(
    `  halves: even lines ${result.local.halves.evenLines.accuracy.toFixed(3)} / ${result.local.halves.evenLines.macroF1.toFixed(3)}, odd lines ${result.local.halves.oddLines.accuracy.toFixed(3)} / ${result.local.halves.oddLines.macroF1.toFixed(3)}`,
  );
  for (const [name, v] of Object.entries(result.lexicons))
    console.log(`  ${name}: accuracy ${v.accuracy.toFixed(3)}, macro-F1 ${v.macroF1.toFixed(3)}`);
  console.log('  confusion (rows gold, columns read):   NEG   NEU   POS');
  CLASSES.forEach((name, c) => {
    const row = all.confusion[c] as number[];
    console.log(`    ${name.padEnd(34)}${row.map((v) => String(v).padStart(6)).join('')}`);
  });
  for (const [name, v] of Object.entries(all.perClass))
    console.log(
      `    ${name.padEnd(9)} precision ${v.precision.toFixed(3)} recall ${v.recall.toFixed(3)} F1 ${v.f1.toFixed(3)}`,
    );
  console.log(
    `throughput (one core, median of ${result.throughput.runs} runs): ${result.throughput.postsPerSecond.toLocaleString('en-US')} posts/s = ${result.throughput.postsPerMinute.toLocaleString('en-US')} posts/min; language detection ${result.throughput.languageDetectionPostsPerSecond.toLocaleString('en-US')} posts/s`,
  );
  console.log(
    `hybrid (batches of ${result.hybrid.batchSize}); every post to Comprehend would cost $${result.hybrid.allComprehendCostPerMillionUsd} per million mentions`,
  );
  console.log('  threshold  sent to Comprehend  calls saved  local accuracy on kept  $ per million');
  for (const h of result.hybrid.byThreshold) {
    const mark = h.threshold === result.hybrid.defaultThreshold ? ' <- default' : '';
    console.log(
      `  ${h.threshold.toFixed(2).padStart(9)}  ${pct(h.shareSent).padStart(18)}  ${pct(h.callsSaved).padStart(11)}  ${(h.localAccuracyOnKept ?? 0).toFixed(3).padStart(22)}  ${String(h.costPerMillionUsd).padStart(13)}${mark}`,
    );
  }
  const care = result.careSample;
  if (!care) return;
  console.log(
    `care sample (unlabelled): ${care.inboundPosts} inbound posts from ${care.file}; local reads ${Object.entries(
      care.localLabels,
    )
      .map(([label, n]) => `${label} ${n}`)
      .join(', ')}; every post to Comprehend: $${care.allComprehendCostPerMillionUsd} per million`,
  );
  console.log('  threshold  sent to Comprehend  $ per million');
  for (const h of care.byThreshold) {
    const mark = h.threshold === result.hybrid.defaultThreshold ? ' <- default' : '';
    console.log(
      `  ${h.threshold.toFixed(2).padStart(9)}  ${pct(h.shareSent).padStart(18)}  ${String(h.costPerMillionUsd).padStart(13)}${mark}`,
    );
  }
  const labelled = care.labelled;
  if (!labelled) return;
  const g = labelled.gold;
  console.log(
    `care sample, hand-labelled (${labelled.file}): ${labelled.posts} posts (${g.NEGATIVE} negative, ${g.NEUTRAL} neutral, ${g.POSITIVE} positive)`,
  );
  const l = labelled.local;
  console.log(
    `  local reader: accuracy ${l.accuracy.toFixed(3)}, macro-F1 ${l.macroF1.toFixed(3)}; even posts ${l.halves.evenPosts.accuracy.toFixed(3)} / ${l.halves.evenPosts.macroF1.toFixed(3)}, odd posts ${l.halves.oddPosts.accuracy.toFixed(3)} / ${l.halves.oddPosts.macroF1.toFixed(3)}`,
  );
  console.log('  hybrid threshold  sent to Comprehend  local accuracy on kept');
  for (const h of labelled.hybrid) {
    const mark = h.threshold === result.hybrid.defaultThreshold ? ' <- default' : '';
    console.log(
      `  ${h.threshold.toFixed(2).padStart(16)}  ${pct(h.shareSent).padStart(18)}  ${(h.localAccuracyOnKept ?? 0).toFixed(3).padStart(22)}${mark}`,
    );
  }
  for (const [name, v] of Object.entries(labelled.lexicons)) {
    const odd = labelled.lexiconsOnOddPosts[name];
    console.log(
      `  ${name}: accuracy ${v.accuracy.toFixed(3)}, macro-F1 ${v.macroF1.toFixed(3)}; odd posts ${odd?.accuracy.toFixed(3)} / ${odd?.macroF1.toFixed(3)}`,
    );
  }
}

await main();
