import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { consoleFiles } from '../../console/build';
import { snsClient, sqsClient } from '../adapters/aws/clients';
import { DynamoAccountStatusStore } from '../adapters/aws/dynamo-account-status';
import { DynamoAgentRegistry } from '../adapters/aws/dynamo-agent-registry';
import { DynamoAuditLog } from '../adapters/aws/dynamo-audit-log';
import { DynamoCaseStore } from '../adapters/aws/dynamo-case-store';
import { DynamoCorrectionStore } from '../adapters/aws/dynamo-correction-store';
import { DynamoOutboxStore } from '../adapters/aws/dynamo-outbox-store';
import { DynamoRateLimiter } from '../adapters/aws/dynamo-rate-limiter';
import { DynamoRoutingStore } from '../adapters/aws/dynamo-routing-store';
import { DynamoDueCaseFinder, DynamoPageStore } from '../adapters/aws/dynamo-sla';
import { DynamoVolumeCounter } from '../adapters/aws/dynamo-volume-counter';
import { DynamoRefreshLease, DynamoWebhookHealthStore } from '../adapters/aws/dynamo-x-admin';
import { DynamoXPollState } from '../adapters/aws/dynamo-x-poll-state';
import { SnsManagerSubscriptions } from '../adapters/aws/sns-manager-subscriptions';
import { SnsPager } from '../adapters/aws/sns-pager';
import {
  delayRedelivery,
  redeliverOutboxMessage,
  SqsDeadLetters,
  SqsOutboundQueue,
} from '../adapters/aws/sqs-queues';
import { fareSourceFor } from '../adapters/http/http-fare-source';
import { FileExportSink } from '../adapters/local/file-export-sink';
import { FileRefreshLease, FileTokenVault } from '../adapters/local/file-token-vault';
import { createAgentApi } from '../agent-api/agent-api';
import { createGenericWebhook } from '../channels/generic/webhook';
import { resolveGraphApiVersion } from '../channels/meta/graph-api';
import { GraphInstagramMentionReader } from '../channels/meta/instagram-mentions';
import { MetaSender } from '../channels/meta/meta-sender';
import { createMetaWebhook } from '../channels/meta/webhook';
import { signedAckLinks } from '../channels/oncall/ack-token';
import { createPageAckApi } from '../channels/oncall/page-ack-api';
import { createXWebhook } from '../channels/x/webhook';
import { XAdminClient } from '../channels/x/x-admin-client';
import { XHttpReader } from '../channels/x/x-reader';
import { XSender } from '../channels/x/x-sender';
import { logger } from '../commons/logger';
import { type AgentRecord, createAuthenticator, hashToken, issueToken } from '../core/access/agents';
import { ALL_BRANDS } from '../core/access/policy';
import { AgentDesk } from '../core/agent-desk';
import { runAutoClose } from '../core/auto-close';
import { type BrandConfig, BrandDirectory, type XReceiveMode } from '../core/brand-config';
import { lastCustomerMessageAt } from '../core/cases';
import { sendLocationDigests } from '../core/local-managers';
import { MemoryMetrics } from '../core/metrics';
import { sweepOutbox } from '../core/outbox';
import { type Page, type PagingDeps, raisePage } from '../core/paging';
import { LocalPiiDetector } from '../core/pii';
import type { SentimentClassifier } from '../core/sentiment';
import { trainedLocalClassifier } from '../core/sentiment/care-model';
import { runSlaMonitor } from '../core/sla-monitor';
import { reauthorizationPage, xAccountsOf, xBrandIds } from '../core/x-admin/accounts';
import type { UserTokens, UserTokenVault } from '../core/x-admin/ports';
import { keepGrantsFresh, XUserTokens } from '../core/x-admin/user-tokens';
import { checkWebhookHealth } from '../core/x-admin/webhook-health';
import { planXStreams, runXPoll, type XStreamResult } from '../core/x-intake/poll';
import {
  forwardPage,
  MalformedPageError,
  parsePageMessage as parseForwarded,
  type ResolveNotice,
} from '../page-forwarder/forward';
import { createSenderConsumer } from '../sender/sender-consumer';
import { createTriageConsumer } from '../triage/triage-consumer';
import { ensureTable, startEmbeddedDynamo } from './embedded-dynamodb';
import { startEmbeddedQueues } from './embedded-queues';
import { checkPortFree } from './free-port';
import { createLocalHttpServer, localConsoleConfig, staticSite } from './http-server';
import { openIngestJournal } from './ingest-journal';
import {
  localMetaToken,
  localXCredentials,
  type PlatformStandIn,
  startPlatformStandIn,
} from './platform-stand-in';
import { type QueuePoller, startQueuePoller } from './queue-poller';
import { removeRuntimeFile, writeRuntimeFile } from './runtime-file';
import { LOCAL_X_APP_BEARER, LOCAL_X_CLIENT_ID } from './x-admin-stand-in';

