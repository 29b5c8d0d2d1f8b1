import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from '@jest/globals';
import { FileRefreshLease, FileTokenVault } from '../../functions/adapters/local/file-token-vault';
import { XAdminClient } from '../../functions/channels/x/x-admin-client';
import type { TokenResponse, UserTokens, UserTokenVault } from '../../functions/core/x-admin/ports';
import { ReauthorizationRequiredError, XUserTokens } from '../../functions/core/x-admin/user-tokens';
import { type PlatformStandIn, startPlatformStandIn } from '../../functions/local-runtime/platform-stand-in';
import { LOCAL_X_APP_BEARER, LOCAL_X_CLIENT_ID } from '../../functions/local-runtime/x-admin-stand-in';

// Refresh-token rotation against the stand-in's token endpoint, which spends a refresh token on use
// as X does; the grants in 0600 files, one refresher at a time by the lock-file lease.
let standIn: PlatformStandIn;
let endpoint: XAdminClient;
let dir: string;

beforeAll(async () => {
  standIn = await startPlatformStandIn();
  endpoint = new XAdminClient({
    apiBaseUrl: standIn.url,
    bearerToken: async () => LOCAL_X_APP_BEARER,
    clientId: async () => LOCAL_X_CLIENT_ID,
  });
  dir = mkdtempSync(join(tmpdir(), 'socialcare-x-tokens-'));
});

