import type { CognitoConfig, ConsoleConfig, LocalConfig } from './config';

/** How requests to the agent API are authenticated, and how the agent signs out. */
export interface Session {
  mode: 'local' | 'cognito';
  headers(): Promise<Record<string, string>>;
  /** After a 401: refresh the credentials once; false when the agent must sign in again. */
  recover(): Promise<boolean>;
  signOut(): void;
}

const LOCAL_TOKEN_KEY = 'socialcare.localToken';

/**
 * The token in a sign-in link (`/#token=...`, as `socialcare start` and `socialcare agents add`
 * print it): kept for this tab and removed from the address bar and the history at once.
 */
function takeTokenFromLink(): void {
  const match = /^#token=([A-Za-z0-9_-]{16,200})$/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem(LOCAL_TOKEN_KEY, match[1]!);
  history.replaceState(null, '', `${location.pathname}${location.search}#/queue`);
}

/** Local mode: each agent's own bearer token (typed once per tab, or from the sign-in link). */
export function localSession(_config: LocalConfig): Session | { needs: Array<'token'> } {
  takeTokenFromLink();
  const token = sessionStorage.getItem(LOCAL_TOKEN_KEY);
  if (!token) return { needs: ['token'] };
  return {
    mode: 'local',
    headers: async () => ({ authorization: `Bearer ${token}` }),
    recover: async () => {
      sessionStorage.removeItem(LOCAL_TOKEN_KEY);
      return false;
    },
    signOut: () => {
      sessionStorage.removeItem(LOCAL_TOKEN_KEY);
      location.reload();
    },
  };
}

export function saveLocalSignIn(token: string): void {
  sessionStorage.setItem(LOCAL_TOKEN_KEY, token.trim());
}

// --- Cognito Hosted UI: authorization code flow with PKCE, by hand -------------------------------

const TOKENS_KEY = 'socialcare.tokens';
const PENDING_KEY = 'socialcare.signIn';

interface Tokens {
  idToken: string;
  refreshToken?: string;
  /** Epoch ms when the ID token expires. */
  expiresAt: number;
}

function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomText(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The payload of a JWT, unverified: only to read `exp` and the name (the API verifies the token). */
export function jwtClaims(token: string): Record<string, unknown> {
  try {
    const part = token.split('.')[1] ?? '';
    const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function readTokens(): Tokens | undefined {
  try {
    const value = JSON.parse(sessionStorage.getItem(TOKENS_KEY) ?? 'null') as Tokens | null;
    return value?.idToken ? value : undefined;
  } catch {
    return undefined;
  }
}

function storeTokens(body: Record<string, unknown>, previous?: Tokens): Tokens {
  const idToken = String(body.id_token ?? '');
  const exp = Number(jwtClaims(idToken).exp ?? 0) * 1000;
  const tokens: Tokens = {
    idToken,
    expiresAt: exp || Date.now() + Number(body.expires_in ?? 3600) * 1000,
    ...(typeof body.refresh_token === 'string'
      ? { refreshToken: body.refresh_token }
      : previous?.refreshToken
        ? { refreshToken: previous.refreshToken }
        : {}),
  };
  sessionStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  return tokens;
}

async function tokenRequest(
  config: CognitoConfig,
  form: Record<string, string>,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${config.userPoolDomain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new Error(`sign-in failed: ${String(body.error ?? response.status)}`);
  return body;
}

/** Sends the browser to the Hosted UI; the hash to come back to is kept with the PKCE verifier. */
export async function beginCognitoSignIn(config: CognitoConfig): Promise<never> {
  const verifier = randomText(48);
  const state = randomText(16);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnTo: location.hash }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid email profile',
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  });
  location.assign(`${config.userPoolDomain}/oauth2/authorize?${query}`);
  return new Promise<never>(() => undefined);
}

/**
 * The Cognito session: finishes a sign-in coming back with ?code=&state=, else uses the stored
 * tokens; undefined when the agent has to sign in.
 */
export async function cognitoSession(config: CognitoConfig): Promise<Session | undefined> {
  const params = new URLSearchParams(location.search);
  let tokens = readTokens();
  if (params.has('error')) {
    throw new Error(`sign-in failed: ${params.get('error_description') ?? params.get('error')}`);
  }
  if (params.has('code')) {
    const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
      verifier: string;
      state: string;
      returnTo: string;
    } | null;
    sessionStorage.removeItem(PENDING_KEY);
    // Drop ?code= from the address bar whatever happens next: a code is single-use.
    history.replaceState(null, '', `${location.pathname}${pending?.returnTo ?? ''}`);
    if (!pending || pending.state !== params.get('state')) throw new Error('sign-in failed: state mismatch');
    tokens = storeTokens(
      await tokenRequest(config, {
        grant_type: 'authorization_code',
        client_id: config.clientId,
        code: params.get('code') ?? '',
        redirect_uri: config.redirectUri,
        code_verifier: pending.verifier,
      }),
    );
  }
  if (!tokens) return undefined;

  let current: Tokens = tokens;
  let refreshing: Promise<boolean> | undefined;
  const refresh = () => {
    refreshing ??= (async () => {
      if (!current.refreshToken) return false;
      try {
        current = storeTokens(
          await tokenRequest(config, {
            grant_type: 'refresh_token',
            client_id: config.clientId,
            refresh_token: current.refreshToken,
          }),
          current,
        );
        return true;
      } catch {
        sessionStorage.removeItem(TOKENS_KEY);
        return false;
      }
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };
  return {
    mode: 'cognito',
    async headers() {
      // Refresh a minute before the ID token expires, so no request goes out with a dead token.
      if (current.expiresAt - Date.now() < 60_000 && !(await refresh())) {
        await beginCognitoSignIn(config);
      }
      return { authorization: `Bearer ${current.idToken}` };
    },
    recover: refresh,
    signOut() {
      sessionStorage.removeItem(TOKENS_KEY);
      const query = new URLSearchParams({ client_id: config.clientId, logout_uri: config.redirectUri });
      location.assign(`${config.userPoolDomain}/logout?${query}`);
    },
  };
}

export function isCognito(config: ConsoleConfig): config is CognitoConfig {
  return config.mode === 'cognito';
}