export const LOCAL_TABLE_NAME = 'socialcare';
export const LOCAL_X_CONSUMER_SECRET = 'local-dev-x-secret';
export const LOCAL_META_APP_SECRET = 'local-dev-meta-secret';
/** Development defaults of the page acknowledgement routes (Slack app signing secret, PagerDuty v3 webhook secret). */
export const LOCAL_SLACK_SIGNING_SECRET = 'local-dev-slack-signing-secret';
export const LOCAL_PAGERDUTY_WEBHOOK_SECRET = 'local-dev-pagerduty-webhook-secret';
/** The integration key pages use locally (the Events API takes 32 characters). */
export const LOCAL_PAGERDUTY_ROUTING_KEY = 'local0dev0routing0key00000000000';
export const LOCAL_META_VERIFY_TOKEN = 'local-dev-verify-token';
export const LOCAL_GENERIC_SECRETS: Record<string, string> = { reviews: 'local-dev-generic-secret' };

export interface LocalSystemOptions {
  brandConfig: BrandConfig;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Where DynamoDB Local keeps its data; in memory when absent. */
  dataDir?: string;
  /**
   * An administrator's bearer token for scripts, tests and the CLI (SOCIALCARE_API_TOKEN). Without
   * it, a system whose registry has no administrator creates one and hands its token to
   * `onFirstAdmin`, once; the registry keeps only its hash.
   */
  apiToken?: string;
  onFirstAdmin?: (admin: { id: string; token: string; url: string }) => void;
  xConsumerSecret: string;
  /** Meta app secret and subscription verify token (development defaults when absent). */
  metaAppSecret?: string;
  metaVerifyToken?: string;
  /** Per-source secrets of the generic webhook (development default: {"reviews": "local-dev-generic-secret"}). */
  genericSecrets?: Record<string, string>;
  sentiment?: SentimentClassifier;
  /** Seconds before a failed record is received again (30 as in AWS; tests use less). */
  visibilityTimeoutSeconds?: number;
  /** How often the SLA monitor runs (every minute in AWS; 15 s locally by default). */
  slaIntervalMs?: number;
  /** `poll` forces polling for every X account (SOCIALCARE_X_RECEIVE=poll). Default: the config's. */
  xReceive?: XReceiveMode;
  /** How often the X poller runs (SOCIALCARE_X_POLL_INTERVAL; default 5 s). 0: only on pollX(). */
  xPollIntervalMs?: number;
  /** How long a poll run holds a stream before another may take it over (default 2 minutes). */
  xPollLeaseMs?: number;
  /** How often the X webhook health check runs (every 5 minutes in AWS; 60 s locally by default). */
  xWebhookCheckIntervalMs?: number;
  /** The X API the system calls (X_API_BASE_URL): every X call goes there. Default: the embedded stand-in. */
  xApiBaseUrl?: string;
  /** Called for every page that reaches the embedded on-call topic. */
  onPage?: (page: Page) => void;
  /**
   * PagerDuty's Events API v2 URL (PAGERDUTY_EVENTS_URL): pages, and resolves when their case is
   * answered or resolved, are sent there. Default: the embedded stand-in's /v2/enqueue.
   */
  pagerDutyEventsUrl?: string;
  /** A Slack incoming webhook URL (SLACK_WEBHOOK_URL) pages are posted to. Default: none. */
  slackWebhookUrl?: string;
  /** Verifies Slack's signed "Acknowledge" clicks (SLACK_SIGNING_SECRET; development default). */
  slackSigningSecret?: string;
  /** Verifies PagerDuty's v3 webhooks (PAGERDUTY_WEBHOOK_SECRET; development default). */
  pagerDutyWebhookSecret?: string;
  /** Signs the acknowledgement links in pages (SOCIALCARE_ACK_LINK_KEY). Default: a new key each start. */
  ackLinkKey?: string;
  /**
   * Something the system cannot run without has failed (the embedded queues' thread): nothing more
   * can be queued. Accepted mentions are in the journal; a restart triages them.
   */
  onFatal?: (error: Error) => void;
}

