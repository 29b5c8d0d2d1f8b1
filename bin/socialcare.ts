#!/usr/bin/env -S npx tsx
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sqsClient } from '../functions/adapters/aws/clients';
import { comprehendSentiment } from '../functions/adapters/aws/comprehend-sentiment';
import { createSentimentClassifier, parseSentimentMode } from '../functions/adapters/sentiment-mode';
import {
  addAgent,
  exportAudit,
  exportLabels,
  listAgents,
  removeAgent,
} from '../functions/cli/access-command';
import {
  formatDeadLetters,
  listDeadLetters,
  localDlqQueues,
  redriveDeadLetters,
} from '../functions/cli/dlq-command';
import { runExportCommand } from '../functions/cli/export-command';
import { formatReplayReport, runReplayCommand } from '../functions/cli/replay-command';
import { runReportCommand } from '../functions/cli/report-command';
import { runTriageCommand } from '../functions/cli/triage-command';
import { runXCommand } from '../functions/cli/x-cli';
import { DEMO_CONFIG_PATH, readBrandConfigFile } from '../functions/commons/brand-config-file';
import { BrandConfigError } from '../functions/core/brand-config';
import { PortInUseError } from '../functions/local-runtime/free-port';
import { LOCAL_X_CONSUMER_SECRET, startLocalSystem } from '../functions/local-runtime/runtime';
import { readRuntimeFile, runtimeFilePath } from '../functions/local-runtime/runtime-file';

const USAGE = `socialcare — social customer care

Usage:
  socialcare start                  run the whole system on this machine (embedded DynamoDB and SQS)
  socialcare report [--url U] [--token T] [--from ISO] [--to ISO] [--brand ID] [--json]
                                    response rate and first-response times per brand and channel
                                    (default: the last 7 days, from the system at http://127.0.0.1:$PORT)
  socialcare triage [--config F] [--brand ID]
                                    classify JSON lines from stdin: {"id","text","lang"?,"to"?}
  socialcare replay FILE [--url U] [--secret S] [--token T] [--rate N] [--limit N] [--to care|bot]
                    [--brand ID] [--config F] [--settle SECONDS]
                                    send the inbound tweets of a "Customer Support on Twitter" CSV or of
                                    JSON lines {"id","text","author"?,"to"?} as signed X webhooks to a
                                    running system (default http://127.0.0.1:$PORT) and report what happened
  socialcare agents add --brand B [--brand B2] --role agent|supervisor|admin [--team T] [--capacity N]
                    [--initials I] [--sub COGNITO_SUB] [--url U] [--token T] NAME
                                    add an agent (admin); prints its token once (local) and a console link
  socialcare agents add --brand B --role local_manager --location CODE [--location C2] [--email E]
                    [--digest] NAME     a local manager: sees and is paged about their locations' cases only
  socialcare agents list|remove [ID] [--url U] [--token T] [--json]
                                    the agents who share a brand with you (supervisor); remove one (admin)
  socialcare audit export --brand B [--from ISO] [--to ISO] [--format csv|jsonl] [--url U] [--token T]
                                    who did what on the brand's cases in the period (supervisor), to stdout
  socialcare labels export --brand B [--from ISO] [--to ISO] [--format tsv|jsonl] [--url U] [--token T]
                                    agents' corrections of sentiment, topic and needs-a-reply as labelled
                                    examples (text masked as stored; supervisor), to stdout; train with
                                    npm run train:sentiment -- --with-labels FILE
  socialcare export cases|messages|report|audit --brand B [--from ISO] [--to ISO] [--format csv|jsonl]
                    [--url U] [--token T]
                                    the brand's cases, messages (masked), report or audit trail of the period
                                    (default: the last 30 days) as CSV or JSON lines, streamed to stdout
  socialcare dlq list|redrive [--endpoint URL] [--dlq-url U --ingest-url U [--outbox-url U]]
                    [--max N] [--all] [--source S] [--dry-run] [--json]
                                    show the dead letters with their reasons, or send them back (local: the
                                    system that start runs with the same SOCIALCARE_DATA_DIR, found by
                                    itself; or --endpoint / SOCIALCARE_SQS_ENDPOINT)
  socialcare x setup|subscriptions|remove [--webhook] [--webhook-url U]
                                    register the X webhook and the X Activity API subscriptions of every
                                    configured X account (idempotent), list them, or remove them
  socialcare x authorize --account ID [--paste] [--redirect-uri U] [--aws --token-secret S --app-secret S]
                                    OAuth 2.0 (PKCE) for one brand account; tokens in the data folder
                                    (0600), or with --aws in the account's Secrets Manager secret
                                    (X_API_BASE_URL: the running local system's stand-in, else https://api.x.com)

Environment (start): PORT (3000), SOCIALCARE_DATA_DIR (.socialcare-data), SOCIALCARE_CONFIG (demo airline),
SOCIALCARE_API_TOKEN (an admin token; without it the first start creates an admin and prints its token once),
X_CONSUMER_SECRET, SENTIMENT (local), X_API_BASE_URL (the embedded stand-in),
SOCIALCARE_X_RECEIVE (poll: every X account polls), SOCIALCARE_X_POLL_INTERVAL (5 seconds),
PAGERDUTY_EVENTS_URL (the embedded PagerDuty stand-in), SLACK_WEBHOOK_URL (none), SLACK_SIGNING_SECRET,
PAGERDUTY_WEBHOOK_SECRET (development defaults), SOCIALCARE_ACK_LINK_KEY (a new key each start).
report, replay, agents, audit, export and labels read SOCIALCARE_API_TOKEN or --token.`;

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
  let mode: ReturnType<typeof parseSentimentMode>;
  try {
    mode = parseSentimentMode(process.env.SENTIMENT, 'local');
  } catch (error) {
    fail((error as Error).message);
  }
  // comprehend and hybrid call Amazon Comprehend with the AWS credentials of the environment.
  return createSentimentClassifier(mode, comprehendSentiment);
}

