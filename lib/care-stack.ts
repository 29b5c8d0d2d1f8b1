import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEADLINE_INDEX, HISTORY_INDEX, QUEUE_INDEX } from '../functions/adapters/aws/table-design';
import { BrandDirectory } from '../functions/core/brand-config';
import { planXStreams } from '../functions/core/x-intake/poll';
import { loadBrandConfig } from './brand-config-source';
import { type CareSettingsProps, readCareSettings } from './care-settings';
import { AgentUserPool, hostedUiBaseUrl, hostedUiDomainPrefix } from './constructs/agent-user-pool';
import { CareApi } from './constructs/care-api';
import { CareDashboard } from './constructs/care-dashboard';
import { CareTable } from './constructs/care-table';
import { ChannelWebhooks } from './constructs/channel-webhooks';
import { ConsoleSite } from './constructs/console-site';
import { ExportBucket } from './constructs/export-bucket';
import { IngestPipeline } from './constructs/ingest-pipeline';
import { OncallTopic } from './constructs/oncall-topic';
import { OperationsTopic } from './constructs/operations-topic';
import { OutboxPipeline } from './constructs/outbox-pipeline';
import { PageAcknowledgement } from './constructs/page-acknowledgement';
import { PageDelivery } from './constructs/page-delivery';
import { PlatformSecrets } from './constructs/platform-secrets';
import { bindSentiment, grantPiiDetection } from './constructs/sentiment-access';
import { SlaSchedule } from './constructs/sla-schedule';
import { SocialcareFunction } from './constructs/socialcare-function';
import { XAccountSecrets } from './constructs/x-account-secrets';
import { XPollerSchedule } from './constructs/x-poller-schedule';
import { XWebhookAdmin } from './constructs/x-webhook-admin';

/** The settings of CareSettingsProps (case links, on-call subscribers) may also come from context. */
export interface CareStackProps extends StackProps, CareSettingsProps {
  /**
   * The brand config file. @default context `config`, else env SOCIALCARE_CONFIG, else the shipped
   * demo airline (config/demo-airline.json)
   */
  readonly brandConfigPath?: string;
}

/**
 * socialcare on AWS, X path: HTTP API → x-webhook → SQS → triage → DynamoDB; the outbox queue → sender
 * → X with one secret per X account; the SLA monitor every minute; pages on the on-call topic to
 * e-mail, SMS, Slack and PagerDuty; the agent API behind Cognito; a dashboard, and alarms to an
 * operations topic. Composition only; each construct owns one task and every permission is granted
 * here, next to the environment variable that uses it.
 */
export class CareStack extends Stack {
  readonly operations: OperationsTopic;
  readonly table: CareTable;
  readonly secrets: PlatformSecrets;
  readonly agents: AgentUserPool;
  readonly console: ConsoleSite;
  readonly xWebhook: SocialcareFunction;
  readonly triage: SocialcareFunction;
  readonly agentApi: SocialcareFunction;
  readonly sender: SocialcareFunction;
  readonly slaMonitor: SocialcareFunction;
  readonly pageForwarder: SocialcareFunction;
  readonly ingest: IngestPipeline;
  readonly outbox: OutboxPipeline;
  readonly xAccounts: XAccountSecrets;
  readonly api: CareApi;
  readonly channels: ChannelWebhooks;
  readonly oncall: OncallTopic;
  readonly pageDelivery: PageDelivery;
  readonly pageAck: PageAcknowledgement;
  readonly slaSchedule: SlaSchedule;
  readonly dashboard: CareDashboard;
  /** Exports (cases, messages, report, audit) as S3 objects behind pre-signed links. */
  readonly exports: ExportBucket;
  /** Only when an X account polls or a brand listens by keyword. */
  readonly xPoller?: SocialcareFunction;
  readonly xPollerSchedule?: XPollerSchedule;
  readonly xAdmin: SocialcareFunction;
  readonly xWebhookAdmin: XWebhookAdmin;

