import { createHash, randomBytes } from 'node:crypto';

/**
 * OAuth 2.0 with PKCE (RFC 7636), as X's authorization code flow wants it: S256 only (X also takes
 * `plain`, which protects nothing).
 */
export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** 32 random octets, base64url: 43 characters from the unreserved set RFC 7636 §4.1 allows. */
export function newCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

export function newState(): string {
  return randomBytes(16).toString('base64url');
}

/** What a brand account must grant: read its posts and DMs (XAA private events), reply, stay connected. */
export const X_USER_SCOPES = [
  'tweet.read',
  'tweet.write',
  'users.read',
  'dm.read',
  'dm.write',
  'offline.access',
] as const;

export interface AuthorizeRequest {
  url: string;
  state: string;
  codeVerifier: string;
  redirectUri: string;
}

/** The URL the account's owner opens (X: https://x.com/i/oauth2/authorize). */
export function buildAuthorizeRequest(input: {
  authorizeUrl: string;
  clientId: string;
  redirectUri: string;
  scopes?: readonly string[];
  codeVerifier?: string;
  state?: string;
  /** Extra query parameters (the local stand-in's `account`). */
  extra?: Record<string, string>;
}): AuthorizeRequest {
  const codeVerifier = input.codeVerifier ?? newCodeVerifier();
  const state = input.state ?? newState();
  const url = new URL(input.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('scope', (input.scopes ?? X_USER_SCOPES).join(' '));
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', codeChallengeS256(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  for (const [key, value] of Object.entries(input.extra ?? {})) url.searchParams.set(key, value);
  return { url: url.toString(), state, codeVerifier, redirectUri: input.redirectUri };
}

export class AuthorizationDeniedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthorizationDeniedError';
  }
}

/**
 * Reads the code from what X redirected to: a whole redirect URL, its query string, or the bare code
 * pasted by hand. The state must match when X sent one back (a CSRF guard, RFC 6749 §10.12).
 */
export function parseAuthorizationResponse(input: string, expectedState: string): string {
  const text = input.trim();
  const query = text.includes('?') ? text.slice(text.indexOf('?') + 1) : text.includes('=') ? text : '';
  if (!query) {
    if (!text) throw new AuthorizationDeniedError('no authorization code given');
    return text;
  }
  const params = new URLSearchParams(query);
  const error = params.get('error');
  if (error) throw new AuthorizationDeniedError(`X answered ${error}: the account did not authorize the app`);
  const state = params.get('state');
  if (state !== null && state !== expectedState)
    throw new AuthorizationDeniedError('the state does not match this authorization: start again');
  const code = params.get('code');
  if (!code) throw new AuthorizationDeniedError('the redirect carries no code');
  return code;
}
