import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import {
  AuthorizationDeniedError,
  buildAuthorizeRequest,
  codeChallengeS256,
  newCodeVerifier,
  parseAuthorizationResponse,
} from '../../functions/core/x-admin/pkce';

test('S256 challenge: the test vector of RFC 7636, appendix B', () => {
  assert.equal(
    codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
    'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  );
});

test('verifiers: 43 unreserved characters (RFC 7636 §4.1), a new one each time', () => {
  const verifiers = new Set(Array.from({ length: 50 }, newCodeVerifier));
  assert.equal(verifiers.size, 50);
  for (const v of verifiers) assert.match(v, /^[A-Za-z0-9\-._~]{43}$/);
});

test('the authorize URL carries the code flow, the S256 challenge, the state and the scopes X needs', () => {
  const request = buildAuthorizeRequest({
    authorizeUrl: 'https://x.com/i/oauth2/authorize',
    clientId: 'client-1',
    redirectUri: 'http://127.0.0.1:8765/callback',
  });
  const url = new URL(request.url);
  assert.equal(url.origin + url.pathname, 'https://x.com/i/oauth2/authorize');
  const p = url.searchParams;
  assert.equal(p.get('response_type'), 'code');
  assert.equal(p.get('client_id'), 'client-1');
  assert.equal(p.get('redirect_uri'), 'http://127.0.0.1:8765/callback');
  assert.equal(p.get('code_challenge_method'), 'S256');
  assert.equal(p.get('code_challenge'), codeChallengeS256(request.codeVerifier));
  assert.equal(p.get('state'), request.state);
  const scopes = (p.get('scope') ?? '').split(' ');
  for (const scope of ['tweet.read', 'dm.read', 'users.read', 'offline.access'])
    assert.ok(scopes.includes(scope), scope);
});

test('the redirect: a whole URL, a query or a bare code; a wrong state or an error is refused', () => {
  const table: Array<[string, string | RegExp]> = [
    ['http://127.0.0.1:8765/callback?state=s1&code=abc', 'abc'],
    ['state=s1&code=abc', 'abc'],
    ['  abc  ', 'abc'],
    ['http://127.0.0.1:8765/callback?code=abc', 'abc'],
    ['http://127.0.0.1:8765/callback?state=other&code=abc', /state does not match/],
    ['http://127.0.0.1:8765/callback?error=access_denied&state=s1', /access_denied/],
    ['http://127.0.0.1:8765/callback?state=s1', /no code/],
    ['', /no authorization code/],
  ];
  for (const [input, expected] of table) {
    if (typeof expected === 'string') assert.equal(parseAuthorizationResponse(input, 's1'), expected, input);
    else
      assert.throws(
        () => parseAuthorizationResponse(input, 's1'),
        (error: Error) => error instanceof AuthorizationDeniedError && expected.test(error.message),
        input,
      );
  }
});