export interface LocalSystem {
  url: string;
  dynamo: { endpoint: string; client: DynamoDBClient; tableName: string };
  queues: {
    endpoint: string;
    client: SQSClient;
    ingestQueueUrl: string;
    outboxQueueUrl: string;
    deadLetterQueueUrl: string;
    oncallTopicArn: string;
  };
  standIn: PlatformStandIn;
  store: DynamoCaseStore;
  agents: DynamoAgentRegistry;
  audit: DynamoAuditLog;
  /** What the Lambdas would emit as CloudWatch metrics, totalled per metric and brand. */
  metrics: MemoryMetrics;
  /** Runs the SLA monitor once now (it also runs on its timer). */
  runSlaMonitor(now?: Date): ReturnType<typeof runSlaMonitor>;
  /** Runs auto-close once now (it also runs with the SLA monitor on its timer). */
  runAutoClose(now?: Date): ReturnType<typeof runAutoClose>;
  /** Runs the X poller once now (it also runs on its timer when an account polls or a brand listens). */
  pollX(): Promise<XStreamResult[]>;
  /** Sends the local managers' daily digests due at `now` (the monitor's timer runs it too). */
  sendLocationDigests(now?: Date): Promise<Page[]>;
  /** Queues again the outbox entries nobody sent (it also runs on the monitor's timer). */
  sweepOutbox(now?: Date): Promise<string[]>;
  /** The X API base URL every X admin call goes to (the stand-in unless told otherwise). */
  xApiBaseUrl: string;
  /** The URL X is told to deliver to: this system's /webhooks/x. */
  xWebhookUrl: string;
  /** Runs the X webhook health check once now (it also runs on its timer). */
  runXWebhookHealthCheck(now?: Date): ReturnType<typeof checkWebhookHealth>;
  /** The brand accounts' OAuth 2.0 tokens (file-backed under the data folder, in memory without one). */
  xUserTokens: XUserTokens;
  /** Waits until the ingest and outbox queues have been found empty. */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

/** Without a data folder the tokens live as long as the process. */
function memoryTokenVault(): UserTokenVault {
  const tokens = new Map<string, UserTokens>();
  return {
    read: async (accountId) => tokens.get(accountId),
    write: async (accountId, value) => {
      tokens.set(accountId, value);
    },
  };
}

/** A page as it arrives from the on-call topic: the raw SNS message; locally every protocol's body. */
export function parsePageMessage(body: string): Page | undefined {
  try {
    const value = JSON.parse(body) as Record<string, unknown>;
    if (typeof value.sqs === 'string') return JSON.parse(value.sqs) as Page;
    if (typeof value.pageId === 'string') return value as unknown as Page;
  } catch {
    // not a page
  }
  return undefined;
}

/** A message of the on-call topic as the local pages queue receives it: a page or a resolve notice. */
function parseOncallMessage(body: string): Page | ResolveNotice | undefined {
  try {
    const value = JSON.parse(body) as Record<string, unknown>;
    const message =
      typeof value.Type === 'string' && typeof value.Message === 'string' ? value.Message : body;
    const inner = JSON.parse(message) as Record<string, unknown>;
    return parseForwarded(typeof inner.sqs === 'string' ? inner.sqs : message);
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof MalformedPageError) return undefined;
    throw error;
  }
}

