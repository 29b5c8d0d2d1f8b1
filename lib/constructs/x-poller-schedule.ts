import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { X_POLL_KEY_PREFIXES } from '../../functions/adapters/aws/dynamo-x-poll-state';
import { functionErrorsAlarm } from './alarms';
import type { OperationsTopic } from './operations-topic';

export const X_API_BASE_URL = 'https://api.x.com';

export interface XPollerScheduleProps {
  /** The poller (functions/x-poller). Build it with `retryAttempts: 0` and a timeout under the rate. */
  readonly poller: lambda.Function;
  readonly table: dynamodb.ITable;
  readonly ingestQueue: sqs.IQueue;
  /** Grants publishing pages (spend cap) and sets its variables. */
  readonly oncall: { bindPublisher(fn: lambda.Function): void };
  /** The X credentials of exactly the accounts that read: polling accounts and listening brands' care accounts. */
  readonly accountSecrets: ReadonlyMap<string, secretsmanager.ISecret>;
  readonly operations: OperationsTopic;
  /** @default 1 minute */
  readonly rate?: Duration;
  /** @default https://api.x.com */
  readonly xApiBaseUrl?: string;
}

/**
 * Runs the X poller on a fixed rate (EventBridge) with only what it needs: its own items in the table
 * (stream cursors, read spend, the pages it raises: leading keys XPOLL#, XSPEND#, PAGE#), sending to the
 * ingest queue, publishing pages, and reading the credentials of the accounts it reads with. Overlapping
 * runs are safe: each stream is leased. Alarms: the poller fails, or stopped running.
 */
export class XPollerSchedule extends Construct {
  readonly rule: events.Rule;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: XPollerScheduleProps) {
    super(scope, id);
    const { poller } = props;
    const rate = props.rate ?? Duration.minutes(1);
    const timeout = poller.timeout ?? Duration.seconds(3);
    const problems: string[] = [];
    if (timeout.toSeconds() >= rate.toSeconds())
      problems.push(
        `the poller's timeout (${timeout.toHumanString()}) must be shorter than the rate (${rate.toHumanString()})`,
      );
    if (props.accountSecrets.size === 0) problems.push('no X account reads: accountSecrets is empty');
    if (problems.length) throw new Error(`${this.node.path}: ${problems.join('; ')}`);
    const stackName = Stack.of(this).stackName;

    iam.Grant.addToPrincipal({
      grantee: poller,
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      resourceArns: [props.table.tableArn],
      conditions: {
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': [...X_POLL_KEY_PREFIXES, 'PAGE#'].map((prefix) => `${prefix}*`),
        },
      },
    });
    poller.addEnvironment('TABLE_NAME', props.table.tableName);
    props.ingestQueue.grantSendMessages(poller);
    poller.addEnvironment('INGEST_QUEUE_URL', props.ingestQueue.queueUrl);
    props.oncall.bindPublisher(poller);
    for (const secret of props.accountSecrets.values()) secret.grantRead(poller);
    poller.addEnvironment(
      'X_ACCOUNT_SECRET_ARNS',
      Stack.of(this).toJsonString(
        Object.fromEntries(
          [...props.accountSecrets].map(([accountId, secret]) => [accountId, secret.secretArn]),
        ),
      ),
    );
    poller.addEnvironment('X_API_BASE_URL', props.xApiBaseUrl ?? X_API_BASE_URL);

    this.rule = new events.Rule(this, 'rule', {
      description: `socialcare: reads X mentions, DMs and keyword searches every ${rate.toHumanString()}`,
      schedule: events.Schedule.rate(rate),
      targets: [new targets.LambdaFunction(poller, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });
    const window = Duration.seconds(Math.max(300, rate.toSeconds() * 5));
    this.alarms = [
      functionErrorsAlarm(this, 'errors-alarm', poller, {
        alarmName: `${stackName}-x-poller-errors`,
        description: 'socialcare: the X poller fails; mentions and DMs of polling accounts may not arrive',
      }),
      new cloudwatch.Alarm(this, 'not-running-alarm', {
        alarmName: `${stackName}-x-poller-not-running`,
        alarmDescription: `socialcare: the X poller did not run for ${window.toHumanString()}; polling accounts are not heard`,
        metric: poller.metricInvocations({ period: window, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    ];
    for (const alarm of this.alarms) props.operations.notify(alarm);
  }
}