  constructor(scope: Construct, id: string, props: CareStackProps = {}) {
    super(scope, id, props);
    // First, before any resource: a bad brand config fails synth naming each bad field.
    const brand = loadBrandConfig(this, props.brandConfigPath);
    const settings = readCareSettings(this, props);

    this.operations = new OperationsTopic(this, 'operations');
    this.table = new CareTable(this, 'table');
    this.secrets = new PlatformSecrets(this, 'secrets');
    // The agent console on CloudFront; agents sign in through the Cognito Hosted UI (code flow, PKCE).
    const domainPrefix = hostedUiDomainPrefix(this);
    this.console = new ConsoleSite(this, 'console', {
      connectOrigins: [
        `https://*.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`,
        hostedUiBaseUrl(domainPrefix),
      ],
    });
    this.agents = new AgentUserPool(this, 'agents', { console: { url: this.console.url, domainPrefix } });

    this.xWebhook = new SocialcareFunction(this, 'x-webhook', {
      handlerFolder: 'x-webhook',
      description: 'socialcare: X webhook (CRC, signature check, enqueue); no database call',
      brandConfigJson: brand.json,
      // X wants the CRC answer within 3 s and events acknowledged within 10 s.
      timeout: Duration.seconds(10),
    });
    this.triage = new SocialcareFunction(this, 'triage', {
      handlerFolder: 'triage',
      description: 'socialcare: triage of queued interactions into cases and deadlines',
      brandConfigJson: brand.json,
      timeout: Duration.seconds(30),
    });
    this.sender = new SocialcareFunction(this, 'sender', {
      handlerFolder: 'sender',
      description: 'socialcare: sends outbox replies to X through the care or the bot account, each once',
      brandConfigJson: brand.json,
      timeout: Duration.seconds(30),
    });
    this.slaMonitor = new SocialcareFunction(this, 'sla-monitor', {
      handlerFolder: 'sla-monitor',
      description:
        'socialcare: every minute, moves due cases through deadline warning, breach and repeat page',
      brandConfigJson: brand.json,
      // Well under the one-minute rate, so runs do not pile up.
      timeout: Duration.seconds(50),
      retryAttempts: 0,
    });
    this.agentApi = new SocialcareFunction(this, 'agent-api', {
      handlerFolder: 'agent-api',
      description: 'socialcare: agent API (queue, cases, replies, notes, reports), behind Cognito',
      brandConfigJson: brand.json,
      // An export streams a period's cases into S3 within the HTTP API's 30 s (other routes take milliseconds).
      timeout: Duration.seconds(29),
    });

    this.ingest = new IngestPipeline(this, 'ingest', {
      consumer: this.triage.function,
      operations: this.operations,
    });
    this.outbox = new OutboxPipeline(this, 'outbox', {
      consumer: this.sender.function,
      operations: this.operations,
    });
    this.xAccounts = new XAccountSecrets(this, 'x-accounts', { brands: brand.config });

    // Who may touch what: the webhook path never reaches the table.
    this.ingest.bindProducer(this.xWebhook.function);
    this.secrets.bindX(this.xWebhook.function);
    // Least privilege per function: each writes what it records and queries only the indexes it reads.
    // Triage records cases, messages, pages and counters by key: no index.
    this.table.bindTable(this.triage.function, { write: true, indexes: [] });
    bindSentiment(this.triage.function, settings.sentiment);
    grantPiiDetection(this.triage.function);
    grantPiiDetection(this.agentApi.function);
    this.outbox.bindProducer(this.triage.function);
    // The sender claims outbox entries and records sent replies on their case, by key: no index.
    this.table.bindTable(this.sender.function, { write: true, indexes: [] });
    this.xAccounts.bindSender(this.sender.function);
    // The SLA monitor reads due cases and unpublished pages from the deadline index; auto-close reads
    // the waiting cases of the brands that auto-close from the queue index (and writes the audit trail).
    this.table.bindTable(this.slaMonitor.function, {
      write: true,
      indexes: [DEADLINE_INDEX.name, QUEUE_INDEX.name],
    });
    // The monitor also queues again outbox entries nobody sent.
    this.outbox.bindProducer(this.slaMonitor.function);
    // Agents change state (claims, notes, tags, abuse marks) and reply through the outbox.
    // The queue and the pages list come from the queue index, reports from the history index.
    this.table.bindTable(this.agentApi.function, {
      write: true,
      indexes: [QUEUE_INDEX.name, HISTORY_INDEX.name],
    });
    this.outbox.bindProducer(this.agentApi.function);
    this.exports = new ExportBucket(this, 'exports');
    this.exports.bindExporter(this.agentApi.function);

    this.api = new CareApi(this, 'api', {
      xWebhook: this.xWebhook.function,
      agentApi: this.agentApi.function,
      userPool: this.agents.userPool,
      userPoolClient: this.agents.consoleClient,
      corsOrigins: [this.console.origin],
    });
    // Facebook, Messenger, Instagram and the signed webhook for review and listening sources.
    this.channels = new ChannelWebhooks(this, 'channels', {
      brands: brand.config,
      brandConfigJson: brand.json,
      api: this.api,
      ingest: this.ingest,
    });
    this.channels.bindSender(this.sender.function);
    this.channels.bindMentionReader(this.triage.function);

    this.console.publish({
      mode: 'cognito',
      apiBase: this.api.url,
      userPoolDomain: hostedUiBaseUrl(domainPrefix),
      clientId: this.agents.consoleClient.userPoolClientId,
      redirectUri: this.console.url,
    });

    // Pages link to the case in the console (unless caseLinkBase says otherwise).
    this.oncall = new OncallTopic(this, 'oncall', {
      caseLinkBase: settings.caseLinkBase ?? `${this.console.url}#/cases/`,
      emails: settings.emails,
      smsNumbers: settings.smsNumbers,
      smsSeverities: settings.smsSeverities,
    });
    this.oncall.bindPublisher(this.triage.function);
    this.oncall.bindPublisher(this.slaMonitor.function);
    // The agent API tells the forwarder when a case's pages are over (PagerDuty resolve).
    this.oncall.bindPublisher(this.agentApi.function);
    // Pages are acknowledged from their signed link, Slack and PagerDuty; publishers sign the links.
    this.pageAck = new PageAcknowledgement(this, 'page-ack', {
      api: this.api,
      table: this.table,
      brandConfigJson: brand.json,
    });
    this.pageAck.bindSigner(this.triage.function);
    this.pageAck.bindSigner(this.slaMonitor.function);
    this.slaSchedule = new SlaSchedule(this, 'sla-schedule', {
      monitor: this.slaMonitor.function,
      operations: this.operations,
    });

    // Polling for X accounts without webhook access, and brand-keyword listening: only when configured.
    const readers = new Set(planXStreams(new BrandDirectory(brand.config)).map((p) => p.account.account.id));
    if (readers.size) {
      this.xPoller = new SocialcareFunction(this, 'x-poller', {
        handlerFolder: 'x-poller',
        description:
          'socialcare: every minute, reads X mentions and DMs of polling accounts and keyword searches',
        brandConfigJson: brand.json,
        timeout: Duration.seconds(50),
        retryAttempts: 0,
      });
      this.xPollerSchedule = new XPollerSchedule(this, 'x-poller-schedule', {
        poller: this.xPoller.function,
        table: this.table.table,
        ingestQueue: this.ingest.queue,
        oncall: this.oncall,
        accountSecrets: new Map([...this.xAccounts.secrets].filter(([id]) => readers.has(id))),
        operations: this.operations,
      });
    }
    // The X webhook's keeper: health check every 5 minutes, setup and subscriptions on demand.
    this.xAdmin = new SocialcareFunction(this, 'x-webhook-admin', {
      handlerFolder: 'x-webhook-admin',
      description:
        'socialcare: keeps the X webhook valid (re-validate, replay, page) and manages the XAA subscriptions',
      brandConfigJson: brand.json,
      timeout: Duration.seconds(60),
      retryAttempts: 0,
    });
    // The X webhook's keeper: its health record, the refresh lease and its pages, by key: no index.
    this.table.bindTable(this.xAdmin.function, { write: true, indexes: [] });
    this.oncall.bindPublisher(this.xAdmin.function);
    this.xWebhookAdmin = new XWebhookAdmin(this, 'x-admin', {
      brands: brand.config,
      admin: this.xAdmin.function,
      webhookUrl: this.api.xWebhookUrl,
      operations: this.operations,
    });

    this.pageDelivery = new PageDelivery(this, 'page-delivery', {
      oncall: this.oncall,
      operations: this.operations,
    });
    this.pageForwarder = new SocialcareFunction(this, 'page-forwarder', {
      handlerFolder: 'page-forwarder',
      description: 'socialcare: forwards on-call pages to Slack and PagerDuty',
      brandConfigJson: brand.json,
      timeout: Duration.seconds(15),
      memorySize: 256,
      retryAttempts: 2,
      deadLetterQueue: this.pageDelivery.failures,
    });
    this.pageDelivery.subscribe(this.pageForwarder.function);

    this.dashboard = new CareDashboard(this, 'dashboard', {
      brandIds: brand.config.brands.map((b) => b.id),
      queues: [
        { label: 'ingest', queue: this.ingest.queue },
        { label: 'outbox', queue: this.outbox.queue },
      ],
      deadLetterQueues: [
        { label: 'ingest dead letters', queue: this.ingest.deadLetterQueue },
        { label: 'outbox dead letters', queue: this.outbox.deadLetterQueue },
        { label: 'page forwarding failures', queue: this.pageDelivery.failures },
      ],
      functions: [
        this.xWebhook,
        this.channels.metaWebhook,
        this.channels.genericWebhook,
        this.triage,
        this.sender,
        this.slaMonitor,
        this.pageForwarder,
        this.agentApi,
        this.pageAck.handler,
        ...(this.xPoller ? [this.xPoller] : []),
        this.xAdmin,
      ].map((f) => ({ label: f.node.id, fn: f.function })),
      alarms: [
        ...this.ingest.alarms,
        ...this.outbox.alarms,
        ...this.slaSchedule.alarms,
        ...(this.xPollerSchedule?.alarms ?? []),
        ...this.pageDelivery.alarms,
        ...this.xWebhookAdmin.alarms,
      ],
      operations: this.operations,
    });

    new CfnOutput(this, 'ConsoleUrl', {
      value: this.console.url,
      description: 'The agent console: agents sign in here (invite them in the user pool)',
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'MetaWebhookUrl', {
      value: this.channels.urls(this.api.url).meta,
      description: 'Register this as the callback URL of the Meta app (pages, Messenger, Instagram)',
    });
    new CfnOutput(this, 'GenericWebhookUrl', {
      value: this.channels.urls(this.api.url).generic,
      description: 'Give this to review sites and listening tools (docs/generic-webhook.md)',
    });
    new CfnOutput(this, 'MetaSecretName', {
      value: this.channels.metaSecret.secretName,
      description: 'Put the Meta app secret (appSecret) and your webhook verify token (verifyToken) here',
    });
    new CfnOutput(this, 'GenericSourceSecretsName', {
      value: this.channels.genericSecrets.secretName,
      description: 'Signing secret per review/listening source: {"<source>": "<secret>"}',
    });
    new CfnOutput(this, 'PageTokenSecretNames', {
      value: Stack.of(this).toJsonString(
        Object.fromEntries([...this.channels.pageTokens].map(([id, secret]) => [id, secret.secretName])),
      ),
      description: 'Facebook page / Instagram account id → the secret holding its pageAccessToken',
    });
    new CfnOutput(this, 'XWebhookUrl', {
      value: this.api.xWebhookUrl,
      description: 'Register this as the webhook URL of the X app',
    });
    new CfnOutput(this, 'UserPoolId', { value: this.agents.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.agents.consoleClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'IngestQueueUrl', { value: this.ingest.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.ingest.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'XSecretName', {
      value: this.secrets.x.secretName,
      description: 'Put the X app consumer secret in field consumerSecret of this secret',
    });
    new CfnOutput(this, 'XSecretArn', { value: this.secrets.x.secretArn });
    new CfnOutput(this, 'OutboxQueueUrl', { value: this.outbox.queue.queueUrl });
    new CfnOutput(this, 'OutboxDeadLetterQueueUrl', { value: this.outbox.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'XAccountSecretNames', {
      value: this.xAccounts.secretNamesJson,
      description:
        "X account id to secret name (JSON): put each account's apiKey, apiSecret, accessToken, accessTokenSecret there",
    });
    new CfnOutput(this, 'OncallTopicArn', {
      value: this.oncall.topic.topicArn,
      description: 'Pages to on-call staff (attributes brand, severity, kind); subscribe more here',
    });
    new CfnOutput(this, 'PageTargetsSecretName', {
      value: this.pageDelivery.targets.secretName,
      description: 'Put a Slack incoming webhook URL (slackWebhookUrl) and/or a PagerDuty routing key here',
    });
    new CfnOutput(this, 'PageForwardingFailuresQueueUrl', { value: this.pageDelivery.failures.queueUrl });
    new CfnOutput(this, 'XWebhookAdminFunctionName', {
      value: this.xAdmin.function.functionName,
      description:
        'aws lambda invoke --function-name <this> --cli-binary-format raw-in-base64-out --payload \'{"action":"setup"}\' out.json (or subscriptions, remove)',
    });
    new CfnOutput(this, 'XAppSecretName', {
      value: this.xWebhookAdmin.appSecret.secretName,
      description:
        "Put the X app's bearerToken, OAuth 2.0 clientId and (confidential client) clientSecret here",
    });
    new CfnOutput(this, 'XOAuthTokenSecretNames', {
      value: this.xWebhookAdmin.tokenSecretNamesJson,
      description:
        'X account id to the secret of its OAuth 2.0 grant: socialcare x authorize --aws --token-secret <name>',
    });
    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboardName });
    new CfnOutput(this, 'OperationsTopicArn', {
      value: this.operations.topic.topicArn,
      description: 'Subscribe operators to this topic for alarms',
      exportName: `${this.stackName}-OperationsTopicArn`,
    });
  }
}
