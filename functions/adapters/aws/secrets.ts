import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, isSet } from '../../commons/env';
import { SECRET_REFRESH_INTERVAL_MS, type SecretReader } from '../../commons/fresh-secret';

export class SecretUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretUnavailableError';
  }
}

/**
 * A JSON secret in Secrets Manager, read once per cold start and checked by `check`, then cached. A
 * failed read or check is not cached, so the next request tries again. `refresh` reads it again, at
 * most once a minute after the last read (a webhook calls it when a signature is refused: the secret
 * may have been rotated). Values never reach a log.
 */
function cachedSecret<T>(
  client: SecretsManagerClient,
  secretId: string,
  check: (value: Record<string, unknown>) => T,
  now: () => number = Date.now,
): SecretReader<T> {
  let cached: Promise<T> | undefined;
  let lastReadAt = Number.NEGATIVE_INFINITY;
  const read = () => {
    lastReadAt = now();
    const reading = client
      .send(new GetSecretValueCommand({ SecretId: secretId }))
      .then((result) => {
        let value: Record<string, unknown>;
        try {
          value = JSON.parse(result.SecretString ?? '') as Record<string, unknown>;
        } catch {
          throw new SecretUnavailableError(`secret ${secretId} is not a JSON object`);
        }
        return check(value);
      })
      .catch((error) => {
        if (cached === reading) cached = undefined;
        throw error;
      });
    cached = reading;
    return reading;
  };
  const reader = () => cached ?? read();
  reader.refresh = async () => {
    if (now() - lastReadAt < SECRET_REFRESH_INTERVAL_MS) return false;
    // The value in use stays until a new one is read: a refresh that fails (throttled, an outage), set
    // off by any request with a wrong signature, must not leave the warm function without its secret.
    const previous = cached;
    try {
      await read();
      return true;
    } catch {
      if (cached === undefined) cached = previous;
      return false;
    }
  };
  return reader;
}

/** One field of a JSON secret, which must be set. */
export function secretField(
  client: SecretsManagerClient,
  secretId: string,
  field: string,
  now?: () => number,
): SecretReader<string> {
  return cachedSecret(
    client,
    secretId,
    (value) => {
      const text = value[field];
      if (!isSet(text)) {
        throw new SecretUnavailableError(
          `secret ${secretId} has no value for "${field}" yet: set it (see README, Deploy)`,
        );
      }
      return text;
    },
    now,
  );
}

/** A whole JSON secret with the named fields all set. */
export function secretJson<T>(
  client: SecretsManagerClient,
  secretId: string,
  fields: Array<keyof T & string>,
  now?: () => number,
): SecretReader<T> {
  return cachedSecret(
    client,
    secretId,
    (value) => {
      const missing = fields.filter((f) => !isSet(value[f]));
      if (missing.length)
        throw new SecretUnavailableError(`secret ${secretId} has no value for ${missing.join(', ')} yet`);
      return value as T;
    },
    now,
  );
}

/**
 * Secrets per account, named by an environment variable holding {"<account id>": "<secret arn>"}:
 * each read on first use and cached. An account without a secret is a configuration error.
 */
export function secretsByAccount<T>(
  client: SecretsManagerClient,
  variable: string,
  fields: Array<keyof T & string>,
  what: string,
): (accountId: string) => Promise<T> {
  let arns: Record<string, string>;
  try {
    arns = JSON.parse(process.env[variable] ?? '{}') as Record<string, string>;
  } catch {
    throw new ConfigError(`${variable} must be a JSON object of account id to secret ARN`);
  }
  const reads = new Map<string, () => Promise<T>>();
  return (accountId) => {
    const arn = arns[accountId];
    if (!arn) return Promise.reject(new ConfigError(`no ${what} secret for account ${accountId}`));
    let read = reads.get(accountId);
    if (!read) {
      read = secretJson<T>(client, arn, fields);
      reads.set(accountId, read);
    }
    return read();
  };
}
