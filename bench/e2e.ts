import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runReplayCommand } from '../functions/cli/replay-command';
import { DEMO_CONFIG_PATH, readBrandConfigFile } from '../functions/commons/brand-config-file';
import { startSystemProcess } from './system-process';

const SECRET = 'bench-consumer-secret';
const TOKEN = 'bench-token';
const WARMUP_MENTIONS = 400;

/** A mix like real care traffic: complaints, questions, thanks; some to the FAQ bot. Written here, not copied. */
const TEXTS: Array<{ text: string; to?: 'bot' }> = [
  { text: '@DemoAir my flight was cancelled and nobody at the desk can tell me anything' },
  { text: '@DemoAir where is my bag? it did not arrive at AMS and the app shows nothing' },
  { text: '@DemoAir thanks to the crew of this morning, great service' },
  { text: '@DemoAir can I change my booking to tomorrow without a fee?' },
  { text: '@DemoAir refund still not received after three weeks, this is ridiculous' },
  { text: '@DemoAirFares what is the cheapest fare from Amsterdam to London?', to: 'bot' },
  { text: '@DemoAir is the lounge at Schiphol open on Sunday?' },
  { text: '@DemoAir seat upgrade worked out, lovely flight' },
];

export interface E2eRun {
  pollerConcurrency: number;
  mentions: number;
  accepted: number;
  recorded: number;
  lost: number;
  sendSeconds: number;
  recordSeconds: number;
  /** Recorded mentions per second, from the first webhook to the last case stored. */
  mentionsPerSecond: number;
  ackLatencyMs: { p50: number; p99: number };
  /** What `socialcare start` logged at its default level, per mention: an estimate of CloudWatch log volume. */
  logBytesPerMention: number;
}

export interface E2eResult {
  runs: E2eRun[];
  /** The speed-up of the concurrent poller over one batch at a time. */
  speedup: number;
}

function writeMentions(file: string, count: number, idBase: bigint): void {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const sample = TEXTS[i % TEXTS.length] as (typeof TEXTS)[number];
    lines.push(
      JSON.stringify({
        id: String(idBase + BigInt(i)),
        text: sample.text,
        // A new customer per mention, in every run: one case each.
        author: String(idBase + BigInt(i)),
        ...(sample.to ? { to: sample.to } : {}),
      }),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * End to end: N signed mentions sent as fast as 16 connections allow through `socialcare replay`'s code
 * path to a fresh `socialcare start` (warmed with 400 mentions first), timed until all N are stored as
 * cases (counted through the agent API's report, then each read back). Once per poller concurrency, so
 * the before/after of the poller change is measured in one run.
 */
export async function benchEndToEnd(options: {
  workDir: string;
  mentions?: number;
  concurrencies?: number[];
  log?: (line: string) => void;
}): Promise<E2eResult> {
  const mentions = options.mentions ?? 1000;
  const log = options.log ?? (() => undefined);
  const runs: E2eRun[] = [];
  for (const [index, concurrency] of (options.concurrencies ?? [1, 5]).entries()) {
    log(`e2e: ${mentions} mentions, poller concurrency ${concurrency}`);
    const file = join(options.workDir, `e2e-${concurrency}.jsonl`);
    writeMentions(file, mentions, 7_500_000_000_000_000_000n + BigInt(index) * 1_000_000n);
    const logFile = join(options.workDir, `e2e-system-${concurrency}.log`);
    const system = await startSystemProcess({
      dataDir: join(options.workDir, `e2e-data-${concurrency}`),
      secret: SECRET,
      token: TOKEN,
      logFile,
      env: { SOCIALCARE_POLLER_CONCURRENCY: String(concurrency) },
    });
    try {
      // DynamoDB Local (a JVM) runs slowly until its code is compiled: warm it with mentions not counted.
      const warmup = join(options.workDir, `e2e-warmup-${concurrency}.jsonl`);
      writeMentions(warmup, WARMUP_MENTIONS, 7_400_000_000_000_000_000n + BigInt(index) * 1_000_000n);
      await runReplayCommand({
        file: warmup,
        url: system.url,
        secret: SECRET,
        token: TOKEN,
        config: readBrandConfigFile(DEMO_CONFIG_PATH),
        rate: 0,
        concurrency: 16,
        settleMs: 30_000,
      });
      const report = await runReplayCommand({
        file,
        url: system.url,
        secret: SECRET,
        token: TOKEN,
        config: readBrandConfigFile(DEMO_CONFIG_PATH),
        rate: 0,
        concurrency: 16,
        settleMs: 30_000,
        // Every author is new: one case per mention, counted by one report query per poll.
        expectedCases: mentions,
      });
      runs.push({
        pollerConcurrency: concurrency,
        mentions,
        accepted: report.accepted,
        recorded: report.recorded,
        lost: report.lost,
        sendSeconds: Math.round(report.sendSeconds * 10) / 10,
        recordSeconds: Math.round(report.recordSeconds * 10) / 10,
        mentionsPerSecond: Math.round((report.recorded / report.recordSeconds) * 10) / 10,
        ackLatencyMs: { p50: report.latencyMs.p50, p99: report.latencyMs.p99 },
        logBytesPerMention: Math.round(statSync(logFile).size / Math.max(1, report.recorded)),
      });
    } finally {
      await system.stop();
    }
  }
  const first = runs[0]?.mentionsPerSecond ?? 0;
  const last = runs.at(-1)?.mentionsPerSecond ?? 0;
  return { runs, speedup: first ? Math.round((last / first) * 100) / 100 : 0 };
}
