/**
 * What 200 agents' corrections do to the sentiment model, measured on care posts no model saw.
 *
 *   npx tsx bench/corrections-effect.ts [--data DIR]
 *
 * The hand-labelled random care sample (bench/care-labels/twcs-random-5000-seed42.tsv) is split as
 * the trainer splits it: lines 601-800 are the held-back test set, never trained on. Lines 401-600
 * play the part of posts that arrived after the model shipped and that agents corrected in the console:
 * they are written as a `socialcare labels export` (JSONL, the hand label as the agent's correction,
 * the baseline's reading as what triage read) and read back by the trainer's `--with-labels` path.
 *
 * - baseline: SemEval + the other care labels (head 1000, random lines 1-400);
 * - +200 labels: the baseline's data plus all 200 (agents who confirm as well as correct);
 * - +corrections only: plus only those of the 200 the baseline misread (what one-click corrections give);
 * and the hybrid threshold: the baseline's global one (its own cross-validation) against one calibrated
 * on the 200 corrected posts (per brand), each scored on the test set: how many posts the model decides
 * alone, how often it is right on them, and the share sent to Comprehend.
 *
 * Results: bench/results/corrections-effect.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabelledExample } from '../functions/core/corrections';
import { extractFeatures, MODEL_CLASSES, softmax } from '../functions/core/sentiment/care-model';
import { defaultDataDir, type Labelled, loadCareLabels, loadSemEvalTrain } from '../scripts/sentiment-data';
import {
  argmax,
  BUCKETS,
  CARE_WEIGHT,
  classIndex,
  crossValidate,
  type Example,
  fitTemperature,
  hybridThreshold,
  isTest,
  lexiconClass,
  loadCorrections,
  predict,
  quantize,
  score,
  toExamples,
  toLogits,
  train,
} from '../scripts/train-sentiment';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = 20261203;
const CORRECTED = { file: 'twcs-random-5000-seed42.tsv', from: 400, to: 600 };
const isCorrected = (row: Labelled) =>
  row.file === CORRECTED.file && (row.line ?? -1) >= CORRECTED.from && (row.line ?? -1) < CORRECTED.to;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

interface Model {
  weights: ReturnType<typeof quantize>;
  dense: number[][];
  temperature: number;
  threshold: number;
}

/** Trains as the trainer does: temperature and threshold from cross-validation, then the full model. */
function buildModel(general: Example[], care: Example[]): Model {
  const heldOut = crossValidate(care, general, SEED);
  const gold = care.map((e) => e.y);
  const temperature = fitTemperature(heldOut, heldOut.map(toLogits), gold);
  const calibrated = heldOut.map((p) => softmax(toLogits(p), temperature));
  const threshold = hybridThreshold(calibrated, gold).chosen?.threshold ?? 0.9;
  const weights = train([...general, ...care], SEED);
  return { weights: quantize(weights), dense: weights.dense, temperature, threshold };
}

function probabilities(model: Model, rows: Labelled[]): number[][] {
  const weights = { sparse: model.weights.sparse, dense: model.dense };
  return rows.map((r) => predict(weights, extractFeatures(r.text, BUCKETS), model.temperature));
}

/** What the model decides alone at a threshold (the rest goes to Comprehend), on labelled posts. */
function alone(probs: number[][], gold: number[], threshold: number) {
  let kept = 0;
  let right = 0;
  probs.forEach((p, i) => {
    if (Math.max(...p) >= threshold) {
      kept++;
      if (argmax(p) === gold[i]) right++;
    }
  });
  return {
    threshold,
    decidedAlone: kept,
    precisionAlone: kept ? Number((right / kept).toFixed(4)) : null,
    toComprehend: Number((1 - kept / probs.length).toFixed(4)),
  };
}