/** The local system's defaults, as `socialcare start` uses them; the other commands talk to it. */
const localUrl = () => `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
/** The caller's bearer token: --token, else SOCIALCARE_API_TOKEN. */
const apiToken = (given: string | undefined): string =>
  given ??
  process.env.SOCIALCARE_API_TOKEN ??
  fail(
    'no API token: pass --token, or set SOCIALCARE_API_TOKEN (the token `socialcare start` printed for the first admin, or one `socialcare agents add` printed)',
  );
const localXSecret = () => process.env.X_CONSUMER_SECRET ?? LOCAL_X_CONSUMER_SECRET;
const localDataDir = () => resolve(process.env.SOCIALCARE_DATA_DIR ?? '.socialcare-data');

/** One line on how each X account receives, for the start banner. */
function xIntakeLine(
  config: ReturnType<typeof loadConfig>,
  forced: 'poll' | 'webhook' | undefined,
  seconds: number,
  standInUrl: string,
): string {
  const accounts = config.brands.flatMap((b) => b.accounts.filter((a) => a.platform === 'x'));
  const polling = accounts.filter((a) => (forced ?? a.receive ?? 'webhook') === 'poll');
  const listening = config.brands.filter((b) => b.listening.keywords.length);
  const parts = [
    polling.length
      ? `polling @${polling.map((a) => a.handle).join(', @')} every ${seconds} s`
      : 'webhook (set SOCIALCARE_X_RECEIVE=poll to poll)',
    ...(listening.length
      ? [`listening for ${listening.flatMap((b) => b.listening.keywords).join(', ')}`]
      : []),
  ];
  return `${parts.join('; ')}${polling.length || listening.length ? ` (add posts: POST ${standInUrl}/x/posts)` : ''}`;
}

async function start(): Promise<void> {
  const portText = process.env.PORT ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`PORT must be a port number, not "${portText}"`);
  const config = loadConfig(undefined);
  const dataDir = localDataDir();
  const adminToken = process.env.SOCIALCARE_API_TOKEN || undefined;
  const xConsumerSecret = localXSecret();
  let genericSecrets: Record<string, string> | undefined;
  if (process.env.SOCIALCARE_GENERIC_SECRETS) {
    try {
      genericSecrets = JSON.parse(process.env.SOCIALCARE_GENERIC_SECRETS) as Record<string, string>;
      if (
        typeof genericSecrets !== 'object' ||
        Object.values(genericSecrets).some((v) => typeof v !== 'string')
      )
        throw new Error();
    } catch {
      fail('SOCIALCARE_GENERIC_SECRETS must be a JSON object of source name to secret, e.g. {"yelp":"..."}');
    }
  }
  const xReceive = process.env.SOCIALCARE_X_RECEIVE;
  if (xReceive !== undefined && xReceive !== '' && xReceive !== 'poll' && xReceive !== 'webhook')
    fail(`SOCIALCARE_X_RECEIVE must be "poll" or "webhook", not "${xReceive}"`);
  const intervalText = process.env.SOCIALCARE_X_POLL_INTERVAL ?? '5';
  const pollSeconds = Number(intervalText);
  if (!Number.isFinite(pollSeconds) || pollSeconds < 1)
    fail(`SOCIALCARE_X_POLL_INTERVAL must be a number of seconds of at least 1, not "${intervalText}"`);
  let onFatal = (_error: Error) => {};
  let firstAdmin: string[] = [];
  // Signals are taken from the first moment: a Ctrl-C while the system is still starting (it answers
  // /healthz before everything is up) is acted on once it is up, never a hard kill mid-start.
  let onSignal = (signal: string) => {
    pendingSignal ??= signal;
  };
  let pendingSignal: string | undefined;
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const system = await startLocalSystem({
    ...(xReceive === 'poll' || xReceive === 'webhook' ? { xReceive } : {}),
    xPollIntervalMs: pollSeconds * 1000,
    ...(process.env.X_API_BASE_URL ? { xApiBaseUrl: process.env.X_API_BASE_URL } : {}),
    ...(process.env.PAGERDUTY_EVENTS_URL ? { pagerDutyEventsUrl: process.env.PAGERDUTY_EVENTS_URL } : {}),
    ...(process.env.SLACK_WEBHOOK_URL ? { slackWebhookUrl: process.env.SLACK_WEBHOOK_URL } : {}),
    ...(process.env.SLACK_SIGNING_SECRET ? { slackSigningSecret: process.env.SLACK_SIGNING_SECRET } : {}),
    ...(process.env.PAGERDUTY_WEBHOOK_SECRET
      ? { pagerDutyWebhookSecret: process.env.PAGERDUTY_WEBHOOK_SECRET }
      : {}),
    ...(process.env.SOCIALCARE_ACK_LINK_KEY ? { ackLinkKey: process.env.SOCIALCARE_ACK_LINK_KEY } : {}),
    onFatal: (error) => onFatal(error),
    brandConfig: config,
    port,
    dataDir,
    ...(adminToken ? { apiToken: adminToken } : {}),
    onFirstAdmin: ({ token, url }) => {
      firstAdmin = [
        'First start: an administrator was created. Its token is shown this once (only its hash is kept):',
        `  SOCIALCARE_API_TOKEN=${token}`,
        `  console sign-in:   ${url}`,
        '  Add agents with `socialcare agents add` (README: "Agents, roles and the audit trail").',
      ];
    },
    xConsumerSecret,
    ...(process.env.META_APP_SECRET ? { metaAppSecret: process.env.META_APP_SECRET } : {}),
    ...(process.env.META_VERIFY_TOKEN ? { metaVerifyToken: process.env.META_VERIFY_TOKEN } : {}),
    ...(genericSecrets ? { genericSecrets } : {}),
    sentiment: sentimentFromEnv(),
  }).catch((error: unknown) => {
    if (error instanceof PortInUseError)
      fail(
        `port ${error.port} is already in use (another socialcare start?). Stop it, or set PORT to a free port: PORT=${error.port + 1} npm start`,
      );
    throw error;
  });
  const lines = [
    `socialcare is running at ${system.url}`,
    `  agent console:     ${system.url}/  (open it in a browser)`,
    `  brands:            ${config.brands.map((b) => `${b.name} (${b.id})`).join(', ')}`,
    `  webhooks:          ${system.url}/webhooks/x, /webhooks/meta, /webhooks/generic`,
    `  agent API:         ${system.url}/api/cases  (Authorization: Bearer <an agent's token>; SOCIALCARE_API_TOKEN ${adminToken ? 'is an admin token' : 'unset'})`,
    `  health:            ${system.url}/healthz`,
    `  DynamoDB Local:    ${system.dynamo.endpoint}  data in ${dataDir}`,
    `  SQS (fauxqs):      ${system.queues.endpoint}  ingest queue + DLQ`,
    `  consumers:         triage (local sentiment classifier) and sender, polling their queues`,
    `  SLA monitor:       every 15 s; pages are logged here and listed at ${system.url}/api/pages`,
    `  X API stand-in:    ${system.standIn.url} (what would have been posted: ${system.standIn.url}/sent)`,
    `  PagerDuty:         pages and resolves to ${process.env.PAGERDUTY_EVENTS_URL ?? `the stand-in ${system.standIn.url}/v2/enqueue (events: ${system.standIn.url}/pagerduty/events)`}`,
    `  acknowledgements:  ${system.url}/pages/ack (signed links in pages), /webhooks/slack/actions, /webhooks/pagerduty`,
    `  X API calls go to: ${system.xApiBaseUrl}`,
    `  X intake:          ${xIntakeLine(config, xReceive === 'poll' || xReceive === 'webhook' ? xReceive : undefined, pollSeconds, system.standIn.url)}`,
    `  X webhook health:  every 60 s against ${system.xApiBaseUrl} (after "socialcare x setup")`,
    process.env.X_CONSUMER_SECRET
      ? '  X consumer secret: from X_CONSUMER_SECRET'
      : `  X consumer secret: "${xConsumerSecret}" (development default; set X_CONSUMER_SECRET)`,
    ...firstAdmin,
    'Ctrl-C stops everything.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const shutdown = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: finishing queued work and stopping...\n`);
    await system.stop();
    process.stdout.write('stopped.\n');
    process.exit(exitCode);
  };
  onFatal = (error) => {
    process.stderr.write(
      `\nsocialcare: ${error.message}. Stopping; what was accepted is journaled and triaged at the next start.\n`,
    );
    void shutdown('failure', 1);
  };
  onSignal = (signal) => void shutdown(signal);
  if (pendingSignal) onSignal(pendingSignal);
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
  if (result.errors) {
    process.stderr.write(`socialcare triage: ${result.errors} of ${result.lines} lines had errors\n`);
    // Every line was written; the exit status tells a script that some of them are errors.
    process.exitCode = 1;
  }
}

