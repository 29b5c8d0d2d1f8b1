import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { classifyLocally } from '/work/main/functions/core/local-sentiment';
const req = createRequire('/tmp/lexicons/');
const Sentiment = req('sentiment'); const wink = req('wink-sentiment'); const vader = req('vader-sentiment');
const afinn = new Sentiment();
const csvText = readFileSync('/work/shared/data/twcs-sample/twcs_head_1000.csv', 'utf8');
// minimal CSV parse
const rows: string[][] = []; let row: string[] = [], f = '', q = false;
for (let i = 0; i < csvText.length; i++) { const c = csvText[i]!; if (q) { if (c === '"') { if (csvText[i + 1] === '"') { f += '"'; i++; } else q = false; } else f += c; } else if (c === '"') q = true; else if (c === ',') { row.push(f); f = ''; } else if (c === '\n') { row.push(f); rows.push(row); row = []; f = ''; } else if (c !== '\r') f += c; }
if (f || row.length) { row.push(f); rows.push(row); }
const text = new Map(rows.slice(1).map((r) => [r[0]!, r[4]!]));
const labels = readFileSync('/tmp/care-labels/labels.tsv', 'utf8').trim().split('\n').map((l) => l.split('\t') as [string, string]);
const C = ['NEGATIVE', 'NEUTRAL', 'POSITIVE'];
const half = process.argv[2]; // 'even' | 'odd' | undefined
const sel = labels.filter((_, i) => !half || (half === 'even' ? i % 2 === 0 : i % 2 === 1));
const sign = (s: number, t = 0.05) => (s >= t ? 'POSITIVE' : s <= -t ? 'NEGATIVE' : 'NEUTRAL');
const readers: Record<string, (t: string) => string> = {
  ours: (t) => { const r = classifyLocally(t); return r.label === 'MIXED' ? (r.positive > r.negative ? 'POSITIVE' : 'NEGATIVE') : r.label; },
  afinn: (t) => sign(afinn.analyze(t).score, Number(process.env.AT ?? 1)),
  wink: (t) => sign(wink(t).normalizedScore, Number(process.env.WT ?? 0.5)),
  vader: (t) => sign(vader.SentimentIntensityAnalyzer.polarity_scores(t).compound, Number(process.env.VT ?? 0.05)),
};
for (const [name, read] of Object.entries(readers)) {
  const m = C.map(() => C.map(() => 0)); let ok = 0;
  for (const [id, g] of sel) { const p = read(text.get(id)!); m[C.indexOf(g)]![C.indexOf(p)]!++; if (p === g) ok++; }
  const f1s = C.map((_, k) => { const tp = m[k]![k]!; const prec = tp / (m.reduce((a, r) => a + r[k]!, 0) || 1); const rec = tp / (m[k]!.reduce((a, b) => a + b, 0) || 1); return prec + rec ? (2 * prec * rec) / (prec + rec) : 0; });
  console.log(`${name.padEnd(6)} n=${sel.length} acc ${(ok / sel.length).toFixed(3)} macroF1 ${(f1s.reduce((a, b) => a + b) / 3).toFixed(3)} F1 neg/neu/pos ${f1s.map((x) => x.toFixed(2)).join('/')} confusion ${JSON.stringify(m)}`);
}
if (process.argv[3] === 'errors') for (const [id, g] of sel) { const p = readers.ours!(text.get(id)!); if (p !== g) console.log(`${g} <- ${p}\t${id}\t${text.get(id)!.replace(/\n/g, ' ')}`); }
