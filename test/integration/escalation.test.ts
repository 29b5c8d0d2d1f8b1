import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from '@jest/globals';
import { signAckToken } from '../../functions/channels/oncall/ack-token';
import { SLACK_ACK_ACTION } from '../../functions/channels/oncall/page-ack-api';
import { pagerDutySignature } from '../../functions/channels/oncall/pagerduty-signature';
import { slackSignature } from '../../functions/channels/oncall/slack-signature';
import type { Page, PageRecord } from '../../functions/core/paging';
import {
  LOCAL_PAGERDUTY_ROUTING_KEY,
  LOCAL_PAGERDUTY_WEBHOOK_SECRET,
  LOCAL_SLACK_SIGNING_SECRET,
  type LocalSystem,
  startLocalSystem,
} from '../../functions/local-runtime/runtime';
import { mention } from '../e2e/support';
import { twoBrandConfig } from '../helpers';
import { API_TOKEN, postX, waitFor, X_SECRET } from './support';

// Escalation chains against the running local system: a risky post pages the team lead, nobody
// acknowledges, the page climbs two levels on the monitor (overlapping monitors climb once), stops at
// an acknowledgement from the console, and resolving the case sends the PagerDuty stand-in a resolve
// with the page's dedup_key. Slack and PagerDuty acknowledge through their signed requests; a bad
// signature, an expired or foreign link, and an agent of another brand are refused.

const ACK_KEY = 'integration-ack-link-key';
let system: LocalSystem;
const pages: Page[] = [];
type Body = Record<string, unknown>;