/** The first administrator of a registry that has none: its token, once (only its hash is kept). */
async function createFirstAdmin(
  agents: DynamoAgentRegistry,
): Promise<{ id: string; token: string } | undefined> {
  if ((await agents.listAgents()).some((a) => a.role === 'admin')) return undefined;
  const token = issueToken();
  const admin: AgentRecord = {
    id: 'first-admin',
    name: 'Administrator',
    initials: 'ADM',
    role: 'admin',
    brands: [ALL_BRANDS],
    teams: [],
    tokenHash: hashToken(token),
    createdAt: new Date().toISOString(),
    createdBy: 'socialcare start',
  };
  // Another start may have won the race; a removed first admin's id stays taken: use a new one.
  if ((await agents.addAgent(admin)) === 'duplicate') {
    admin.id = `first-admin-${Date.now().toString(36)}`;
    if ((await agents.addAgent(admin)) === 'duplicate') return undefined;
  }
  return { id: admin.id, token };
}

/**
 * The whole system on one machine: embedded DynamoDB, SQS and SNS, the same handlers the Lambdas
 * run behind a local HTTP server, the queue consumers polling, the SLA monitor on a timer, and a
 * stand-in for the platforms' send APIs.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const directory = new BrandDirectory(options.brandConfig);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  // The port first: a second instance stops here, before DynamoDB starts or the journal is read.
  if (options.port !== 0) await checkPortFree(options.port, options.host ?? '127.0.0.1');
  try {
    const dynamo = await startEmbeddedDynamo(options.dataDir ? { dataDir: options.dataDir } : {});
    stops.push(dynamo.stop);
    await ensureTable(dynamo.client, LOCAL_TABLE_NAME);
    /** /healthz: true once everything is up, false again when stopping or when the queues failed. */
    let ready = false;
    const queues = await startEmbeddedQueues(
      options.visibilityTimeoutSeconds !== undefined
        ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }
        : {},
      (error) => {
        ready = false;
        logger.error('the embedded SQS stopped; nothing more can be queued', { error });
        options.onFatal?.(error);
      },
    );
    stops.push(queues.stop);
    const standIn = await startPlatformStandIn({ xConsumerSecret: options.xConsumerSecret });
    stops.push(standIn.stop);
    const xApiBaseUrl = (options.xApiBaseUrl ?? standIn.url).replace(/\/+$/, '');
    const sqs = sqsClient(queues.endpoint);
    const sns = snsClient(queues.endpoint);
    stops.push(async () => {
      sqs.destroy();
      sns.destroy();
    });

    const store = new DynamoCaseStore(dynamo.client, LOCAL_TABLE_NAME);
    const pages = new DynamoPageStore(dynamo.client, LOCAL_TABLE_NAME);
    const outbox = new DynamoOutboxStore(dynamo.client, LOCAL_TABLE_NAME);
    const accounts = new DynamoAccountStatusStore(dynamo.client, LOCAL_TABLE_NAME);
    const deadLetters = new SqsDeadLetters(sqs, queues.deadLetterQueueUrl);
    const agents = new DynamoAgentRegistry(dynamo.client, LOCAL_TABLE_NAME);
    const audit = new DynamoAuditLog(dynamo.client, LOCAL_TABLE_NAME);
    const routing = new DynamoRoutingStore(dynamo.client, LOCAL_TABLE_NAME);
    const firstAdmin = options.apiToken ? undefined : await createFirstAdmin(agents);
    let baseUrl = '';
    // Pages link to the case in the console.
    const linkFor = (caseId: string) => `${baseUrl}/#/cases/${encodeURIComponent(caseId)}`;
    const ackLinkKey = options.ackLinkKey ?? randomBytes(32).toString('base64url');
    const pager = new SnsPager(sns, queues.oncallTopicArn);
    const paging: PagingDeps & { linkFor: (caseId: string) => string } = {
      pages,
      pager,
      linkFor,
      // Each brand's escalation chain; the acknowledgement link in each page.
      escalationOf: (brandId: string) => directory.escalationOf(brandId),
      ackLinks: signedAckLinks(
        () => baseUrl,
        async () => ackLinkKey,
      ),
    };
    const pageTargets = {
      pagerDutyRoutingKey: LOCAL_PAGERDUTY_ROUTING_KEY,
      ...(options.slackWebhookUrl ? { slackWebhookUrl: options.slackWebhookUrl } : {}),
    };
    const pagerDutyEventsUrl = options.pagerDutyEventsUrl ?? `${standIn.url}/v2/enqueue`;
    const metrics = new MemoryMetrics();

    const graphApiVersion = resolveGraphApiVersion({
      config: options.brandConfig,
      env: process.env.META_GRAPH_API_VERSION,
    });
    const metaSender = new MetaSender({
      apiVersion: graphApiVersion,
      tokenFor: async (id, platform) => localMetaToken(id, platform),
      apiBaseUrl: standIn.url,
      lastCustomerMessageAt: async (message) => lastCustomerMessageAt(store, message.caseId),
    });
    const pollers: QueuePoller[] = [
      startQueuePoller({
        client: sqs,
        queueUrl: queues.ingestQueueUrl,
        visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
        consumer: createTriageConsumer({
          directory,
          store,
          sentiment: options.sentiment ?? trainedLocalClassifier(),
          deadLetters,
          paging,
          accounts,
          routing: { routing, cases: store, agents },
          metrics,
          volumes: new DynamoVolumeCounter(dynamo.client, LOCAL_TABLE_NAME),
          pii: new LocalPiiDetector(),
          agents,
          mentions: new GraphInstagramMentionReader({
            apiVersion: graphApiVersion,
            tokenFor: async (id) => localMetaToken(id, 'instagram'),
            apiBaseUrl: standIn.url,
          }),
          replies: {
            outbox,
            queue: new SqsOutboundQueue(sqs, queues.outboxQueueUrl),
            limiter: new DynamoRateLimiter(dynamo.client, LOCAL_TABLE_NAME),
            fares: fareSourceFor,
          },
        }),
      }),
      startQueuePoller({
        client: sqs,
        queueUrl: queues.outboxQueueUrl,
        visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
        consumer: createSenderConsumer({
          directory,
          outbox,
          cases: store,
          senders: {
            x: new XSender({
              credentialsFor: async (id) => localXCredentials(id),
              apiBaseUrl: xApiBaseUrl,
              authorizationOf: (id) => accounts.get('x', id),
            }),
            facebook: metaSender,
            instagram: metaSender,
          },
          deadLetters,
          metrics,
          redeliver: (message) => redeliverOutboxMessage(sqs, queues.outboxQueueUrl, message),
          scheduleRetry: (record, at) =>
            delayRedelivery(sqs, queues.outboxQueueUrl, record.receiptHandle, at),
        }),
      }),
      startQueuePoller({
        client: sqs,
        queueUrl: queues.pagesQueueUrl,
        consumer: async (event) => {
          const failures: Array<{ itemIdentifier: string }> = [];
          for (const record of event.Records) {
            const message = parseOncallMessage(record.body);
            if (!message) continue;
            if (!('notice' in message)) {
              logger.warn(`PAGE ${message.severity}: ${message.title}`, {
                pageId: message.pageId,
                level: message.level,
                link: message.link,
              });
              options.onPage?.(message);
              // A page addressed to one local manager is theirs (their e-mail), never on-call's Slack or
              // PagerDuty: in AWS the forwarder's subscription filters it out on `recipient`.
              if (message.recipient) continue;
            }
            // As the forwarder Lambda does in AWS: to PagerDuty (the stand-in unless told otherwise) and Slack.
            try {
              await forwardPage(message, pageTargets, { fetch, pagerDutyEventsUrl });
            } catch (error) {
              logger.error('page not forwarded; will retry', {
                pageId: message.pageId,
                error: error as Error,
              });
              failures.push({ itemIdentifier: record.messageId });
            }
          }
          return { batchItemFailures: failures };
        },
      }),
    ];
    for (const poller of pollers) stops.push(poller.stop);

    // The embedded SQS is in memory only: with a data folder, accepted interactions are journaled on
    // disk before the webhook answers, and the ones not yet recorded are enqueued again at start.
    const ingestQueue = queues.ingest;
    const journal = options.dataDir
      ? await openIngestJournal({
          dataDir: options.dataDir,
          queue: ingestQueue,
          recorded: store,
          deadLetters,
        })
      : undefined;
    if (journal) stops.push(journal.stop);

    const monitorDeps = {
      directory,
      cases: store,
      due: new DynamoDueCaseFinder(dynamo.client, LOCAL_TABLE_NAME),
      ...paging,
      metrics,
    };
    const unsent = { outbox, queue: new SqsOutboundQueue(sqs, queues.outboxQueueUrl) };
    const autoCloseDeps = { directory, cases: store, audit, ...unsent };
    let monitorRunning: Promise<unknown> | undefined;
    const digestDeps = { ...monitorDeps, agents };
    const monitorOnce = async () => {
      if (monitorRunning) return;
      // As the monitor Lambda does: deadlines, then replies nobody sent, then local managers' digests.
      const run = runSlaMonitor(monitorDeps)
        .finally(() =>
          runAutoClose(autoCloseDeps).catch((error) =>
            logger.error('auto-close failed', { error: error as Error }),
          ),
        )
        .finally(() =>
          sweepOutbox(unsent).catch((error) =>
            logger.error('outbox sweep failed', { error: error as Error }),
          ),
        )
        .finally(() =>
          sendLocationDigests(new Date(), digestDeps).catch((error) =>
            logger.error('location digests failed', { error: error as Error }),
          ),
        );
      monitorRunning = run;
      try {
        return await run;
      } finally {
        monitorRunning = undefined;
      }
    };
    const timer = setInterval(() => {
      monitorOnce().catch((error) => logger.error('sla monitor run failed', { error: error as Error }));
    }, options.slaIntervalMs ?? 15_000);
    stops.push(async () => {
      clearInterval(timer);
      await monitorRunning?.catch(() => undefined);
    });

    // Polling for X accounts without webhook access, and brand-keyword listening, on a timer.
    const pollAbort = new AbortController();
    const xPollDeps = {
      directory,
      reader: new XHttpReader({
        apiBaseUrl: xApiBaseUrl,
        credentialsFor: async (id: string) => localXCredentials(id),
        directory,
      }),
      state: new DynamoXPollState(dynamo.client, LOCAL_TABLE_NAME),
      queue: journal ?? ingestQueue,
      paging,
      ...(options.xReceive ? { forceReceive: options.xReceive } : {}),
      ...(options.xPollLeaseMs !== undefined ? { leaseMs: options.xPollLeaseMs } : {}),
      log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) =>
        logger[level](message, fields ?? {}),
    };
    const pollX = () => runXPoll(xPollDeps, pollAbort.signal);
    let pollRunning: Promise<unknown> | undefined;
    const pollInterval = options.xPollIntervalMs ?? 5_000;
    if (pollInterval > 0 && planXStreams(directory, options.xReceive).length) {
      const pollTimer = setInterval(() => {
        if (pollRunning) return;
        pollRunning = pollX()
          .then((results) => {
            const read = results.filter((r) => r.enqueued > 0);
            if (read.length) logger.info('x poll', { streams: read });
          })
          .catch((error) => logger.error('x poll run failed', { error: error as Error }))
          .finally(() => {
            pollRunning = undefined;
          });
      }, pollInterval);
      stops.push(async () => {
        clearInterval(pollTimer);
        pollAbort.abort();
        await pollRunning?.catch(() => undefined);
      });
    } else {
      stops.push(async () => pollAbort.abort());
    }
    // The X webhook: re-validated and the outage replayed when X marks it invalid. Locally it watches
    // the webhook `socialcare x setup` registered with the stand-in (nothing until then).
    const xAdmin = new XAdminClient({
      apiBaseUrl: xApiBaseUrl,
      bearerToken: async () => LOCAL_X_APP_BEARER,
      clientId: async () => LOCAL_X_CLIENT_ID,
    });
    // With a data folder the grants are files the command line shares, and so is the lease on them.
    const vault = options.dataDir ? new FileTokenVault(options.dataDir) : undefined;
    const xUserTokens = new XUserTokens({
      vault: vault ?? memoryTokenVault(),
      lease: vault
        ? new FileRefreshLease(vault.dir)
        : new DynamoRefreshLease(dynamo.client, LOCAL_TABLE_NAME),
      endpoint: xAdmin,
      onReauthorizationRequired: async (accountId, reason) => {
        await raisePage(reauthorizationPage(options.brandConfig, accountId, reason, new Date()), paging);
      },
    });
    const xHealth = {
      api: xAdmin,
      store: new DynamoWebhookHealthStore(dynamo.client, LOCAL_TABLE_NAME),
      webhookUrl: '',
      brandIds: xBrandIds(options.brandConfig),
      paging,
    };
    let healthRunning: Promise<unknown> | undefined;
    const healthTimer = setInterval(() => {
      if (healthRunning || !ready) return;
      healthRunning = checkWebhookHealth(xHealth)
        .then(async (result) => {
          if (result.outcome !== 'healthy' && result.outcome !== 'not_registered')
            logger.warn(`X webhook health: ${result.outcome}`, { ...result });
          // Grants refreshed before they expire (and a revoked one found) whether or not anything used them.
          await keepGrantsFresh(
            xUserTokens,
            xAccountsOf(options.brandConfig).map((a) => a.id),
          );
        })
        .catch((error) => logger.warn('X webhook health check failed', { error: error as Error }))
        .finally(() => {
          healthRunning = undefined;
        });
    }, options.xWebhookCheckIntervalMs ?? 60_000);
    stops.push(async () => {
      clearInterval(healthTimer);
      await healthRunning?.catch(() => undefined);
    });

    // Exports are written under the data folder (or the OS temp folder) and served by link, like S3's.
    const exportSink = new FileExportSink(
      join(options.dataDir ?? tmpdir(), options.dataDir ? 'exports' : `socialcare-exports-${randomUUID()}`),
      () => baseUrl,
    );
    stops.push(() => exportSink.clear());
    const pageAckApi = createPageAckApi({
      pages,
      audit,
      ackKey: async () => ackLinkKey,
      slackSigningSecret: async () => options.slackSigningSecret ?? LOCAL_SLACK_SIGNING_SECRET,
      pagerDutyWebhookSecret: async () => options.pagerDutyWebhookSecret ?? LOCAL_PAGERDUTY_WEBHOOK_SECRET,
    });
    const server: Server = createLocalHttpServer({
      ready: () => ready,
      routes: [
        {
          prefix: '/exports',
          stream: (request, response) => exportSink.serve(request, response),
          loopbackHostOnly: true,
        },
        {
          prefix: '/webhooks/x',
          handler: createXWebhook({
            consumerSecret: async () => options.xConsumerSecret,
            directory,
            queue: journal ?? ingestQueue,
            deadLetters,
            metrics,
          }),
        },
        {
          prefix: '/webhooks/meta',
          handler: createMetaWebhook({
            appSecret: async () => options.metaAppSecret ?? LOCAL_META_APP_SECRET,
            verifyToken: async () => options.metaVerifyToken ?? LOCAL_META_VERIFY_TOKEN,
            directory,
            queue: journal ?? ingestQueue,
            deadLetters,
            metrics,
          }),
        },
        {
          prefix: '/webhooks/generic',
          handler: createGenericWebhook({
            sourceSecret: async (source) => (options.genericSecrets ?? LOCAL_GENERIC_SECRETS)[source],
            directory,
            queue: journal ?? ingestQueue,
            deadLetters,
            metrics,
          }),
        },
        {
          prefix: '/api',
          handler: createAgentApi({
            store,
            directory,
            pages,
            agents,
            audit,
            labels: new DynamoCorrectionStore(dynamo.client, LOCAL_TABLE_NAME),
            authenticator: createAuthenticator(agents, options.apiToken),
            auth: 'token',
            // Locally the embedded SNS records the subscription; pages reach onPage and the console print.
            subscriptions: new SnsManagerSubscriptions(sns, queues.oncallTopicArn),
            accounts,
            routing,
            exports: { source: { cases: store, audit }, sink: exportSink },
            pager,
            desk: new AgentDesk({
              directory,
              store,
              outbox,
              queue: new SqsOutboundQueue(sqs, queues.outboxQueueUrl),
              pii: new LocalPiiDetector(),
            }),
          }),
          // No token works for a page that reached this server under another site's name (DNS rebinding).
          loopbackHostOnly: true,
        },
        // Acknowledging a page without signing in: its signed link, Slack's button, PagerDuty's acknowledge.
        ...['/pages/ack', '/webhooks/slack', '/webhooks/pagerduty'].map((prefix) => ({
          prefix,
          handler: pageAckApi,
        })),
        // The agent console (built from console/src on first use, rebuilt when a source changes).
        { prefix: '/console-config.json', handler: localConsoleConfig() },
        { prefix: '/', handler: staticSite(consoleFiles) },
      ],
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
    });
    const stopHttp = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    const { port } = server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    xHealth.webhookUrl = `${baseUrl}/webhooks/x`;
    // The ports change at every start: the other commands (dlq) find them in the data folder.
    if (options.dataDir) {
      const dataDir = options.dataDir;
      writeRuntimeFile(dataDir, {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        url: baseUrl,
        sqsEndpoint: queues.endpoint,
        dynamoEndpoint: dynamo.endpoint,
        standInUrl: standIn.url,
      });
      stops.push(async () => removeRuntimeFile(dataDir));
    }
    if (firstAdmin) options.onFirstAdmin?.({ ...firstAdmin, url: `${baseUrl}/#token=${firstAdmin.token}` });
    ready = true;
    const drained = async () => {
      await Promise.all([pollers[0]!.idle(), pollers[1]!.idle()]);
    };

    return {
      url: baseUrl,
      dynamo: { endpoint: dynamo.endpoint, client: dynamo.client, tableName: LOCAL_TABLE_NAME },
      queues: { ...queues, client: sqs },
      standIn,
      store,
      agents,
      audit,
      metrics,
      pollX,
      // Not serialized with the timer: tests use it to run overlapping monitors for real.
      runSlaMonitor: (now?: Date) => runSlaMonitor({ ...monitorDeps, ...(now ? { now: () => now } : {}) }),
      runAutoClose: (now?: Date) => runAutoClose({ ...autoCloseDeps, ...(now ? { now: () => now } : {}) }),
      sweepOutbox: (now?: Date) => sweepOutbox({ ...unsent, ...(now ? { now: () => now } : {}) }),
      sendLocationDigests: (now?: Date) => sendLocationDigests(now ?? new Date(), digestDeps),
      drained,
      xApiBaseUrl,
      xWebhookUrl: xHealth.webhookUrl,
      runXWebhookHealthCheck: (now?: Date) =>
        checkWebhookHealth({ ...xHealth, ...(now ? { now: () => now } : {}) }),
      xUserTokens,
      async stop() {
        ready = false;
        // Stop taking requests, then let the consumers finish what was accepted: the embedded queues
        // are in memory, the cases are on disk.
        await stopHttp();
        await Promise.race([drained(), new Promise((r) => setTimeout(r, 10_000))]);
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
