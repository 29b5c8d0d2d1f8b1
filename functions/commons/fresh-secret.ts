/**
 * A secret kept in memory after its first read (Secrets Manager in AWS). `refresh` reads it again
 * from its source, at most once a minute, and resolves true when it did: a secret rotated in Secrets
 * Manager then reaches a warm function at the first request it refuses, not at the next cold start.
 * Locally (secrets from the environment) there is nothing to refresh.
 */
export interface Refreshable {
  refresh?: () => Promise<boolean>;
}

export type SecretReader<T> = (() => Promise<T>) & Refreshable;

/** How often a refused signature may cause a new read of the secret. */
export const SECRET_REFRESH_INTERVAL_MS = 60_000;

/**
 * Runs `attempt` (which reads the cached secret); if its result is refused and the secret may be read
 * again, reads it again and tries once more. An unsigned flood costs one read a minute at most.
 */
export async function withFreshSecret<R>(
  secret: Refreshable,
  attempt: () => Promise<R>,
  accepted: (result: R) => boolean,
): Promise<R> {
  const first = await attempt();
  if (accepted(first) || !secret.refresh) return first;
  return (await secret.refresh()) ? attempt() : first;
}
