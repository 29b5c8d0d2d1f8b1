/**
 * Where the console gets its settings: locally `/console-config.json` from the local runtime (no
 * token: each agent signs in with their own); in AWS `config.json`, deployed beside the site.
 */
export interface LocalConfig {
  mode: 'local';
  apiBase: string;
}

export interface CognitoConfig {
  mode: 'cognito';
  apiBase: string;
  /** https://<prefix>.auth.<region>.amazoncognito.com */
  userPoolDomain: string;
  clientId: string;
  redirectUri: string;
}

export type ConsoleConfig = LocalConfig | CognitoConfig;

async function tryJson(url: string): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetch(url, { cache: 'no-store', credentials: 'same-origin' });
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return undefined;
    return (await response.json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export async function loadConfig(): Promise<ConsoleConfig> {
  // CloudFront answers unknown paths with index.html (HTML, not JSON), so the order is safe.
  const value = (await tryJson('/console-config.json')) ?? (await tryJson('./config.json'));
  if (!value)
    throw new Error('no console settings: neither /console-config.json nor config.json could be read');
  const apiBase = typeof value.apiBase === 'string' ? value.apiBase.replace(/\/+$/, '') : '';
  if (value.mode === 'local') {
    return { mode: 'local', apiBase };
  }
  if (value.mode === 'cognito') {
    for (const field of ['userPoolDomain', 'clientId', 'redirectUri'] as const) {
      if (typeof value[field] !== 'string' || !value[field])
        throw new Error(`config.json: ${field} is missing`);
    }
    return {
      mode: 'cognito',
      apiBase,
      userPoolDomain: String(value.userPoolDomain).replace(/\/+$/, ''),
      clientId: String(value.clientId),
      redirectUri: String(value.redirectUri),
    };
  }
  throw new Error(`console settings: unknown mode ${JSON.stringify(value.mode)}`);
}