async function replay(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      secret: { type: 'string' },
      token: { type: 'string' },
      rate: { type: 'string' },
      limit: { type: 'string' },
      to: { type: 'string' },
      brand: { type: 'string' },
      config: { type: 'string' },
      settle: { type: 'string' },
    },
    strict: true,
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) fail('replay needs exactly one FILE (CSV or JSON lines)');
  const number = (name: string, text: string | undefined, fallback?: number) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) fail(`--${name} must be a number of at least 0, not "${text}"`);
    return value;
  };
  if (values.to !== undefined && values.to !== 'care' && values.to !== 'bot')
    fail('--to must be care or bot');
  const limit = number('limit', values.limit);
  const settle = number('settle', values.settle);
  const report = await runReplayCommand({
    file: resolve(file),
    url: values.url ?? localUrl(),
    secret: values.secret ?? localXSecret(),
    token: apiToken(values.token),
    config: loadConfig(values.config),
    ...(values.brand ? { brandId: values.brand } : {}),
    rate: number('rate', values.rate, 10) as number,
    ...(limit !== undefined ? { limit } : {}),
    ...(values.to ? { to: values.to as 'care' | 'bot' } : {}),
    ...(settle !== undefined ? { settleMs: settle * 1000 } : {}),
    progress: process.stderr,
  });
  process.stdout.write(formatReplayReport(report, file));
  if (report.lost > 0) process.exitCode = 1;
}