async function call(method: string, path: string, token = API_TOKEN, body?: unknown) {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

beforeAll(async () => {
  const config = twoBrandConfig();
  config.brands[0]!.escalation = {
    critical: [
      { name: 'team lead', targets: ['slack', 'pagerduty'], escalateAfter: '10m' },
      { name: 'duty manager', targets: ['email', 'pagerduty'], escalateAfter: '10m' },
      { name: 'head of care', targets: ['sms', 'email', 'pagerduty'], escalateAfter: '30m' },
      { name: 'director', targets: ['sms'] },
    ],
  };
  system = await startLocalSystem({
    brandConfig: config,
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
    ackLinkKey: ACK_KEY,
    slaIntervalMs: 3_600_000, // runs are driven by the test
    onPage: (page) => pages.push(page),
  });
});
afterAll(() => system?.stop());

/** A risky post to DemoAir: a critical page at once. Returns the page as it reached the topic. */
async function riskyCase(id: string, author: string): Promise<Page> {
  const text = '@DemoAir a passenger was injured by the trolley and nobody helped. Calling my lawyer.';
  assert.equal(
    (await postX(system.url, mention({ id, author, handle: `c${author}`, name: 'C', text }))).status,
    200,
  );
  const page = await waitFor('the risk page', async () => pages.find((p) => p.caseId === `x-${id}`));
  await waitFor('the case', () => system.store.getCase(`x-${id}`));
  return page;
}

const pagesOf = (pageId: string) => pages.filter((p) => p.pageId === pageId);
const listed = async (pageId: string) =>
  ((await call('GET', '/api/pages?brand=demoair')).body.pages as PageRecord[]).find(
    (p) => p.pageId === pageId,
  );

test('a page climbs two levels when nobody acknowledges, stops at acknowledgement, and resolving the case resolves the PagerDuty incident', async () => {
  const first = await riskyCase('1900000000000000001', '9001');
  assert.equal(first.level, 1);
  assert.equal(first.levelName, 'team lead');
  assert.deepEqual(first.targets, ['slack', 'pagerduty']);
  // The page carries its signed acknowledgement link; the link names nobody.
  assert.match(first.ackUrl!, new RegExp(`^${system.url}/pages/ack\\?t=[\\w-]+\\.[\\w-]+$`));
  assert.doesNotMatch(
    Buffer.from(first.ackToken!.split('.')[0]!, 'base64url').toString(),
    /c9001|lawyer|injured/,
  );
  await waitFor('the PagerDuty trigger', async () =>
    system.standIn.pagerDuty.events.find((e) => e.dedup_key === first.pageId && e.event_action === 'trigger'),
  );
  assert.equal(system.standIn.pagerDuty.events[0]!.routing_key, LOCAL_PAGERDUTY_ROUTING_KEY);

  const created = Date.parse(first.createdAt);
  const at = (minutes: number) => new Date(created + minutes * 60_000);
  // Not yet due: nothing climbs.
  await system.runSlaMonitor(at(5));
  // Overlapping monitors: the conditional write lets one of them climb.
  await Promise.all([
    system.runSlaMonitor(at(11)),
    system.runSlaMonitor(at(11)),
    system.runSlaMonitor(at(12)),
  ]);
  await waitFor('level 2', async () => pagesOf(first.pageId).some((p) => p.level === 2) || undefined);
  await Promise.all([system.runSlaMonitor(at(22)), system.runSlaMonitor(at(22))]);
  await waitFor('level 3', async () => pagesOf(first.pageId).some((p) => p.level === 3) || undefined);
  assert.deepEqual(
    pagesOf(first.pageId).map((p) => [p.level, p.levelName, p.targets]),
    [
      [1, 'team lead', ['slack', 'pagerduty']],
      [2, 'duty manager', ['email', 'pagerduty']],
      [3, 'head of care', ['sms', 'email', 'pagerduty']],
    ],
  );
  assert.match(pagesOf(first.pageId)[2]!.text, /Acknowledge \(level 3 of 4: head of care\): http/);

  // Acknowledged from the console: the chain stops climbing, the pages list says who and when.
  const ack = await call('POST', `/api/pages/${encodeURIComponent(first.pageId)}/ack`);
  assert.equal(ack.status, 200, JSON.stringify(ack.body));
  assert.equal(ack.body.outcome, 'acknowledged');
  const again = await call('POST', `/api/pages/${encodeURIComponent(first.pageId)}/ack`);
  assert.equal(again.body.outcome, 'already');
  await system.runSlaMonitor(at(60));
  await system.runSlaMonitor(at(120));
  const row = await listed(first.pageId);
  assert.equal(row?.level, 3);
  assert.equal(row?.levelName, 'head of care');
  assert.equal(row?.acknowledgedVia, 'console');
  assert.ok(row?.acknowledgedBy && row.acknowledgedByName);
  assert.ok(row?.acknowledgedAt);
  // The acknowledgement is on the case's audit trail.
  const detail = (await call('GET', `/api/cases/x-1900000000000000001`)).body;
  const audit = detail.audit as Array<{ action: string; target?: string; detail?: Body }>;
  assert.deepEqual(
    audit.filter((e) => e.action === 'page_ack').map((e) => [e.target, e.detail?.via, e.detail?.level]),
    [[first.pageId, 'console', 3]],
  );

  // Resolving the case resolves the PagerDuty incident (same dedup_key) and stops the chain.
  const careCase = detail.case as { version: number };
  const resolved = await call('POST', '/api/cases/x-1900000000000000001/resolve', undefined, {
    version: careCase.version,
  });
  assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
  await waitFor('the PagerDuty resolve', async () =>
    system.standIn.pagerDuty.events.find((e) => e.dedup_key === first.pageId && e.event_action === 'resolve'),
  );
  assert.equal(system.standIn.pagerDuty.incidentStatus(first.pageId), 'resolved');
  assert.equal((await listed(first.pageId))?.stopReason, 'resolved');
  // Nothing was paged after the acknowledgement: three levels, one resolve.
  await system.runSlaMonitor(at(240));
  assert.equal(pagesOf(first.pageId).length, 3);
  assert.equal(
    system.standIn.pagerDuty.events.filter(
      (e) => e.dedup_key === first.pageId && e.event_action === 'resolve',
    ).length,
    1,
  );
});

test('an answer stops the chain before it climbs; a link acknowledges once, an expired or foreign link is refused', async () => {
  const page = await riskyCase('1900000000000000002', '9002');
  // The link's GET acknowledges nothing (mail scanners fetch links); its POST does.
  const shown = await fetch(page.ackUrl!);
  assert.equal(shown.status, 200);
  const form = await shown.text();
  assert.match(form, /<form method="post"/);
  assert.doesNotMatch(form, /lawyer|c9002|injured/);
  assert.equal((await listed(page.pageId))?.acknowledgedAt, undefined);

  const token = new URL(page.ackUrl!).searchParams.get('t')!;
  const expired = signAckToken(ACK_KEY, page.pageId, new Date(Date.now() - 2 * 86_400_000));
  const foreign = signAckToken('another-deployment-key', page.pageId, new Date());
  for (const bad of [expired, foreign, `${token}x`]) {
    const refused = await fetch(`${system.url}/pages/ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ t: bad }).toString(),
    });
    assert.equal(refused.status, 403);
  }
  assert.equal((await listed(page.pageId))?.acknowledgedAt, undefined);

  const ok = await fetch(`${system.url}/pages/ack`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ t: token }).toString(),
  });
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /acknowledged/);
  assert.equal((await listed(page.pageId))?.acknowledgedVia, 'link');

  // An agent's answer stops another chain before its first climb.
  const other = await riskyCase('1900000000000000003', '9003');
  const careCase = (await call('GET', '/api/cases/x-1900000000000000003')).body.case as { version: number };
  const replied = await call('POST', '/api/cases/x-1900000000000000003/reply', undefined, {
    version: careCase.version,
    text: 'We are so sorry. Please send us a DM so we can help.',
    visibility: 'public',
    requestId: 'esc-reply-0001',
  });
  assert.equal(replied.status, 202, JSON.stringify(replied.body));
  await waitFor('the resolve of the answered case', async () =>
    system.standIn.pagerDuty.events.find((e) => e.dedup_key === other.pageId && e.event_action === 'resolve'),
  );
  await system.runSlaMonitor(new Date(Date.parse(other.createdAt) + 15 * 60_000));
  assert.deepEqual(
    pagesOf(other.pageId).map((p) => p.level),
    [1],
  );
  assert.equal((await listed(other.pageId))?.stopReason, 'answered');
});

test('Slack and PagerDuty acknowledge through their signed requests; a bad signature is 401 with nothing stored', async () => {
  const slackPage = await riskyCase('1900000000000000004', '9004');
  const body = `payload=${encodeURIComponent(
    JSON.stringify({
      type: 'block_actions',
      user: { id: 'U0SLACK1', username: 'jo.lead' },
      actions: [{ action_id: SLACK_ACK_ACTION, value: slackPage.ackToken }],
    }),
  )}`;
  const slack = (signature: string, timestamp: number) =>
    fetch(`${system.url}/webhooks/slack/actions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signature,
      },
      body,
    });
  const now = Math.floor(Date.now() / 1000);
  assert.equal((await slack(slackSignature('wrong-secret', String(now), body), now)).status, 401);
  // Right secret, but older than five minutes: a replay.
  const old = now - 6 * 60;
  assert.equal((await slack(slackSignature(LOCAL_SLACK_SIGNING_SECRET, String(old), body), old)).status, 401);
  assert.equal((await listed(slackPage.pageId))?.acknowledgedAt, undefined);
  const accepted = await slack(slackSignature(LOCAL_SLACK_SIGNING_SECRET, String(now), body), now);
  assert.equal(accepted.status, 200);
  const slackRow = await listed(slackPage.pageId);
  assert.equal(slackRow?.acknowledgedBy, 'slack:U0SLACK1');
  assert.equal(slackRow?.acknowledgedByName, 'jo.lead');
  assert.equal(slackRow?.acknowledgedVia, 'slack');

  const pdPage = await riskyCase('1900000000000000005', '9005');
  const webhook = JSON.stringify({
    event: {
      id: '5ac64822-4adc-4fda-ade0-410becf0de4f',
      event_type: 'incident.acknowledged',
      resource_type: 'incident',
      occurred_at: new Date().toISOString(),
      agent: { id: 'PLH1HKV', summary: 'Tenex Engineer', type: 'user_reference' },
      data: { id: 'PGR0VU2', type: 'incident', status: 'acknowledged', incident_key: pdPage.pageId },
    },
  });
  const pagerDuty = (signature: string) =>
    fetch(`${system.url}/webhooks/pagerduty`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signature },
      body: webhook,
    });
  assert.equal((await pagerDuty(pagerDutySignature('wrong', webhook))).status, 401);
  assert.equal((await listed(pdPage.pageId))?.acknowledgedAt, undefined);
  // Two signatures during a secret rotation: one match is enough.
  const rotated = `${pagerDutySignature('old-secret', webhook)},${pagerDutySignature(LOCAL_PAGERDUTY_WEBHOOK_SECRET, webhook)}`;
  assert.equal((await pagerDuty(rotated)).status, 200);
  const pdRow = await listed(pdPage.pageId);
  assert.equal(pdRow?.acknowledgedBy, 'pagerduty:PLH1HKV');
  assert.equal(pdRow?.acknowledgedByName, 'Tenex Engineer');
  assert.equal(pdRow?.acknowledgedVia, 'pagerduty');
});

test("an agent of another brand cannot acknowledge a brand's page: 404, as if it did not exist", async () => {
  const page = await riskyCase('1900000000000000006', '9006');
  const added = await call('POST', '/api/agents', API_TOKEN, {
    name: 'Bea Bank',
    initials: 'BB',
    role: 'supervisor',
    brands: ['northbank'],
  });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  const refused = await call(
    'POST',
    `/api/pages/${encodeURIComponent(page.pageId)}/ack`,
    String(added.body.token),
  );
  assert.equal(refused.status, 404);
  assert.equal((await listed(page.pageId))?.acknowledgedAt, undefined);
  // Nor does another brand's agent see it in the pages list.
  const theirs = (await call('GET', '/api/pages', String(added.body.token))).body.pages as PageRecord[];
  assert.ok(theirs.every((p) => p.brandId === 'northbank'));
});
