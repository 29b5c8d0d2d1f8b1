import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretField, secretsByAccount } from './secrets';

/**
 * The Meta page access tokens of a Lambda, from `META_ACCOUNT_SECRET_ARNS` ({"<page or Instagram
 * account id>": "<secret arn>"}, each secret holding `pageAccessToken`), each read on first use and
 * cached; and the app secret for `appsecret_proof` when `META_SECRET_ARN` is set.
 */
export function metaPageTokensFromEnv(secrets: SecretsManagerClient): {
  tokenFor: (accountId: string) => Promise<string>;
  appSecret?: () => Promise<string>;
} {
  const tokens = secretsByAccount<{ pageAccessToken: string }>(
    secrets,
    'META_ACCOUNT_SECRET_ARNS',
    ['pageAccessToken'],
    'Meta page token',
  );
  return {
    tokenFor: (accountId) => tokens(accountId).then((s) => s.pageAccessToken),
    ...(process.env.META_SECRET_ARN
      ? { appSecret: secretField(secrets, process.env.META_SECRET_ARN, 'appSecret') }
      : {}),
  };
}
