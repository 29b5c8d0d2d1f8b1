import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { PAGE_TARGETS } from '../../core/escalation';
import type { Page, Pager } from '../../core/paging';

/** What the forwarder is told when a page's incident is over: no text, nothing about the customer. */
export interface PageResolveNotice {
  notice: 'resolve';
  pageId: string;
  brandId: string;
  caseId?: string;
  kind: Page['kind'];
  severity: Page['severity'];
  at: string;
}

/**
 * Publishes pages to the on-call SNS topic. Subscribers filter on the message attributes
 * (brand, severity, kind, level, targets): e-mail and SMS subscriptions take the pages whose `targets`
 * name them, the Slack/PagerDuty forwarder takes every message and honours `targets` itself.
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
          // A text stays one short SMS: the title only (the acknowledgement link is in the e-mail and on Slack).
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
          ...(page.recipientAddress
            ? { recipientAddress: { DataType: 'String', StringValue: page.recipientAddress } }
            : {}),
          ...(page.location ? { location: { DataType: 'String', StringValue: page.location } } : {}),
          level: { DataType: 'Number', StringValue: String(page.level ?? 1) },
          // A page from before chains goes everywhere, as it always did.
          targets: {
            DataType: 'String.Array',
            StringValue: JSON.stringify(page.targets ?? [...PAGE_TARGETS]),
          },
        },
      }),
    );
  }

  /** Only the forwarder acts on it (its `targets` name no person's e-mail or phone). */
  async resolve(page: Pick<Page, 'pageId' | 'brandId' | 'caseId' | 'kind' | 'severity'>, at: string) {
    const notice: PageResolveNotice = {
      notice: 'resolve',
      pageId: page.pageId,
      brandId: page.brandId,
      ...(page.caseId ? { caseId: page.caseId } : {}),
      kind: page.kind,
      severity: page.severity,
      at,
    };
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(notice),
        MessageAttributes: {
          brand: { DataType: 'String', StringValue: page.brandId },
          severity: { DataType: 'String', StringValue: page.severity },
          kind: { DataType: 'String', StringValue: 'resolve' },
          level: { DataType: 'Number', StringValue: '0' },
          targets: { DataType: 'String.Array', StringValue: JSON.stringify(['pagerduty']) },
        },
      }),
    );
  }
}
