import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, test } from '@jest/globals';
import { answerXCrc } from '../../functions/channels/x/signature';
import { XAdminClient } from '../../functions/channels/x/x-admin-client';
import type { UserTokens } from '../../functions/core/x-admin/ports';
import { type PlatformStandIn, startPlatformStandIn } from '../../functions/local-runtime/platform-stand-in';
import { LOCAL_X_APP_BEARER, LOCAL_X_CLIENT_ID } from '../../functions/local-runtime/x-admin-stand-in';
import { runXAdminAction, xAdminDeps } from '../../functions/x-webhook-admin/x-admin-action';
import { InMemoryPageStore, InMemoryWebhookHealthStore, RecordingPager } from '../fakes/in-memory';
import { demoConfig } from '../helpers';

// The admin function's actions as the deployed function runs them (its handler only adds AWS adapters),
// against the stand-in: a CRC endpoint stands for /webhooks/x.
const SECRET = 'admin-test-secret';
let standIn: PlatformStandIn;
let crcServer: Server;
let webhookUrl: string;

beforeAll(async () => {
  standIn = await startPlatformStandIn({ xConsumerSecret: SECRET });
  crcServer = createServer((request, response) => {
    const token = new URL(request.url ?? '/', 'http://x').searchParams.get('crc_token') ?? '';
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answerXCrc(SECRET, token)));
  });
  await new Promise<void>((r) => crcServer.listen(0, '127.0.0.1', () => r()));
  webhookUrl = `http://127.0.0.1:${(crcServer.address() as AddressInfo).port}/webhooks/x`;
});

afterAll(async () => {
  await standIn?.stop();
  await new Promise<void>((r) => crcServer.close(() => r()));
});

function deps(grants: Map<string, UserTokens>, config = demoConfig()) {
  const api = new XAdminClient({
    apiBaseUrl: standIn.url,
    bearerToken: async () => LOCAL_X_APP_BEARER,
    clientId: async () => LOCAL_X_CLIENT_ID,
  });
  const pages = new InMemoryPageStore();
  const built = xAdminDeps({
    config,
    api,
    webhookUrl,
    vault: {
      read: async (id) => grants.get(id),
      write: async (id, t) => {
        grants.set(id, t);
      },
    },
    lease: { acquire: async () => true, release: async () => undefined },
    healthStore: new InMemoryWebhookHealthStore(),
    paging: { pages, pager: new RecordingPager() },
  });
  return { built, pages, api };
}

async function grantAll(api: XAdminClient, grants: Map<string, UserTokens>) {
  // Grants as `socialcare x authorize --aws` leaves them in the secrets.
  for (const id of ['4000001', '4000002']) {
    const location = (
      await fetch(
        `${standIn.url}/i/oauth2/authorize?response_type=code&redirect_uri=http://127.0.0.1:1/cb&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&account=${id}`,
        { redirect: 'manual' },
      )
    ).headers.get('location');
    const granted = await api.exchangeCode({
      code: new URL(location ?? '').searchParams.get('code') ?? '',
      codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      redirectUri: 'http://127.0.0.1:1/cb',
    });
    grants.set(id, {
      accessToken: granted.accessToken,
      refreshToken: granted.refreshToken,
      expiresAt: new Date(Date.now() + 7_200_000).toISOString(),
      obtainedAt: new Date().toISOString(),
    });
  }
}

test('setup, subscriptions, health and remove, as the function runs them; unknown actions are refused', async () => {
  const grants = new Map<string, UserTokens>();
  const { built, api } = deps(grants);
  await grantAll(api, grants);
  const setup = (await runXAdminAction(built, 'setup')) as { created: unknown[]; failed: unknown[] };
  assert.equal(setup.created.length, 11);
  assert.deepEqual(setup.failed, []);
  const listing = (await runXAdminAction(built, 'subscriptions')) as { subscriptions: unknown[] };
  assert.equal(listing.subscriptions.length, 11);
  const health = (await runXAdminAction(built, 'health')) as { outcome: string; grants: unknown };
  assert.equal(health.outcome, 'healthy');
  // Each run also keeps every grant fresh (refreshed ten minutes before expiry).
  assert.deepEqual(health.grants, { '4000001': 'fresh', '4000002': 'fresh' });
  assert.deepEqual(await runXAdminAction(built, 'remove', { webhook: true }), {
    deletedSubscriptions: 11,
    deletedWebhook: true,
  });
  await assert.rejects(runXAdminAction(built, 'nope' as 'setup'), /unknown action "nope"/);
});

test('an account that polls gets no subscriptions; ours it had from the webhook days are deleted', async () => {
  const grants = new Map<string, UserTokens>();
  const { built, api } = deps(grants);
  await grantAll(api, grants);
  assert.equal(((await runXAdminAction(built, 'setup')) as { created: unknown[] }).created.length, 11);
  const polling = demoConfig();
  for (const brand of polling.brands)
    for (const account of brand.accounts) if (account.id === '4000002') account.receive = 'poll';
  const switched = deps(grants, polling).built;
  const report = (await runXAdminAction(switched, 'setup')) as {
    created: unknown[];
    existing: unknown[];
    polled: string[];
    removed: Array<{ userId?: string }>;
  };
  assert.deepEqual(report.polled, ['4000002']);
  assert.equal(report.removed.length, 5);
  assert.ok(report.removed.every((s) => s.userId === '4000002'));
  assert.equal(report.created.length, 0);
  assert.equal(report.existing.length, 6, "4000001's five and the app's oauth.revoke");
  const listing = (await runXAdminAction(switched, 'subscriptions')) as {
    subscriptions: Array<{ userId?: string }>;
  };
  assert.equal(listing.subscriptions.length, 6);
  assert.ok(listing.subscriptions.every((s) => s.userId !== '4000002'));
  await runXAdminAction(switched, 'remove', { webhook: true });
});

test('a grant X refuses pages on-call to re-authorize the account, naming the command', async () => {
  const grants = new Map<string, UserTokens>([
    [
      '4000002',
      {
        accessToken: 'old',
        refreshToken: 'revoked-by-the-user',
        expiresAt: new Date(Date.now() - 1000).toISOString(),
        obtainedAt: new Date().toISOString(),
      },
    ],
  ]);
  const { built, pages } = deps(grants);
  await assert.rejects(built.tokens.accessTokenFor('4000002'), /socialcare x authorize --account 4000002/);
  // The scheduled run finds it too, and reports the account never authorized apart.
  const health = (await runXAdminAction(built, 'health')) as { grants: unknown };
  assert.deepEqual(health.grants, { '4000001': 'not_authorized', '4000002': 'reauthorization_required' });
  const [page] = [...pages.records.values()];
  assert.equal(page?.kind, 'x_authorization');
  assert.equal(page?.brandId, 'demoair');
  assert.match(page?.title ?? '', /@DemoAirFares must be authorized again/);
  assert.match(page?.text ?? '', /socialcare x authorize --account 4000002/);
});
