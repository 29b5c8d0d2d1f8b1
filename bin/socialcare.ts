#!/usr/bin/env -S npx tsx
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runReportCommand } from '../functions/cli/report-command';
import { runTriageCommand } from '../functions/cli/triage-command';
import { DEMO_CONFIG_PATH, readBrandConfigFile } from '../functions/commons/brand-config-file';
import { BrandConfigError } from '../functions/core/brand-config';
import { LocalSentimentClassifier } from '../functions/core/local-sentiment';
import { startLocalSystem } from '../functions/local-runtime/runtime';

const USAGE = `socialcare — social customer care

Usage:
  socialcare start                  run the whole system on this machine (embedded DynamoDB and SQS)
  socialcare report [--url U] [--token T] [--from ISO] [--to ISO] [--brand ID] [--json]
                                    response rate and first-response times per brand and channel
                                    (default: the last 7 days, from the system at http://127.0.0.1:$PORT)
  socialcare triage [--config F] [--brand ID]
                                    classify JSON lines from stdin: {"id","text","lang"?,"to"?}

Environment (start): PORT (3000), SOCIALCARE_DATA_DIR (.socialcare-data), SOCIALCARE_CONFIG (demo airline),
SOCIALCARE_API_TOKEN, X_CONSUMER_SECRET, SENTIMENT (local).`;

function fail(message: string): never {
  process.stderr.write(`socialcare: ${message}\n`);
  process.exit(2);
}

function loadConfig(path: string | undefined) {
  try {
    return readBrandConfigFile(resolve(path ?? process.env.SOCIALCARE_CONFIG ?? DEMO_CONFIG_PATH));
  } catch (error) {
    if (error instanceof BrandConfigError) fail(error.message);
    throw error;
  }
}

function sentimentFromEnv() {
  const mode = process.env.SENTIMENT ?? 'local';
  if (mode !== 'local')
    fail(`SENTIMENT=${mode} is not available locally (no AWS account in local mode); use "local"`);
  return new LocalSentimentClassifier();
}

async function start(): Promise<void> {
  const portText = process.env.PORT ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`PORT must be a port number, not "${portText}"`);
  const config = loadConfig(undefined);
  const dataDir = resolve(process.env.SOCIALCARE_DATA_DIR ?? '.socialcare-data');
  const apiToken = process.env.SOCIALCARE_API_TOKEN ?? 'local-dev-token';
  const xConsumerSecret = process.env.X_CONSUMER_SECRET ?? 'local-dev-x-secret';
  const system = await startLocalSystem({
    brandConfig: config,
    port,
    dataDir,
    apiToken,
    xConsumerSecret,
    sentiment: sentimentFromEnv(),
  });
  const lines = [
    `socialcare is running at ${system.url}`,
    `  brands:            ${config.brands.map((b) => `${b.name} (${b.id})`).join(', ')}`,
    `  webhooks:          ${system.url}/webhooks/x`,
    `  agent API:         ${system.url}/api/cases  (Authorization: Bearer ${process.env.SOCIALCARE_API_TOKEN ? '<SOCIALCARE_API_TOKEN>' : apiToken})`,
    `  health:            ${system.url}/healthz`,
    `  DynamoDB Local:    ${system.dynamo.endpoint}  data in ${dataDir}`,
    `  SQS (fauxqs):      ${system.queues.endpoint}  ingest queue + DLQ`,
    `  consumers:         triage (local sentiment classifier) and sender, polling their queues`,
    `  SLA monitor:       every 15 s; pages are logged here and listed at ${system.url}/api/pages`,
    `  X API stand-in:    ${system.standIn.url} (what would have been posted: ${system.standIn.url}/sent)`,
    process.env.X_CONSUMER_SECRET
      ? '  X consumer secret: from X_CONSUMER_SECRET'
      : `  X consumer secret: "${xConsumerSecret}" (development default; set X_CONSUMER_SECRET)`,
    'Ctrl-C stops everything.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: finishing queued work and stopping...\n`);
    await system.stop();
    process.stdout.write('stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function triage(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, brand: { type: 'string' } },
    strict: true,
  });
  const config = loadConfig(values.config);
  const result = await runTriageCommand({
    config,
    ...(values.brand ? { brandId: values.brand } : {}),
    sentiment: sentimentFromEnv(),
    input: process.stdin,
    output: process.stdout,
  });
  if (result.errors)
    process.stderr.write(`socialcare triage: ${result.errors} of ${result.lines} lines had errors\n`);
}

// The lockfile pins an SDK that supports Node 20; its notice about future releases is not for users here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
async function report(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      brand: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  await runReportCommand({
    url: values.url ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`,
    token: values.token ?? process.env.SOCIALCARE_API_TOKEN ?? 'local-dev-token',
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
    ...(values.brand ? { brand: values.brand } : {}),
    ...(values.json ? { json: true } : {}),
    output: process.stdout,
  });
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'start') await start();
  else if (command === 'triage') await triage(rest);
  else if (command === 'report') await report(rest);
  else if (!command || command === 'help' || command === '--help') process.stdout.write(`${USAGE}\n`);
  else fail(`unknown command "${command}"\n\n${USAGE}`);
} catch (error) {
  fail((error as Error).message);
}
