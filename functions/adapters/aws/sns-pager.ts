import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Page, Pager } from '../../core/paging';

/**
 * Publishes pages to the on-call SNS topic. Subscribers filter on the message attributes
 * (brand, severity, kind): e-mail and SMS subscriptions, and the Slack/PagerDuty forwarder.
 */
export class SnsPager implements Pager {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(page: Page): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: page.title.slice(0, 99),
        // Per-protocol bodies: people get text, machines (Lambda forwarder, SQS) get the page as JSON.
        Message: JSON.stringify({
          default: page.text,
          email: page.text,
          sms: page.title,
          lambda: JSON.stringify(page),
          sqs: JSON.stringify(page),
        }),
        MessageStructure: 'json',
        MessageAttributes: {
          brand: { DataType: 'String', StringValue: page.brandId },
          severity: { DataType: 'String', StringValue: page.severity },
          kind: { DataType: 'String', StringValue: page.kind },
          // A local manager's page: their e-mail subscription filters on it; on-call's exclude it.
          ...(page.recipient ? { recipient: { DataType: 'String', StringValue: page.recipient } } : {}),
          ...(page.location ? { location: { DataType: 'String', StringValue: page.location } } : {}),
        },
      }),
    );
  }
}