async function dlq(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      'dlq-url': { type: 'string' },
      'ingest-url': { type: 'string' },
      'outbox-url': { type: 'string' },
      max: { type: 'string' },
      all: { type: 'boolean' },
      source: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const action = positionals[0];
  if ((action !== 'list' && action !== 'redrive') || positionals.length > 1)
    fail('usage: socialcare dlq list|redrive [options]');
  const max = values.max === undefined ? undefined : Number(values.max);
  if (max !== undefined && (!Number.isInteger(max) || max < 1))
    fail('--max must be a whole number of at least 1');
  const endpoint = values.endpoint ?? process.env.SOCIALCARE_SQS_ENDPOINT;
  let queues: Awaited<ReturnType<typeof localDlqQueues>>;
  if (values['dlq-url']) {
    if (!values['ingest-url'])
      fail('--dlq-url needs --ingest-url (and --outbox-url to redrive outbox entries)');
    queues = {
      client: sqsClient(endpoint),
      deadLetterQueueUrl: values['dlq-url'],
      ingestQueueUrl: values['ingest-url'],
      ...(values['outbox-url'] ? { outboxQueueUrl: values['outbox-url'] } : {}),
    };
  } else if (endpoint) {
    queues = await localDlqQueues(sqsClient(endpoint));
  } else {
    // The system `socialcare start` runs on this machine with the same data folder.
    const dataDir = localDataDir();
    const running = readRuntimeFile(dataDir);
    if (!running)
      fail(
        `no running socialcare found (${runtimeFilePath(dataDir)} is written by \`socialcare start\` with SOCIALCARE_DATA_DIR=${dataDir}); start it, or name the queues: --endpoint <the "SQS (fauxqs)" URL that start prints>, or --dlq-url and --ingest-url`,
      );
    queues = await localDlqQueues(sqsClient(running.sqsEndpoint));
  }
  try {
    if (action === 'list') {
      const letters = await listDeadLetters(queues, max, values.source);
      if (values.json) for (const letter of letters) process.stdout.write(`${JSON.stringify(letter)}\n`);
      else process.stdout.write(formatDeadLetters(letters));
      return;
    }
    const result = await redriveDeadLetters(queues, {
      ...(max !== undefined ? { max } : {}),
      ...(values.all ? { all: true } : {}),
      ...(values.source ? { source: values.source } : {}),
      ...(values['dry-run'] ? { dryRun: true } : {}),
    });
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else
      process.stdout.write(
        `${values['dry-run'] ? 'would send' : 'sent'} ${result.toIngest} to the ingest queue and ${result.toOutbox} to the outbox queue; ${result.left} left in the dead-letter queue${result.left ? ' (not interactions or outbox entries: --all sends them to triage, which parks them again if they still cannot be read)' : ''}\n`,
      );
  } finally {
    queues.client.destroy();
  }
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
    url: values.url ?? localUrl(),
    token: apiToken(values.token),
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
    ...(values.brand ? { brand: values.brand } : {}),
    ...(values.json ? { json: true } : {}),
    output: process.stdout,
  });
}

