import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export class SecretUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretUnavailableError';
  }
}

/**
 * A field of a JSON secret in Secrets Manager, read once per cold start and cached. A failed read is
 * not cached, so the next request tries again. The value never reaches a log.
 */
export function secretField(
  client: SecretsManagerClient,
  secretId: string,
  field: string,
): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= client
      .send(new GetSecretValueCommand({ SecretId: secretId }))
      .then((result) => {
        let value: unknown;
        try {
          value = JSON.parse(result.SecretString ?? '');
        } catch {
          throw new SecretUnavailableError(`secret ${secretId} is not a JSON object`);
        }
        const text = (value as Record<string, unknown>)[field];
        if (typeof text !== 'string' || text === '' || text.startsWith('REPLACE_ME')) {
          throw new SecretUnavailableError(
            `secret ${secretId} has no value for "${field}" yet: set it (see README, Deploy)`,
          );
        }
        return text;
      })
      .catch((error) => {
        cached = undefined;
        throw error;
      });
    return cached;
  };
}

/** A whole JSON secret with the named fields all set, read once and cached (a failed read is retried). */
export function secretJson<T>(
  client: SecretsManagerClient,
  secretId: string,
  fields: Array<keyof T & string>,
): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () => {
    cached ??= client
      .send(new GetSecretValueCommand({ SecretId: secretId }))
      .then((result) => {
        let value: Record<string, unknown>;
        try {
          value = JSON.parse(result.SecretString ?? '') as Record<string, unknown>;
        } catch {
          throw new SecretUnavailableError(`secret ${secretId} is not a JSON object`);
        }
        const missing = fields.filter(
          (f) => typeof value[f] !== 'string' || value[f] === '' || String(value[f]).startsWith('REPLACE_ME'),
        );
        if (missing.length)
          throw new SecretUnavailableError(`secret ${secretId} has no value for ${missing.join(', ')} yet`);
        return value as T;
      })
      .catch((error) => {
        cached = undefined;
        throw error;
      });
    return cached;
  };
}
