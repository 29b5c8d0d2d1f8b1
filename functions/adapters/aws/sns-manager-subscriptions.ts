import { type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { addressKey, type ManagerSubscriptions } from '../../core/local-managers';

/**
 * Subscribes a local manager's e-mail address to the on-call topic for the pages addressed to it only
 * (a filter on the `recipientAddress` attribute, the address's digest). Keyed by address, not by agent:
 * SNS keeps one subscription per address and refuses a second with other attributes, so two managers
 * sharing an address, or a manager removed and added again, subscribe to the same filter (idempotent).
 * SNS mails a confirmation link once; until it is followed nothing is delivered (pages are recorded).
 */
export class SnsManagerSubscriptions implements ManagerSubscriptions {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async subscribeEmail(_agentId: string, email: string): Promise<void> {
    await this.client.send(
      new SubscribeCommand({
        TopicArn: this.topicArn,
        Protocol: 'email',
        // One address, one subscription: mail systems treat addresses without regard to case.
        Endpoint: email.trim().toLowerCase(),
        Attributes: {
          FilterPolicyScope: 'MessageAttributes',
          FilterPolicy: JSON.stringify({ recipientAddress: [addressKey(email)] }),
        },
        ReturnSubscriptionArn: true,
      }),
    );
  }
}
