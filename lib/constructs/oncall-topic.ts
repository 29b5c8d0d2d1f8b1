import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PageSeverity } from '../../functions/core/paging';

const SEVERITIES: readonly PageSeverity[] = ['warning', 'critical'];
/** E.164: a plus, then up to 15 digits, the first not 0. */
const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/**
 * Who the on-call topic delivers pages to besides the Slack/PagerDuty forwarder. The stack reads each
 * from a stack prop or else from context:
 * - `emails` (`-c oncallEmails=a@example.com,b@example.com`): one e-mail subscription per address,
 *   receiving every page (each address confirms once, from the mail SNS sends it).
 * - `smsNumbers` (`-c oncallSms=+31612345678,+14155550100`): one SMS subscription per E.164 number,
 *   receiving only pages whose `severity` attribute is in `smsSeverities`.
 * - `smsSeverities` (`-c oncallSmsSeverities=warning,critical`): the subscription filter policy on the
 *   message attribute `severity` (`warning` | `critical`). @default ['critical']: breaches, repeat pages
 *   and high-risk posts text a phone; warnings go to e-mail and chat only.
 */
export interface OncallSubscribers {
  readonly emails: readonly string[];
  readonly smsNumbers: readonly string[];
  readonly smsSeverities: readonly PageSeverity[];
}

export interface OncallTopicProps extends OncallSubscribers {
  /** The URL each page links to, followed by the case id (CASE_LINK_BASE of every publisher). */
  readonly caseLinkBase: string;
}

/** Every problem with the subscribers, each naming the setting; empty when all is well. */
export function oncallSubscriberProblems(subscribers: OncallSubscribers): string[] {
  const problems: string[] = [];
  for (const email of subscribers.emails) {
    if (!EMAIL.test(email)) problems.push(`oncallEmails: "${email}" is not an e-mail address`);
  }
  for (const number of subscribers.smsNumbers) {
    if (!E164.test(number)) {
      problems.push(
        `oncallSms: "${number}" is not an E.164 phone number (+, country code, number; no spaces)`,
      );
    }
  }
  const duplicates = [...subscribers.emails, ...subscribers.smsNumbers].filter(
    (item, index, all) => all.indexOf(item) !== index,
  );
  for (const duplicate of new Set(duplicates)) problems.push(`"${duplicate}" is subscribed twice`);
  if (!subscribers.smsSeverities.length) {
    problems.push('oncallSmsSeverities: name at least one of "warning", "critical"');
  }
  for (const severity of subscribers.smsSeverities) {
    if (!SEVERITIES.includes(severity)) {
      problems.push(`oncallSmsSeverities: "${severity}" is not one of "warning", "critical"`);
    }
  }
  return problems;
}

/**
 * The on-call SNS topic: pages about customers (deadline warnings and breaches, high-risk posts), as
 * opposed to the operations topic's alarms about the system. Pages carry the attributes brand,
 * severity and kind to filter on. Encrypted with its own customer managed key (pages hold customers'
 * words), rotated yearly; publishers must use TLS.
 */
export class OncallTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  readonly caseLinkBase: string;

  constructor(scope: Construct, id: string, props: OncallTopicProps) {
    super(scope, id);
    const problems = oncallSubscriberProblems(props);
    if (problems.length) throw new Error(`${this.node.path}: ${problems.join('; ')}`);
    this.caseLinkBase = props.caseLinkBase;

    this.key = new kms.Key(this, 'key', {
      description: 'socialcare on-call topic (pages)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.topic = new sns.Topic(this, 'topic', {
      displayName: 'socialcare on-call',
      masterKey: this.key,
      enforceSSL: true,
    });

    // Each page names its level's targets (the `targets` attribute, core/escalation.ts): e-mail and SMS
    // take the pages that name them. Without escalation config every page names every target, as before.
    for (const email of props.emails) {
      this.topic.addSubscription(
        new subscriptions.EmailSubscription(email, {
          filterPolicy: { targets: sns.SubscriptionFilter.stringFilter({ allowlist: ['email'] }) },
        }),
      );
    }
    for (const number of props.smsNumbers) {
      this.topic.addSubscription(
        new subscriptions.SmsSubscription(number, {
          filterPolicy: {
            severity: sns.SubscriptionFilter.stringFilter({ allowlist: [...props.smsSeverities] }),
            targets: sns.SubscriptionFilter.stringFilter({ allowlist: ['sms'] }),
          },
        }),
      );
    }
  }

  /**
   * Lets a function publish pages and sets ONCALL_TOPIC_ARN and CASE_LINK_BASE, together. The key
   * actions are named exactly (no `kms:GenerateDataKey*`): SNS encrypts a published message with a
   * data key from GenerateDataKey and the publisher needs Decrypt on the same key.
   */
  bindPublisher(fn: lambda.Function): void {
    iam.Grant.addToPrincipal({ grantee: fn, actions: ['sns:Publish'], resourceArns: [this.topic.topicArn] });
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resourceArns: [this.key.keyArn],
    });
    fn.addEnvironment('ONCALL_TOPIC_ARN', this.topic.topicArn);
    fn.addEnvironment('CASE_LINK_BASE', this.caseLinkBase);
  }

  /**
   * Subscribes a function (the page forwarder) to every page. SNS invokes it asynchronously; what SNS
   * cannot deliver lands in `deadLetterQueue`.
   */
  subscribe(fn: lambda.IFunction, deadLetterQueue: sqs.IQueue): sns.Subscription {
    return this.topic.addSubscription(new subscriptions.LambdaSubscription(fn, { deadLetterQueue }));
  }
}
