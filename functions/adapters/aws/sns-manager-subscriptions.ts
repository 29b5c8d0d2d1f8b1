import { type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { ManagerSubscriptions } from '../../core/local-managers';

/**
 * Subscribes a local manager's e-mail address to the on-call topic for the pages addressed to them
 * only (a filter on the `recipient` attribute). SNS mails a confirmation link once; until the manager
 * follows it, nothing is delivered to the address (the pages are still recorded).
 */
export class SnsManagerSubscriptions implements ManagerSubscriptions {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async subscribeEmail(agentId: string, email: string): Promise<void> {
    await this.client.send(
      new SubscribeCommand({
        TopicArn: this.topicArn,
        Protocol: 'email',
        Endpoint: email,
        Attributes: {
          FilterPolicyScope: 'MessageAttributes',
          FilterPolicy: JSON.stringify({ recipient: [agentId] }),
        },
        ReturnSubscriptionArn: true,
      }),
    );
  }
}
