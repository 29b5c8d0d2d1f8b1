import { createServer } from 'node:http';
import { X_API_BASE_URL, xAuthorizeUrl } from '../channels/x/x-admin-client';
import {
  AuthorizationDeniedError,
  buildAuthorizeRequest,
  parseAuthorizationResponse,
} from '../core/x-admin/pkce';
import type { UserTokens, XTokenEndpoint } from '../core/x-admin/ports';
import type { XSetupReport } from '../core/x-admin/setup';
import type { XUserTokens } from '../core/x-admin/user-tokens';

/** The loopback redirect the X app must list as a callback URL (X: User authentication settings). */
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1:8765/callback';

/**
 * Waits for X's redirect on a loopback address (RFC 8252 §7.3) and answers the browser. Resolves to
 * the whole redirect URL; only the redirect's own path is taken.
 */
export function listenForRedirect(
  redirectUri: string,
  timeoutMs: number,
): {
  ready: Promise<void>;
  redirect: Promise<string>;
  close(): void;
} {
  const target = new URL(redirectUri);
  if (target.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname))
    throw new Error(
      `the redirect URI must be a loopback http URL to listen on, not ${redirectUri}: use --paste`,
    );
  let resolveRedirect: (url: string) => void = () => {};
  let rejectRedirect: (error: Error) => void = () => {};
  const redirect = new Promise<string>((resolve, reject) => {
    resolveRedirect = resolve;
    rejectRedirect = reject;
  });
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', redirectUri);
    if (url.pathname !== target.pathname) {
      response.writeHead(404).end();
      return;
    }
    const failed = url.searchParams.has('error');
    response.writeHead(failed ? 400 : 200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(
      failed
        ? 'socialcare: X did not authorize the app. You may close this tab.'
        : 'socialcare: authorized. You may close this tab and return to the terminal.',
    );
    resolveRedirect(url.toString());
  });
  const timer = setTimeout(
    () => rejectRedirect(new Error(`no redirect from X within ${Math.round(timeoutMs / 1000)} s`)),
    timeoutMs,
  );
  const close = () => {
    clearTimeout(timer);
    server.close();
    server.closeAllConnections();
  };
  const ready = new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(target.port || 80), target.hostname.replace(/^\[|\]$/g, ''), () => resolve());
  });
  return { ready, redirect, close };
}

/**
 * `socialcare x authorize --account ID`: the OAuth 2.0 authorization code flow with PKCE for one brand
 * account. Prints the URL to open (signed in as that account), takes X's redirect on the loopback
 * listener or as pasted text, exchanges the code at /2/oauth2/token and stores the grant.
 */
export async function authorizeXAccount(input: {
  accountId: string;
  clientId: string;
  apiBaseUrl: string;
  redirectUri: string;
  endpoint: XTokenEndpoint;
  tokens: XUserTokens;
  show: (text: string) => void;
  /** Reads the pasted redirect URL (or code) instead of listening. */
  paste?: () => Promise<string>;
  timeoutMs?: number;
}): Promise<UserTokens> {
  const request = buildAuthorizeRequest({
    authorizeUrl: xAuthorizeUrl(input.apiBaseUrl),
    clientId: input.clientId,
    redirectUri: input.redirectUri,
    // The stand-in has no login page: it is told who authorizes.
    ...(input.apiBaseUrl !== X_API_BASE_URL ? { extra: { account: input.accountId } } : {}),
  });
  let answer: string;
  if (input.paste) {
    input.show(
      `Open this URL signed in to X as account ${input.accountId}, authorize, then paste the address X sent you to (or its code):\n\n  ${request.url}\n`,
    );
    answer = await input.paste();
  } else {
    const listener = listenForRedirect(input.redirectUri, input.timeoutMs ?? 5 * 60_000);
    try {
      await listener.ready;
      input.show(
        `Open this URL signed in to X as account ${input.accountId} and authorize; waiting for X on ${input.redirectUri}:\n\n  ${request.url}\n`,
      );
      answer = await listener.redirect;
    } finally {
      listener.close();
    }
  }
  const code = parseAuthorizationResponse(answer, request.state);
  const response = await input.endpoint.exchangeCode({
    code,
    codeVerifier: request.codeVerifier,
    redirectUri: request.redirectUri,
  });
  return input.tokens.storeAuthorization(input.accountId, response);
}

export { AuthorizationDeniedError };

export function formatSetupReport(report: XSetupReport): string {
  const lines = [
    `webhook ${report.webhook.id} ${report.webhook.url}: ${report.webhookCreated ? 'registered now' : 'already registered'}${report.webhookRevalidated ? ', re-validated' : ''} (${report.webhook.valid ? 'valid' : 'INVALID'})`,
    `subscriptions: ${report.created.length} created, ${report.existing.length} already there, ${report.failed.length} failed`,
    ...report.created.map(
      (s) => `  + ${s.eventType}${s.userId ? ` for ${s.userId}` : ''} (${s.subscriptionId})`,
    ),
    ...report.failed.map((f) => `  ! ${f.eventType} for ${f.accountId}: ${f.reason}`),
    ...(report.polled.length
      ? [
          `polling (no subscriptions): ${report.polled.join(', ')}${report.removed.length ? `; ${report.removed.length} earlier subscriptions of theirs deleted` : ''}`,
        ]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}
