import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT, startChild, startSystemProcess } from './system-process';

const LOAD_WORKER = fileURLToPath(new URL('./load-worker.mjs', import.meta.url));
const BASELINE_SERVER = fileURLToPath(new URL('./baseline-server.mjs', import.meta.url));
const ACK_PATH_SERVER = fileURLToPath(new URL('./ack-path-server.ts', import.meta.url));
const TSX_CLI = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const SECRET = 'bench-consumer-secret';

export interface LoadResult {
  /** Mean requests per second over the run. */
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface AckResult {
  durationSeconds: number;
  connections: number;
  fixedRate: number;
  baseline: { saturated: LoadResult; fixedRate: LoadResult };
  /** The webhook path alone (HTTP server, handler, journal, embedded SQS; no consumers, no DynamoDB). */
  ackPath: { saturatedInfoLogs: LoadResult; saturatedWarnLogs: LoadResult };
  system: { saturated: LoadResult; fixedRate: LoadResult };
  /** Throughput over the baseline's: saturated (as much as each can take), and at the fixed rate. */
  ratios: {
    systemSaturated: number;
    ackPathSaturated: number;
    ackPathSaturatedWarnLogs: number;
    systemAtFixedRate: number;
  };
  targets: { throughputRatio: number; p99Ms: number };
  pass: { saturatedRatio: boolean; fixedRateRatio: boolean; p99: boolean };
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** Runs autocannon in a process of its own against `url`. */
export async function runLoad(options: {
  url: string;
  durationSeconds: number;
  connections: number;
  rate?: number;
  idBase: string;
}): Promise<LoadResult> {
  const config = JSON.stringify({ ...options, secret: SECRET });
  const child = spawn(process.execPath, [LOAD_WORKER, config], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), (options.durationSeconds + 30) * 1000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(killer);
  if (code !== 0) throw new Error(`load worker failed (${code}): ${stderr.slice(-2000)}`);
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as AutocannonResult;
  return {
    requestsPerSecond: Math.round(result.requests.average * 10) / 10,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/**
 * Acknowledgement: POST /webhooks/x (signed mentions, fresh ids) against a bare HMAC-checking server
 * and against the real local system (`socialcare start` in a child process), each saturated by
 * `connections` connections and then at a fixed rate, from a separate autocannon process.
 */
export async function benchAcknowledgement(options: {
  workDir: string;
  durationSeconds?: number;
  connections?: number;
  fixedRate?: number;
  log?: (line: string) => void;
}): Promise<AckResult> {
  const durationSeconds = options.durationSeconds ?? 10;
  const connections = options.connections ?? 50;
  const fixedRate = options.fixedRate ?? 300;
  const log = options.log ?? (() => undefined);

  log('ack: baseline server (HMAC check only)');
  const baselineProcess = startChild(process.execPath, [BASELINE_SERVER], {
    env: { X_CONSUMER_SECRET: SECRET },
    logFile: join(options.workDir, 'baseline.log'),
  });
  let baseline: AckResult['baseline'];
  try {
    const port = await waitForListening(join(options.workDir, 'baseline.log'));
    const url = `http://127.0.0.1:${port}`;
    await runLoad({ url, durationSeconds: 2, connections, idBase: '8100000000000000000' });
    const saturated = await runLoad({ url, durationSeconds, connections, idBase: '8110000000000000000' });
    const fixed = await runLoad({
      url,
      durationSeconds,
      connections,
      rate: fixedRate,
      idBase: '8120000000000000000',
    });
    baseline = { saturated, fixedRate: fixed };
  } finally {
    await baselineProcess.stop();
  }

  const ackPath = {} as AckResult['ackPath'];
  for (const level of ['INFO', 'WARN'] as const) {
    log(`ack: the webhook path alone, logs at ${level}`);
    const logFile = join(options.workDir, `ack-path-${level}.log`);
    const server = startChild(process.execPath, [TSX_CLI, ACK_PATH_SERVER], {
      env: {
        X_CONSUMER_SECRET: SECRET,
        POWERTOOLS_LOG_LEVEL: level,
        SOCIALCARE_DATA_DIR: join(options.workDir, `ack-path-data-${level}`),
      },
      logFile,
    });
    try {
      const url = `http://127.0.0.1:${await waitForListening(logFile, 60_000)}`;
      await runLoad({ url, durationSeconds: 2, connections, idBase: '8150000000000000000' });
      const saturated = await runLoad({ url, durationSeconds, connections, idBase: '8160000000000000000' });
      if (level === 'INFO') ackPath.saturatedInfoLogs = saturated;
      else ackPath.saturatedWarnLogs = saturated;
    } finally {
      await server.stop();
    }
  }

  log('ack: socialcare start (embedded DynamoDB, SQS, journal, consumers)');
  const system = await startSystemProcess({
    dataDir: join(options.workDir, 'ack-data'),
    secret: SECRET,
    token: 'bench-token',
    logFile: join(options.workDir, 'ack-system.log'),
  });
  let measured: AckResult['system'];
  try {
    await runLoad({ url: system.url, durationSeconds: 2, connections, idBase: '8200000000000000000' });
    const saturated = await runLoad({
      url: system.url,
      durationSeconds,
      connections,
      idBase: '8210000000000000000',
    });
    const fixed = await runLoad({
      url: system.url,
      durationSeconds,
      connections,
      rate: fixedRate,
      idBase: '8220000000000000000',
    });
    measured = { saturated, fixedRate: fixed };
  } finally {
    // The backlog is not waited for: this bench is about the answer, the end-to-end bench about the rest.
    await system.kill();
  }

  const ratio = (a: LoadResult, b: LoadResult) =>
    Math.round((a.requestsPerSecond / b.requestsPerSecond) * 100) / 100;
  const ratios = {
    systemSaturated: ratio(measured.saturated, baseline.saturated),
    ackPathSaturated: ratio(ackPath.saturatedInfoLogs, baseline.saturated),
    ackPathSaturatedWarnLogs: ratio(ackPath.saturatedWarnLogs, baseline.saturated),
    systemAtFixedRate: ratio(measured.fixedRate, baseline.fixedRate),
  };
  const targets = { throughputRatio: 0.5, p99Ms: 1000 };
  return {
    durationSeconds,
    connections,
    fixedRate,
    baseline,
    ackPath,
    system: measured,
    ratios,
    targets,
    pass: {
      saturatedRatio: ratios.systemSaturated >= targets.throughputRatio,
      fixedRateRatio: ratios.systemAtFixedRate >= targets.throughputRatio,
      p99:
        measured.fixedRate.latencyMs.p99 <= targets.p99Ms &&
        measured.fixedRate.non2xx + measured.fixedRate.errors + measured.fixedRate.timeouts === 0,
    },
  };
}

async function waitForListening(logFile: string, timeoutMs = 10_000): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    const match = /listening (\d+)/.exec(text);
    if (match) return Number(match[1]);
    if (Date.now() > deadline) throw new Error(`the server logging to ${logFile} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
