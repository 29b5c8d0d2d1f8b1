import assert from 'node:assert/strict';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, test } from '@jest/globals';
import { XAdminClient } from '../../functions/channels/x/x-admin-client';
import { authorizeXAccount } from '../../functions/cli/x-command';
import { xAccountsOf } from '../../functions/core/x-admin/accounts';
import { removeXSetup, runXSetup } from '../../functions/core/x-admin/setup';
import { freePort } from '../../functions/local-runtime/free-port';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { LOCAL_X_APP_BEARER, LOCAL_X_CLIENT_ID } from '../../functions/local-runtime/x-admin-stand-in';
import { demoConfig, fixture } from '../helpers';
import { API_TOKEN, api, waitFor, X_SECRET } from './support';

// The whole X admin path against the running local system: the stand-in plays X (CRC calls back to
// /webhooks/x, replays signed with the consumer secret), the health check runs on its own timer.
let system: LocalSystem;
let doc: DynamoDBDocumentClient;
let xApi: XAdminClient;
const accounts = xAccountsOf(demoConfig());

beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: demoConfig(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
    visibilityTimeoutSeconds: 1,
    xWebhookCheckIntervalMs: 200,
  });
  doc = DynamoDBDocumentClient.from(system.dynamo.client);
  xApi = new XAdminClient({
    apiBaseUrl: system.xApiBaseUrl,
    bearerToken: async () => LOCAL_X_APP_BEARER,
    clientId: async () => LOCAL_X_CLIENT_ID,
  });
});

afterAll(async () => {
  await system?.stop();
});

const xStandIn = () => system.standIn.xAdmin;
const getItem = async (PK: string, SK: string) =>
  (await doc.send(new GetCommand({ TableName: system.dynamo.tableName, Key: { PK, SK } }))).Item;
const messagesOf = async (caseId: string) =>
  (
    await doc.send(
      new QueryCommand({
        TableName: system.dynamo.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
        ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':m': 'MSG#' },
      }),
    )
  ).Items ?? [];

/** The official AAA mention shape, as another post by another customer. */
function mention(tweetId: string, customerId: string): string {
  const body = JSON.parse(fixture('x/mention.json'));
  const tweet = body.tweet_create_events[0];
  tweet.id = Number(tweetId);
  tweet.id_str = tweetId;
  tweet.user.id = Number(customerId);
  tweet.user.id_str = customerId;
  return JSON.stringify(body);
}

async function authorize(accountId: string) {
  const port = await freePort();
  return authorizeXAccount({
    accountId,
    clientId: LOCAL_X_CLIENT_ID,
    apiBaseUrl: system.xApiBaseUrl,
    redirectUri: `http://127.0.0.1:${port}/callback`,
    endpoint: xApi,
    tokens: system.xUserTokens,
    // The account's owner opens the URL: the stand-in approves and redirects to the loopback listener.
    show: (text) => {
      const url = /(http\S+\/i\/oauth2\/authorize\S+)/.exec(text)?.[1];
      assert.ok(url, 'the authorize URL is printed');
      void fetch(url).then((r) => r.arrayBuffer());
    },
    timeoutMs: 15_000,
  });
}

async function xPages() {
  const { body } = await api(system.url, '/api/pages?limit=100');
  return (body.pages as Array<{ kind: string; title: string; text: string }>).filter(
    (p) => p.kind === 'x_webhook',
  );
}

test('authorize: the PKCE code flow through the loopback listener stores a grant per account', async () => {
  for (const account of accounts) {
    const grant = await authorize(account.id);
    assert.match(grant.accessToken, new RegExp(`^local-oauth2-access-${account.id}-`));
    assert.ok(Date.parse(grant.expiresAt) > Date.now() + 60 * 60_000);
  }
  assert.equal(xStandIn().tokenCalls.filter((c) => c.grantType === 'authorization_code' && c.ok).length, 2);
});

test('setup registers the webhook (CRC answered by /webhooks/x) and subscribes each account; twice creates nothing new', async () => {
  const deps = {
    api: xApi,
    webhookUrl: system.xWebhookUrl,
    accounts,
    userAccessToken: (id: string) => system.xUserTokens.accessTokenFor(id),
  };
  const first = await runXSetup(deps);
  assert.equal(first.webhookCreated, true);
  assert.equal(first.webhook.valid, true);
  assert.deepEqual(first.failed, []);
  // Five events for each of the two accounts, and oauth.revoke for the app.
  assert.equal(first.created.length, 11);
  const forCare = first.created
    .filter((s) => s.userId === '4000001')
    .map((s) => s.eventType)
    .sort();
  assert.deepEqual(forCare, [
    'dm.received',
    'dm.sent',
    'post.mention.create',
    'post.quote.create',
    'post.reply.create',
  ]);
  assert.ok(first.created.some((s) => s.eventType === 'oauth.revoke' && s.userId === undefined));

  const second = await runXSetup(deps);
  assert.equal(second.webhookCreated, false);
  assert.equal(second.created.length, 0);
  assert.equal(second.existing.length, 11);
  assert.equal(xStandIn().webhooks().length, 1);
  assert.equal(xStandIn().subscriptions().length, 11);
  assert.ok(
    xStandIn()
      .subscriptions()
      .every((s) => s.webhook_id === first.webhook.id),
  );
});

