import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { loadBrandConfig } from './brand-config-source';
import { AgentUserPool } from './constructs/agent-user-pool';
import { CareApi } from './constructs/care-api';
import { CareTable } from './constructs/care-table';
import { IngestPipeline } from './constructs/ingest-pipeline';
import { OperationsTopic } from './constructs/operations-topic';
import { PlatformSecrets } from './constructs/platform-secrets';
import { grantSentimentDetection } from './constructs/sentiment-access';
import { SocialcareFunction } from './constructs/socialcare-function';

export interface CareStackProps extends StackProps {
  /**
   * The brand config file. @default context `config`, else env SOCIALCARE_CONFIG, else the shipped
   * demo airline (config/demo-airline.json)
   */
  readonly brandConfigPath?: string;
}

/**
 * socialcare on AWS, X path: HTTP API → x-webhook → SQS → triage → DynamoDB, the agent API behind
 * Cognito, alarms to an operations topic. Composition only; each construct owns one task and every
 * permission is granted here, next to the environment variable that uses it.
 */
export class CareStack extends Stack {
  readonly operations: OperationsTopic;
  readonly table: CareTable;
  readonly secrets: PlatformSecrets;
  readonly agents: AgentUserPool;
  readonly xWebhook: SocialcareFunction;
  readonly triage: SocialcareFunction;
  readonly agentApi: SocialcareFunction;
  readonly ingest: IngestPipeline;
  readonly api: CareApi;

  constructor(scope: Construct, id: string, props: CareStackProps = {}) {
    super(scope, id, props);
    // First, before any resource: a bad brand config fails synth naming each bad field.
    const brand = loadBrandConfig(this, props.brandConfigPath);

    this.operations = new OperationsTopic(this, 'operations');
    this.table = new CareTable(this, 'table');
    this.secrets = new PlatformSecrets(this, 'secrets');
    this.agents = new AgentUserPool(this, 'agents');

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
    this.agentApi = new SocialcareFunction(this, 'agent-api', {
      handlerFolder: 'agent-api',
      description: 'socialcare: agent API (cases and their messages), behind Cognito',
      brandConfigJson: brand.json,
      timeout: Duration.seconds(10),
    });

    this.ingest = new IngestPipeline(this, 'ingest', {
      consumer: this.triage.function,
      operations: this.operations,
    });

    // Who may touch what: the webhook path never reaches the table.
    this.ingest.bindProducer(this.xWebhook.function);
    this.secrets.bindX(this.xWebhook.function);
    this.table.bindTable(this.triage.function, 'readWrite');
    grantSentimentDetection(this.triage.function);
    this.table.bindTable(this.agentApi.function, 'read');

    this.api = new CareApi(this, 'api', {
      xWebhook: this.xWebhook.function,
      agentApi: this.agentApi.function,
      userPool: this.agents.userPool,
      userPoolClient: this.agents.consoleClient,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
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
    new CfnOutput(this, 'OperationsTopicArn', {
      value: this.operations.topic.topicArn,
      description: 'Subscribe operators to this topic for alarms',
      exportName: `${this.stackName}-OperationsTopicArn`,
    });
  }
}
