import { Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { anyMessageAlarm } from './alarms';
import type { OncallTopic } from './oncall-topic';
import type { OperationsTopic } from './operations-topic';
import { placeholderSecret } from './placeholder-secret';

export interface PageDeliveryProps {
  readonly oncall: OncallTopic;
  readonly operations: OperationsTopic;
}

/**
 * Pages to Slack and PagerDuty: the targets secret (`slackWebhookUrl`, `pagerDutyRoutingKey`; either
 * left empty or REPLACE_ME is off), and a failures queue for every page that did not get through:
 * events the forwarder failed on after Lambda's two retries (the function's dead-letter queue) and
 * notifications SNS could not deliver to the function at all (the subscription's). An alarm fires on
 * the first one, so no page is lost silently.
 *
 * Build the forwarder with `deadLetterQueue: failures` and `retryAttempts: 2`, then `subscribe` it.
 */
export class PageDelivery extends Construct {
  readonly targets: secretsmanager.Secret;
  readonly failures: sqs.Queue;
  readonly alarms: cloudwatch.Alarm[];
  private readonly oncall: OncallTopic;

  constructor(scope: Construct, id: string, props: PageDeliveryProps) {
    super(scope, id);
    this.oncall = props.oncall;
    this.targets = placeholderSecret(this, 'targets', {
      description:
        'socialcare: where pages go besides e-mail and SMS: fields slackWebhookUrl (a Slack incoming webhook URL) ' +
        'and pagerDutyRoutingKey (a PagerDuty Events API v2 integration key); REPLACE_ME or empty = off',
      fields: ['slackWebhookUrl', 'pagerDutyRoutingKey'],
      reason:
        'A Slack incoming webhook URL and a PagerDuty integration key are issued by Slack and PagerDuty and can ' +
        'only be regenerated there; a rotation Lambda cannot rotate them. Operators regenerate them there and ' +
        'put the new values here (README, Deploy).',
    });

    this.failures = new sqs.Queue(this, 'failures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.alarms = [
      anyMessageAlarm(this, 'failures-alarm', this.failures, {
        alarmName: `${Stack.of(this).stackName}-page-forwarding-failures`,
        description:
          'socialcare: pages did not reach Slack or PagerDuty (see the page-forwarder failures queue and logs)',
      }),
    ];
    for (const alarm of this.alarms) props.operations.notify(alarm);
  }

  /**
   * Subscribes the forwarder to the on-call topic, grants it read on the targets secret and sets
   * PAGE_TARGETS_SECRET_ARN, together.
   */
  subscribe(forwarder: lambda.Function): void {
    if (forwarder.deadLetterQueue !== this.failures) {
      throw new Error(
        `${forwarder.node.path}: build the page forwarder with deadLetterQueue set to ${this.failures.node.path}`,
      );
    }
    this.oncall.subscribe(forwarder, this.failures);
    this.targets.grantRead(forwarder);
    forwarder.addEnvironment('PAGE_TARGETS_SECRET_ARN', this.targets.secretArn);
  }
}
