import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../../commons/env';
import { secretField, secretJson } from './secrets';

/**
 * The Meta page access tokens of a Lambda, from `META_ACCOUNT_SECRET_ARNS` ({"<page or Instagram
 * account id>": "<secret arn>"}, each secret holding `pageAccessToken`), each read on first use and
 * cached; and the app secret for `appsecret_proof` when `META_SECRET_ARN` is set.
 */
export function metaPageTokensFromEnv(secrets: SecretsManagerClient): {
  tokenFor: (accountId: string) => Promise<string>;
  appSecret?: () => Promise<string>;
} {
  let arns: Record<string, string>;
  try {
    arns = JSON.parse(process.env.META_ACCOUNT_SECRET_ARNS ?? '{}') as Record<string, string>;
  } catch {
    throw new ConfigError('META_ACCOUNT_SECRET_ARNS must be a JSON object of account id to secret ARN');
  }
  const reads = new Map<string, () => Promise<{ pageAccessToken: string }>>();
  const tokenFor = (accountId: string): Promise<string> => {
    const arn = arns[accountId];
    if (!arn) return Promise.reject(new ConfigError(`no page token secret for Meta account ${accountId}`));
    let read = reads.get(accountId);
    if (!read) {
      read = secretJson<{ pageAccessToken: string }>(secrets, arn, ['pageAccessToken']);
      reads.set(accountId, read);
    }
    return read().then((s) => s.pageAccessToken);
  };
  return {
    tokenFor,
    ...(process.env.META_SECRET_ARN
      ? { appSecret: secretField(secrets, process.env.META_SECRET_ARN, 'appSecret') }
      : {}),
  };
}