afterAll(async () => {
  await standIn?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A grant as the code flow leaves it, its access token already inside the refresh margin. */
async function staleGrant(vault: FileTokenVault, accountId: string): Promise<UserTokens> {
  const response = await fetch(
    `${standIn.url}/i/oauth2/authorize?response_type=code&client_id=${LOCAL_X_CLIENT_ID}&redirect_uri=http://127.0.0.1:1/cb&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=s&account=${accountId}`,
    { redirect: 'manual' },
  );
  const code = new URL(response.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const granted = await endpoint.exchangeCode({
    code,
    codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    redirectUri: 'http://127.0.0.1:1/cb',
  });
  const tokens = { ...tokensOf(granted), expiresAt: new Date(Date.now() + 60_000).toISOString() };
  await vault.write(accountId, tokens);
  return tokens;
}

const tokensOf = (r: TokenResponse): UserTokens => ({
  accessToken: r.accessToken,
  refreshToken: r.refreshToken,
  expiresAt: new Date(Date.now() + r.expiresInSeconds * 1000).toISOString(),
  obtainedAt: new Date().toISOString(),
});
const refreshCount = () => standIn.xAdmin.tokenCalls.filter((c) => c.grantType === 'refresh_token').length;
const fastSleep = () => new Promise<void>((r) => setTimeout(r, 5));

test('a token close to expiry is refreshed, the new pair stored (0600) before use, the old refresh token dead', async () => {
  const vault = new FileTokenVault(join(dir, 'rotation'));
  const old = await staleGrant(vault, '4000001');
  const tokens = new XUserTokens({ vault, lease: new FileRefreshLease(vault.dir), endpoint });
  const access = await tokens.accessTokenFor('4000001');
  const stored = await vault.read('4000001');
  assert.equal(stored?.accessToken, access);
  assert.notEqual(stored?.refreshToken, old.refreshToken);
  assert.ok(Date.parse(stored?.expiresAt ?? '') > Date.now() + 60 * 60_000);
  assert.equal(statSync(vault.fileOf('4000001')).mode & 0o777, 0o600);
  assert.equal(statSync(vault.dir).mode & 0o777, 0o700);
  // Fresh now: no second refresh.
  const before = refreshCount();
  assert.equal(await tokens.accessTokenFor('4000001'), access);
  assert.equal(refreshCount(), before);
  await assert.rejects(endpoint.refresh(old.refreshToken), /400/);
});

test('two processes refreshing the same account at once spend its refresh token once', async () => {
  const vault = new FileTokenVault(join(dir, 'concurrent'));
  await staleGrant(vault, '4000001');
  // Two refreshers as two processes would be: each its own lease owner, the same files.
  const a = new XUserTokens({ vault, lease: new FileRefreshLease(vault.dir), endpoint, sleep: fastSleep });
  const b = new XUserTokens({ vault, lease: new FileRefreshLease(vault.dir), endpoint, sleep: fastSleep });
  const callsBefore = standIn.xAdmin.tokenCalls.length;
  const results = await Promise.all([a, b, a, b, a, b].map((t) => t.accessTokenFor('4000001')));
  assert.equal(new Set(results).size, 1, 'everyone got the one new token');
  // One refresh, and it succeeded: nobody presented the spent token.
  assert.deepEqual(standIn.xAdmin.tokenCalls.slice(callsBefore), [{ grantType: 'refresh_token', ok: true }]);
});

test('a failed store of the new pair is retried: the only live refresh token is not dropped', async () => {
  const files = new FileTokenVault(join(dir, 'flaky'));
  await staleGrant(files, '4000001');
  let failures = 2;
  const vault: UserTokenVault = {
    read: (id) => files.read(id),
    write: async (id, t) => {
      if (failures-- > 0) throw new Error('Secrets Manager: throttled');
      await files.write(id, t);
    },
  };
  const tokens = new XUserTokens({
    vault,
    lease: new FileRefreshLease(files.dir),
    endpoint,
    sleep: fastSleep,
  });
  const access = await tokens.accessTokenFor('4000001');
  assert.equal((await files.read('4000001'))?.accessToken, access);
  // And the stored refresh token is the live one: it refreshes again.
  await files.write('4000001', { ...(await files.read('4000001'))!, expiresAt: new Date().toISOString() });
  assert.ok(await tokens.accessTokenFor('4000001'));
});

test('a crash between X’s answer and the store: the old grant is intact, the caller gets no unstored token, the loss is paged', async () => {
  const files = new FileTokenVault(join(dir, 'crash'));
  const old = await staleGrant(files, '4000001');
  let clock = Date.now();
  class Crash extends Error {}
  // The process dies in the instant after X answered: the write never happens, the lease is never released.
  const dying = new XUserTokens({
    vault: {
      read: (id) => files.read(id),
      write: async () => {
        throw new Crash('killed');
      },
    },
    lease: {
      acquire: (id, owner, until, now) => new FileRefreshLease(files.dir).acquire(id, owner, until, now),
      release: async () => undefined,
    },
    endpoint,
    storeAttempts: 1,
    now: () => new Date(clock),
  });
  await assert.rejects(dying.accessTokenFor('4000001'));
  // Never half-written: the file still holds the old grant, whole; no temporary file left readable as a grant.
  assert.deepEqual(await files.read('4000001'), old);
  assert.deepEqual(
    readdirSync(files.dir).filter((f) => f.endsWith('.json')),
    ['4000001.json'],
  );

  // Another refresher waits out the dead one's lease, then finds the refresh token spent: it does not
  // fail silently, it asks for re-authorization (a page), once.
  const pages: string[] = [];
  const next = new XUserTokens({
    vault: files,
    lease: new FileRefreshLease(files.dir),
    endpoint,
    now: () => new Date(clock),
    sleep: async () => {
      clock += 10_000;
    },
    onReauthorizationRequired: async (id, reason) => {
      pages.push(`${id}: ${reason}`);
    },
  });
  await assert.rejects(next.accessTokenFor('4000001'), ReauthorizationRequiredError);
  assert.deepEqual(pages, ['4000001: invalid_grant']);
});

test('a torn write cannot happen: a temporary file left by a crash mid-write is never read as the grant', async () => {
  const vault = new FileTokenVault(join(dir, 'torn'));
  const grant = await staleGrant(vault, '4000002');
  writeFileSync(join(vault.dir, '.4000002.dead.tmp'), '{"accessToken":"half');
  assert.deepEqual(await vault.read('4000002'), grant);
});