async function main() {
  const started = Date.now();
  const dataDir = resolve(option('data') ?? defaultDataDir(repoRoot));
  const semeval = loadSemEvalTrain(dataDir);
  const labelled = await loadCareLabels(dataDir, resolve(repoRoot, 'bench/care-labels'));
  const test = labelled.filter(isTest);
  const corrected = labelled.filter(isCorrected);
  const base = labelled.filter((r) => !isTest(r) && !isCorrected(r));
  const general = toExamples(semeval, 1);
  const testGold = test.map((r) => classIndex(r.label));

  console.log(`baseline: ${semeval.length} SemEval tweets, ${base.length} care posts`);
  const baseline = buildModel(general, toExamples(base, CARE_WEIGHT));
  const baselineOnCorrected = probabilities(baseline, corrected);

  // The 200 as the console would have kept them, exported and read back by --with-labels.
  const dir = mkdtempSync(join(tmpdir(), 'socialcare-corrections-'));
  const exportOf = (rows: Labelled[]) => {
    const file = join(dir, `labels-${rows.length}.jsonl`);
    const lines = rows.map((row): LabelledExample => {
      const read = MODEL_CLASSES[argmax(baselineOnCorrected[corrected.indexOf(row)] as number[])];
      return {
        brandId: 'care-sample',
        caseId: `x-${row.id}`,
        platform: 'x',
        platformMessageId: row.id,
        text: row.text,
        at: '2026-12-03T00:00:00.000Z',
        agentId: 'bench',
        read: { ...(read ? { sentiment: read } : {}) },
        corrected: { sentiment: row.label },
      };
    });
    writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    return loadCorrections(file);
  };
  const misread = corrected.filter(
    (row, i) => argmax(baselineOnCorrected[i] as number[]) !== classIndex(row.label),
  );
  const allLabels = exportOf(corrected);
  const onlyCorrections = exportOf(misread);
  rmSync(dir, { recursive: true, force: true });

  console.log(`+${allLabels.length} labels, +${onlyCorrections.length} corrections`);
  const withLabels = buildModel(general, toExamples([...base, ...allLabels], CARE_WEIGHT));
  const withCorrections = buildModel(general, toExamples([...base, ...onlyCorrections], CARE_WEIGHT));

  // Per-brand calibration: the threshold at which the baseline is ≥ 90% right on the brand's 200
  // corrected posts (the agents' labels say what was right), instead of the global one.
  const calibrated = hybridThreshold(
    baselineOnCorrected,
    corrected.map((r) => classIndex(r.label)),
  ).chosen?.threshold;
  const baselineOnTest = probabilities(baseline, test);

  const results = {
    bench: 'corrections-effect',
    at: new Date().toISOString(),
    seed: SEED,
    split: {
      test: `${test.length} care posts never trained on (${CORRECTED.file}, lines 601-800)`,
      corrected: `${corrected.length} care posts corrected by "agents" (${CORRECTED.file}, lines ${CORRECTED.from + 1}-${CORRECTED.to}), ${misread.length} of them misread by the baseline`,
      baseline: `${semeval.length} SemEval tweets + ${base.length} other hand-labelled care posts`,
    },
    testSet: {
      lexicon: score(
        testGold,
        test.map((r) => lexiconClass(r.text)),
      ),
      baseline: score(testGold, baselineOnTest.map(argmax)),
      plus200Labels: score(testGold, probabilities(withLabels, test).map(argmax)),
      plusCorrectionsOnly: {
        corrections: misread.length,
        ...score(testGold, probabilities(withCorrections, test).map(argmax)),
      },
    },
    hybridThreshold: {
      note: 'the baseline model on the test set: posts it decides alone, its precision on them, the share sent to Comprehend',
      global: alone(baselineOnTest, testGold, baseline.threshold),
      calibratedOnCorrections: calibrated === undefined ? null : alone(baselineOnTest, testGold, calibrated),
      retrainedWith200Labels: alone(probabilities(withLabels, test), testGold, withLabels.threshold),
    },
    seconds: Math.round((Date.now() - started) / 1000),
  };
  const out = resolve(repoRoot, 'bench/results/corrections-effect.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
