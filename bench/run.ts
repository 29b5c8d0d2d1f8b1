#!/usr/bin/env -S npx tsx
// npm run bench [-- ack|e2e|cold ...]: runs the benches (all by default), prints a table per bench and
// writes bench/results/<bench>.json. Loopback only; every process it starts is stopped at the end.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AckResult, benchAcknowledgement } from './ack';
import { type Budget, benchColdStart, type ColdStartRow } from './cold-start';
import { benchEndToEnd, type E2eResult } from './e2e';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const BUDGETS = fileURLToPath(new URL('./budgets.json', import.meta.url));
const BENCHES = ['ack', 'e2e', 'cold'] as const;
type BenchName = (typeof BENCHES)[number];

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [
    line(headers),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

function machine() {
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    /** Other work on the machine skews every figure: the load average when the result was saved. */
    loadAverage: (loadAverage() ?? []).map((n) => Math.round(n * 100) / 100),
  };
}
function loadAverage(): number[] | undefined {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return undefined;
  }
}

function save(name: string, result: unknown) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ bench: name, at: new Date().toISOString(), machine: machine(), result }, null, 2)}\n`,
  );
  return file;
}

const ms = (n: number) => `${n} ms`;

function printAck(result: AckResult) {
  const row = (name: string, r: AckResult['baseline']['saturated'], ratio?: number) => [
    name,
    r.requestsPerSecond,
    ratio === undefined ? '' : ratio,
    ms(r.latencyMs.p50),
    ms(r.latencyMs.p99),
    ms(r.latencyMs.max),
    r.non2xx + r.errors + r.timeouts,
  ];
  console.log(
    `\nAcknowledgement: POST /webhooks/x, signed mentions with fresh ids, ${result.durationSeconds} s per run, ${result.connections} connections, autocannon in its own process\n`,
  );
  console.log(
    table(
      ['run', 'req/s', 'vs baseline', 'p50', 'p99', 'max', 'not 200'],
      [
        row('baseline (HMAC check only), saturated', result.baseline.saturated, 1),
        row(
          'webhook path alone, logs INFO, saturated',
          result.ackPath.saturatedInfoLogs,
          result.ratios.ackPathSaturated,
        ),
        row(
          'webhook path alone, logs WARN, saturated',
          result.ackPath.saturatedWarnLogs,
          result.ratios.ackPathSaturatedWarnLogs,
        ),
        row('socialcare start, saturated', result.system.saturated, result.ratios.systemSaturated),
        row(`baseline, ${result.fixedRate} req/s offered`, result.baseline.fixedRate, 1),
        row(
          `socialcare start, ${result.fixedRate} req/s offered`,
          result.system.fixedRate,
          result.ratios.systemAtFixedRate,
        ),
      ],
    ),
  );
  const verdict = (ok: boolean) => (ok ? 'pass' : 'NOT MET');
  console.log(
    `\nat ${result.fixedRate} req/s: throughput ratio ${result.ratios.systemAtFixedRate} (target ≥ ${result.targets.throughputRatio}: ${verdict(result.pass.fixedRateRatio)}), ` +
      `p99 ${result.system.fixedRate.latencyMs.p99} ms (target ≤ ${result.targets.p99Ms} ms; X allows 3 s for CRC, 10 s for events: ${verdict(result.pass.p99)})` +
      `\nsaturated: throughput ratio ${result.ratios.systemSaturated} (target ≥ ${result.targets.throughputRatio}: ${verdict(result.pass.saturatedRatio)}); the webhook path alone ${result.ratios.ackPathSaturated} (${result.ratios.ackPathSaturatedWarnLogs} with logs at WARN)`,
  );
}

function printE2e(result: E2eResult) {
  console.log('\nEnd to end: signed webhook → stored case (embedded stack)\n');
  console.log(
    table(
      [
        'poller concurrency',
        'mentions',
        'accepted',
        'recorded',
        'lost',
        'sent in',
        'all stored in',
        'mentions/s',
        'ack p99',
        'log bytes/mention',
      ],
      result.runs.map((r) => [
        r.pollerConcurrency,
        r.mentions,
        r.accepted,
        r.recorded,
        r.lost,
        `${r.sendSeconds} s`,
        `${r.recordSeconds} s`,
        r.mentionsPerSecond,
        ms(r.ackLatencyMs.p99),
        r.logBytesPerMention,
      ]),
    ),
  );
  console.log(`\nspeed-up of the concurrent poller: ×${result.speedup}`);
}

function printCold(rows: ColdStartRow[]) {
  console.log(
    '\nCold start: bundles as the stack builds them, module load in a fresh node process (median)\n',
  );
  console.log(
    table(
      ['function', 'bundle', 'gzip', 'beside', 'load', 'load CPU', 'budget', 'result'],
      rows.map((r) => [
        r.function,
        `${r.bundleKiB} KiB`,
        `${r.gzipKiB} KiB`,
        Object.entries(r.besideKiB)
          .map(([file, kib]) => `${file} ${kib} KiB`)
          .join(', ') || '–',
        ms(r.loadMs),
        ms(r.loadCpuMs),
        r.budget ? `${r.budget.bundleKiB} KiB / ${r.budget.loadMs} ms` : 'none',
        r.pass ? 'pass' : r.budget ? 'FAIL' : 'no budget',
      ]),
    ),
  );
}

async function main() {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((a) => !BENCHES.includes(a as BenchName));
  if (unknown.length) {
    console.error(`unknown bench(es): ${unknown.join(', ')}; choose from ${BENCHES.join(', ')}`);
    process.exit(2);
  }
  const chosen = (asked.length ? asked : BENCHES) as BenchName[];
  const workDir = mkdtempSync(join(tmpdir(), 'socialcare-bench-'));
  const log = (line: string) => process.stderr.write(`… ${line}\n`);
  let failed = false;
  let finished = false;
  try {
    if (chosen.includes('ack')) {
      const result = await benchAcknowledgement({ workDir, log });
      printAck(result);
      console.log(`→ ${save('acknowledgement', result)}`);
      failed ||= !result.pass.fixedRateRatio || !result.pass.p99 || !result.pass.saturatedRatio;
    }
    if (chosen.includes('e2e')) {
      const result = await benchEndToEnd({ workDir, log });
      printE2e(result);
      console.log(`→ ${save('end-to-end', result)}`);
      failed ||= result.runs.some((r) => r.lost > 0);
    }
    if (chosen.includes('cold')) {
      const budgets = JSON.parse(readFileSync(BUDGETS, 'utf8')) as { functions: Record<string, Budget> };
      const rows = await benchColdStart({ workDir, budgets: budgets.functions, log });
      printCold(rows);
      console.log(`→ ${save('cold-start', rows)}`);
      failed ||= rows.some((r) => !r.pass);
    }
    finished = true;
  } finally {
    // Kept when a bench broke: the child processes' logs are in it.
    if (finished) rmSync(workDir, { recursive: true, force: true });
    else console.error(`bench work folder kept for its logs: ${workDir}`);
  }
  if (failed) {
    console.log('\nsome targets or budgets were missed (see above)');
    process.exitCode = 1;
  }
}

await main();
