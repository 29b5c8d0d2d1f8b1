import assert from 'node:assert/strict';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, test } from '@jest/globals';
import { snsClient } from '../../functions/adapters/aws/clients';
import { signGenericPayload } from '../../functions/channels/generic/signature';
import { addressKey } from '../../functions/core/local-managers';
import type { Page } from '../../functions/core/paging';
import {
  LOCAL_GENERIC_SECRETS,
  type LocalSystem,
  startLocalSystem,
} from '../../functions/local-runtime/runtime';
import { mention } from '../e2e/support';
import { twoBrandConfig } from '../helpers';
import { API_TOKEN, postX, waitFor, X_SECRET } from './support';

// Locations and local managers against the running local system: a review of the Schiphol location
// (by the review site's place id) becomes an AMS case, its local manager gets exactly one page (and
// sees the case), the Heathrow manager and another brand's Schiphol manager see nothing of it.

type Body = Record<string, unknown>;
interface Agent {
  id: string;
  token: string;
}

let system: LocalSystem;
const paged: Page[] = [];
const managers: Record<'ams' | 'lhr' | 'bankAms', Agent> = {} as never;

async function call(method: string, path: string, token: string, body?: unknown) {
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

async function addManager(input: Body): Promise<Agent> {
  const { status, body } = await call('POST', '/api/agents', API_TOKEN, { role: 'local_manager', ...input });
  assert.equal(status, 201, JSON.stringify(body));
  return { id: String(body.id), token: String(body.token) };
}

const REVIEW = JSON.stringify({
  source: 'reviews',
  brandId: 'demoair',
  id: 'google-review-ams-1',
  url: 'https://maps.example/review/ams-1',
  author: { id: 'g-pat', name: 'Pat' },
  // Names no location: the place id says which one it is. The e-mail address must not leave unmasked.
  text: 'Waited two hours at the transfer desk and the staff were rude. Write to pat.jansen@example.com',
  time: new Date().toISOString(),
  rating: 1,
  placeId: 'demo-place-schiphol',
});

// Each delivery is signed afresh: the same body signed in the same second is the same request, which the
// webhook refuses as a replay (409). Timestamps step back a second per delivery, well within the tolerance.
let lastSignedAt = Number.POSITIVE_INFINITY;
async function postReview(body: string): Promise<number> {
  lastSignedAt = Math.min(Math.floor(Date.now() / 1000), lastSignedAt - 1);
  const signature = signGenericPayload(LOCAL_GENERIC_SECRETS.reviews!, lastSignedAt, body);
  const response = await fetch(`${system.url}/webhooks/generic`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-socialcare-source': 'reviews',
      'x-socialcare-signature': signature,
    },
    body,
  });
  return response.status;
}

beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: twoBrandConfig(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
    onPage: (page) => paged.push(page),
  });
  managers.ams = await addManager({
    name: 'Sanne Bakker',
    brands: ['demoair'],
    locations: ['AMS'],
    notify: { email: 'sanne@demoair.example' },
  });
  managers.lhr = await addManager({ name: 'Oliver Hart', brands: ['demoair'], locations: ['LHR'] });
  managers.bankAms = await addManager({ name: 'Noor Visser', brands: ['northbank'], locations: ['AMS'] });
});
afterAll(() => system?.stop());

const caseId = 'generic-reviews:google-review-ams-1';

test('a review of the Schiphol location reaches its local manager, and only them, with one page', async () => {
  assert.equal(await postReview(REVIEW), 200);
  const careCase = await waitFor('the review case', () => system.store.getCase(caseId));
  assert.equal(careCase.location, 'AMS');
  assert.equal(careCase.locationBy, 'review_place');

  // The page reached the on-call topic's local subscriber, addressed to the AMS manager alone.
  const [page] = await waitFor('the local manager page', async () => {
    const found = paged.filter((p) => p.kind === 'location_alert');
    return found.length ? found : undefined;
  });
  assert.equal(page?.recipient, managers.ams.id);
  assert.equal(page?.location, 'AMS');
  assert.equal(page?.caseId, caseId);
  assert.match(page!.title, /negative post at Amsterdam \(AMS\)/);
  assert.ok(!page!.text.includes('pat.jansen@example.com'), page!.text);
  assert.ok(!page!.text.includes('Pat'), 'no customer name in the page');

  // The review site delivers it again: still one case, still one page.
  assert.equal(await postReview(REVIEW), 200);
  await system.drained();
  const stored = await call('GET', '/api/pages?brand=demoair&limit=200', API_TOKEN);
  const alerts = (stored.body.pages as Page[]).filter((p) => p.kind === 'location_alert');
  assert.deepEqual(
    alerts.map((p) => [p.recipient, p.caseId]),
    [[managers.ams.id, caseId]],
  );
  assert.equal(paged.filter((p) => p.kind === 'location_alert').length, 1);
});

