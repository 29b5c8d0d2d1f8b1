import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { signedAckLinks } from '../../channels/oncall/ack-token';
import type { AckLinks } from '../../core/paging';
import { secretField } from './secrets';

/** The key that signs acknowledgement links: field `ackLinkKey` of its secret, read once per cold start. */
export function ackLinkKeyFromEnv(client: SecretsManagerClient, secretArn: string): () => Promise<string> {
  const read = secretField(client, secretArn, 'ackLinkKey');
  return () => read();
}

/**
 * A publisher's acknowledgement links, when the stack bound it as a signer (PAGE_ACK_KEY_SECRET_ARN and
 * PAGE_ACK_LINK_BASE, lib/constructs/page-acknowledgement.ts); undefined otherwise (pages carry no link).
 */
export function ackLinksFromEnv(client: () => SecretsManagerClient): AckLinks | undefined {
  const secretArn = process.env.PAGE_ACK_KEY_SECRET_ARN;
  const base = process.env.PAGE_ACK_LINK_BASE;
  if (!secretArn || !base) return undefined;
  return signedAckLinks(() => base, ackLinkKeyFromEnv(client(), secretArn));
}