async function agents(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      brand: { type: 'string', multiple: true },
      role: { type: 'string' },
      team: { type: 'string', multiple: true },
      capacity: { type: 'string' },
      initials: { type: 'string' },
      sub: { type: 'string' },
      location: { type: 'string', multiple: true },
      email: { type: 'string' },
      digest: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const [action, ...names] = positionals;
  const options = { url: values.url ?? localUrl(), token: apiToken(values.token), output: process.stdout };
  if (action === 'list') return listAgents({ ...options, ...(values.json ? { json: true } : {}) });
  if (action === 'remove') {
    if (names.length !== 1) fail('usage: socialcare agents remove ID');
    return removeAgent({ ...options, id: names[0]! });
  }
  if (action !== 'add') fail('usage: socialcare agents add|list|remove (see socialcare help)');
  const name = names.join(' ').trim();
  if (!name)
    fail(
      'agents add needs the agent\'s display name, e.g. socialcare agents add --brand demoair --role agent "Sam Jansen"',
    );
  if (!values.brand?.length) fail('agents add needs --brand (once per brand)');
  if (!values.role) fail('agents add needs --role agent, supervisor or admin');
  const capacity = values.capacity === undefined ? undefined : Number(values.capacity);
  await addAgent({
    ...options,
    agent: {
      name,
      brands: values.brand,
      role: values.role,
      ...(values.team?.length ? { teams: values.team } : {}),
      ...(capacity !== undefined ? { capacity } : {}),
      ...(values.initials ? { initials: values.initials } : {}),
      ...(values.sub ? { id: values.sub } : {}),
      ...(values.location?.length ? { locations: values.location } : {}),
      ...(values.email || values.digest
        ? { notify: { ...(values.email ? { email: values.email } : {}), digest: values.digest === true } }
        : {}),
    },
  });
}