test("the Schiphol manager's e-mail is subscribed to the pages addressed to them only", async () => {
  const sns = snsClient(system.queues.endpoint);
  try {
    const { Subscriptions = [] } = await sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: system.queues.oncallTopicArn }),
    );
    const mail = Subscriptions.filter((s) => s.Protocol === 'email');
    assert.deepEqual(
      mail.map((s) => s.Endpoint),
      ['sanne@demoair.example'],
    );
    const { Attributes = {} } = await sns.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: mail[0]!.SubscriptionArn! }),
    );
    // Keyed by the address's digest, never the address or the agent: see the next test.
    assert.deepEqual(JSON.parse(Attributes.FilterPolicy ?? '{}'), {
      recipientAddress: [addressKey('sanne@demoair.example')],
    });
  } finally {
    sns.destroy();
  }
});

test('a second manager with the same e-mail, or one removed and added again, is added (one subscription)', async () => {
  const deputy = await addManager({
    name: 'Sanne Deputy',
    brands: ['demoair'],
    locations: ['AMS'],
    notify: { email: 'Sanne@DemoAir.example' },
  });
  const removed = await call('DELETE', `/api/agents/${deputy.id}`, API_TOKEN);
  assert.ok([200, 204].includes(removed.status), JSON.stringify(removed.body));
  await addManager({
    name: 'Sanne Deputy',
    brands: ['demoair'],
    locations: ['AMS'],
    notify: { email: 'sanne@demoair.example' },
  });
  const sns = snsClient(system.queues.endpoint);
  try {
    const { Subscriptions = [] } = await sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: system.queues.oncallTopicArn }),
    );
    assert.equal(Subscriptions.filter((s) => s.Protocol === 'email').length, 1);
  } finally {
    sns.destroy();
  }
});

test("the Schiphol manager sees the case; the Heathrow manager and another brand's Schiphol manager see nothing", async () => {
  await waitFor('the review case', () => system.store.getCase(caseId));
  const path = `/api/cases/${encodeURIComponent(caseId)}`;

  const own = await call('GET', '/api/cases', managers.ams.token);
  assert.equal(own.status, 200);
  assert.deepEqual(
    (own.body.cases as Array<{ caseId: string }>).map((c) => c.caseId),
    [caseId],
  );
  const view = await call('GET', path, managers.ams.token);
  assert.equal(view.status, 200);
  assert.equal((view.body.case as { location: string }).location, 'AMS');
  // A note is theirs to add; replying, reports and pages are not.
  assert.equal(
    (await call('POST', `${path}/notes`, managers.ams.token, { text: 'Spoke to the desk lead.' })).status,
    201,
  );
  assert.equal((await call('POST', `${path}/claim`, managers.ams.token, { version: 1 })).status, 403);
  assert.equal((await call('GET', '/api/reports', managers.ams.token)).status, 403);
  assert.equal((await call('GET', '/api/pages', managers.ams.token)).status, 403);

  for (const other of [managers.lhr, managers.bankAms]) {
    const list = await call('GET', '/api/cases', other.token);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.cases, []);
    assert.equal((list.body.counts as { open: number }).open, 0);
    assert.equal((await call('GET', `/api/cases?location=AMS`, other.token)).body.cases?.toString(), '');
    assert.equal((await call('GET', path, other.token)).status, 404);
    assert.equal((await call('POST', `${path}/notes`, other.token, { text: 'x' })).status, 404);
    assert.equal((await call('POST', `${path}/presence`, other.token)).status, 404);
  }
});

test('a post naming Heathrow is an LHR case: its manager is paged and sees it, the Schiphol manager does not', async () => {
  const body = mention({
    id: '1890000000000000777',
    author: '3001000777',
    handle: 'angryflyer',
    name: 'Angry Flyer',
    text: '@DemoAir Terrible: two hours at Heathrow baggage claim and still no bag. Awful service.',
  });
  assert.equal((await postX(system.url, body)).status, 200);
  const lhrCase = await waitFor('the Heathrow case', () => system.store.getCase('x-1890000000000000777'));
  assert.equal(lhrCase.location, 'LHR');
  assert.equal(lhrCase.locationBy, 'text');
  await waitFor('the Heathrow manager page', async () =>
    paged.find((p) => p.kind === 'location_alert' && p.recipient === managers.lhr.id),
  );
  const filtered = await call('GET', '/api/cases?location=LHR', API_TOKEN);
  assert.deepEqual(
    (filtered.body.cases as Array<{ caseId: string }>).map((c) => c.caseId),
    ['x-1890000000000000777'],
  );
  const theirs = await call('GET', '/api/cases', managers.lhr.token);
  assert.deepEqual(
    (theirs.body.cases as Array<{ caseId: string }>).map((c) => c.caseId),
    ['x-1890000000000000777'],
  );
  const ams = await call('GET', '/api/cases', managers.ams.token);
  assert.ok(!(ams.body.cases as Array<{ caseId: string }>).some((c) => c.caseId === lhrCase.caseId));
  assert.equal(
    paged.filter((p) => p.kind === 'location_alert' && p.recipient === managers.ams.id).length,
    1,
    'the Schiphol manager got the Schiphol page only',
  );
});