test('X marks the webhook invalid: the timer re-validates it and replays the outage; each post stays one message', async () => {
  const webhookId = xStandIn().webhooks()[0]?.id as string;
  assert.equal(await xStandIn().deliver(mention('1870000000000000001', '3100000001')), 1);
  await waitFor('the first case', () => getItem('CASE#x-1870000000000000001', 'CASE'));
  // The check has seen the webhook valid: it knows where an outage would start.
  await waitFor('the health state', async () => (await getItem('XWEBHOOK#health', 'STATE'))?.lastGoodAt);
  const replaysBefore = xStandIn().replays.length;

  xStandIn().invalidateWebhook(webhookId);
  const missedAt = Date.now();
  assert.equal(
    await xStandIn().deliver(mention('1870000000000000002', '3100000002')),
    0,
    'not delivered: invalid',
  );

  await waitFor('the replay', async () => xStandIn().replays.length > replaysBefore || undefined, 20_000);
  await xStandIn().replaysDone();
  const replay = xStandIn().replays.at(-1);
  assert.equal(replay?.webhookId, webhookId);
  assert.ok(xStandIn().webhooks()[0]?.valid, 're-validated by PUT /2/webhooks/{id}');
  // From the last minute the webhook was known good, to now (yyyymmddhhmm, UTC).
  const minute = (ms: number) => new Date(ms).toISOString().replace(/[-T:]/g, '').slice(0, 12);
  assert.ok((replay?.fromDate ?? '') <= minute(missedAt) && (replay?.toDate ?? '') >= minute(missedAt));
  const missed = await waitFor('the missed mention as a case', () =>
    getItem('CASE#x-1870000000000000002', 'CASE'),
  );
  assert.equal(missed.brandId, 'demoair');
  // The replay re-delivered the first mention too: still one message.
  await system.drained();
  assert.equal((await messagesOf('x-1870000000000000001')).length, 1);
  assert.equal((await messagesOf('x-1870000000000000002')).length, 1);
  const state = await getItem('XWEBHOOK#health', 'STATE');
  assert.equal(state?.outageSince, undefined, 'the outage is settled');
  assert.equal(state?.lastReplayJobId, replay?.jobId);
});

test('a re-validation that fails pages on-call once; a later run recovers and replays', async () => {
  const webhookId = xStandIn().webhooks()[0]?.id as string;
  const replaysBefore = xStandIn().replays.length;
  xStandIn().failCrc(3);
  xStandIn().invalidateWebhook(webhookId);
  const page = await waitFor('the page', async () =>
    (await xPages()).find((p) => p.title.includes('could not be re-validated')),
  );
  assert.match(page.text, /CRC/);
  await waitFor('the recovery', async () => xStandIn().replays.length > replaysBefore || undefined, 20_000);
  // Three failed runs, one page (its id names the outage).
  assert.equal((await xPages()).filter((p) => p.title.includes('could not be re-validated')).length, 1);
});

test('a replay that fails pages on-call; the outage stays owed and is replayed by the next run', async () => {
  const webhookId = xStandIn().webhooks()[0]?.id as string;
  const replaysBefore = xStandIn().replays.length;
  xStandIn().failReplay(503);
  xStandIn().invalidateWebhook(webhookId);
  assert.equal(await xStandIn().deliver(mention('1870000000000000003', '3100000003')), 0);
  await waitFor('the page', async () =>
    (await xPages()).find((p) => p.title.includes('could not be replayed')),
  );
  await waitFor('the replay', async () => xStandIn().replays.length > replaysBefore || undefined, 20_000);
  await xStandIn().replaysDone();
  await waitFor('the missed mention as a case', () => getItem('CASE#x-1870000000000000003', 'CASE'));
});

test('tokens: five concurrent callers of an expiring token cause one refresh; the spent refresh token is refused', async () => {
  xStandIn().setAccessTokenLifetime(60);
  const stale = await authorize('4000001');
  xStandIn().setAccessTokenLifetime(7200);
  const refreshesBefore = xStandIn().tokenCalls.filter((c) => c.grantType === 'refresh_token').length;
  const tokens = await Promise.all(
    Array.from({ length: 5 }, () => system.xUserTokens.accessTokenFor('4000001')),
  );
  assert.equal(new Set(tokens).size, 1);
  assert.notEqual(tokens[0], stale.accessToken);
  const refreshes = xStandIn().tokenCalls.filter((c) => c.grantType === 'refresh_token');
  assert.equal(refreshes.length - refreshesBefore, 1, 'the lease let one refresher through');
  const reused = await xApi.refresh(stale.refreshToken).then(
    () => 'accepted',
    (error: Error) => error.message,
  );
  assert.match(reused, /400/, 'X rotated it: the old refresh token is dead');
});

test('remove deletes our subscriptions and, asked to, the webhook', async () => {
  const removed = await removeXSetup(
    { api: xApi, webhookUrl: system.xWebhookUrl, accounts },
    { webhook: true },
  );
  assert.deepEqual(removed, { deletedSubscriptions: 11, deletedWebhook: true });
  assert.equal(xStandIn().subscriptions().length, 0);
  assert.equal(xStandIn().webhooks().length, 0);
});
