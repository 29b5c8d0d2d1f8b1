import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { ConfigError, isSet } from '../../commons/env';
import type { UserTokens, UserTokenVault } from '../../core/x-admin/ports';

/**
 * Each X account's OAuth 2.0 grant in its own Secrets Manager secret (named by X_OAUTH_TOKEN_SECRET_ARNS,
 * {"<account id>": "<arn>"}). Never cached: the refresh token rotates, and another Lambda may have
 * stored a newer pair. PutSecretValue replaces the whole JSON at once (a new version, AWSCURRENT).
 */
export class SecretsManagerTokenVault implements UserTokenVault {
  private readonly arns: Record<string, string>;
  constructor(
    private readonly client: SecretsManagerClient,
    arnsJson: string | undefined,
  ) {
    try {
      this.arns = JSON.parse(arnsJson ?? '{}') as Record<string, string>;
    } catch {
      throw new ConfigError('X_OAUTH_TOKEN_SECRET_ARNS must be a JSON object of account id to secret ARN');
    }
  }

  private arnOf(accountId: string): string {
    const arn = this.arns[accountId];
    if (!arn) throw new ConfigError(`no OAuth 2.0 token secret for X account ${accountId}`);
    return arn;
  }

  async read(accountId: string): Promise<UserTokens | undefined> {
    const result = await this.client.send(new GetSecretValueCommand({ SecretId: this.arnOf(accountId) }));
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(result.SecretString ?? '{}') as Record<string, unknown>;
    } catch {
      return undefined;
    }
    // Placeholders from the deploy: not authorized yet.
    if (!isSet(value.accessToken) || !isSet(value.refreshToken) || typeof value.expiresAt !== 'string')
      return undefined;
    return value as unknown as UserTokens;
  }

  async write(accountId: string, tokens: UserTokens): Promise<void> {
    await this.client.send(
      new PutSecretValueCommand({ SecretId: this.arnOf(accountId), SecretString: JSON.stringify(tokens) }),
    );
  }
}
