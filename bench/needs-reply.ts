/**
 * How well triage decides whether a post needs a reply, on the project's hand labels of real care posts
 * (bench/care-labels/*.tsv with a needs-reply column; texts from the data folder, default ../shared/data).
 *
 *   npx tsx bench/needs-reply.ts [--data DIR]
 *
 * The policy goes first for precision on "no reply needed": a post put there that needed an answer is
 * a customer ignored. Reported per sentiment source (the shipped model, the lexicon, and the hand label
 * itself, to separate the policy's errors from the sentiment reader's). Results in
 * bench/results/needs-reply.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_CONFIG_PATH, readBrandConfigFile } from '../functions/commons/brand-config-file';
import { classifyLocally } from '../functions/core/local-sentiment';
import { decideNeedsReply } from '../functions/core/needs-reply';
import type { SentimentLabel } from '../functions/core/sentiment';
import { shippedCareModel } from '../functions/core/sentiment/care-model';
import { riskDetectorFor } from '../functions/core/triage';
import { defaultDataDir, loadCareLabels, MissingDataError } from '../scripts/sentiment-data';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main() {
  const dataDir = resolve(option('data') ?? defaultDataDir(repoRoot));
  const rows = (await loadCareLabels(dataDir, resolve(repoRoot, 'bench/care-labels'))).filter(
    (row) => row.needsReply !== undefined,
  );
  const brand = readBrandConfigFile(DEMO_CONFIG_PATH).brands[0];
  if (!brand) throw new Error('the demo config has no brand');
  const risks = riskDetectorFor(brand);
  const model = shippedCareModel();
  const readers: Record<string, (text: string, gold: SentimentLabel) => SentimentLabel> = {
    model: (text) => model.sentiment(text).label,
    lexicon: (text) => classifyLocally(text).label,
    handLabel: (_text, gold) => gold,
  };
  const results: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(readers)) {
    let noLane = 0;
    let noLaneRight = 0;
    let complaintsInNoLane = 0;
    let goldNo = 0;
    const wrongNo: Array<{ id: string; kind?: string; reason: string }> = [];
    for (const row of rows) {
      const decision = decideNeedsReply({
        text: row.text,
        sentiment: read(row.text, row.label),
        risks: risks.detect(row.text),
        inConversation: row.answersUs ?? false,
      });
      if (!row.needsReply) goldNo++;
      if (decision.needsReply) continue;
      noLane++;
      if (!row.needsReply) noLaneRight++;
      else wrongNo.push({ id: row.id, ...(row.kind ? { kind: row.kind } : {}), reason: decision.reason });
      if (row.kind === 'complaint') complaintsInNoLane++;
    }
    results[name] = {
      posts: rows.length,
      labelledNoReply: goldNo,
      putInNoReplyLane: noLane,
      precisionOfNoReply: noLane ? Number((noLaneRight / noLane).toFixed(3)) : null,
      recallOfNoReply: goldNo ? Number((noLaneRight / goldNo).toFixed(3)) : null,
      complaintsInNoReplyLane: complaintsInNoLane,
      wronglyNotAnswered: wrongNo,
    };
  }
  const out = resolve(repoRoot, 'bench/results/needs-reply.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ bench: 'needs-reply', at: new Date().toISOString(), results }, null, 2)}\n`,
  );
  for (const [name, r] of Object.entries(results)) {
    const { wronglyNotAnswered, ...figures } = r as { wronglyNotAnswered: unknown[] };
    console.log(name, JSON.stringify(figures), `wrong: ${JSON.stringify(wronglyNotAnswered)}`);
  }
}

main().catch((error) => {
  console.error(error instanceof MissingDataError ? error.message : error);
  process.exit(2);
});