/** The options of every command that exports a brand's data for a period (audit, labels, export). */
function parseExportArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      brand: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
    },
    strict: true,
  });
}

/** Where an export command reads from and writes to: the API, the brand, the period, standard output. */
function exportTarget(values: ReturnType<typeof parseExportArgs>['values'], brand: string) {
  return {
    url: values.url ?? localUrl(),
    token: apiToken(values.token),
    brand,
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
    output: process.stdout,
  };
}

async function audit(args: string[]): Promise<void> {
  const { values, positionals } = parseExportArgs(args);
  if (positionals[0] !== 'export' || positionals.length > 1) fail('usage: socialcare audit export --brand B');
  if (!values.brand) fail('audit export needs --brand');
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') fail('--format must be csv or jsonl');
  await exportAudit({
    ...exportTarget(values, values.brand),
    format,
  });
}

async function labels(args: string[]): Promise<void> {
  const { values, positionals } = parseExportArgs(args);
  if (positionals[0] !== 'export' || positionals.length > 1)
    fail('usage: socialcare labels export --brand B');
  if (!values.brand) fail('labels export needs --brand');
  const format = values.format ?? 'tsv';
  if (format !== 'tsv' && format !== 'jsonl') fail('--format must be tsv or jsonl');
  await exportLabels({
    ...exportTarget(values, values.brand),
    format,
  });
}

async function exportData(args: string[]): Promise<void> {
  const { values, positionals } = parseExportArgs(args);
  if (positionals.length !== 1) fail('usage: socialcare export cases|messages|report|audit --brand B');
  if (!values.brand) fail('export needs --brand');
  try {
    await runExportCommand({
      ...exportTarget(values, values.brand),
      kind: positionals[0] as string,
      ...(values.format ? { format: values.format } : {}),
    });
  } catch (error) {
    fail((error as Error).message);
  }
}

// Output piped into `head` and the like: a closed pipe ends the command quietly, as for any Unix tool.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'start') await start();
  else if (command === 'triage') await triage(rest);
  else if (command === 'replay') await replay(rest);
  else if (command === 'dlq') await dlq(rest);
  else if (command === 'report') await report(rest);
  else if (command === 'agents') await agents(rest);
  else if (command === 'audit') await audit(rest);
  else if (command === 'labels') await labels(rest);
  else if (command === 'export') await exportData(rest);
  else if (command === 'x') await runXCommand(rest, { output: process.stdout, loadConfig });
  else if (!command || command === 'help' || command === '--help') process.stdout.write(`${USAGE}\n`);
  else fail(`unknown command "${command}"\n\n${USAGE}`);
} catch (error) {
  fail((error as Error).message);
}
