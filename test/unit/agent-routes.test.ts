import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from '@jest/globals';
import { createAgentApi } from '../../functions/agent-api/agent-api';
import { AGENT_ROUTES, parseRoute } from '../../functions/agent-api/routes';
import { normalizeGenericWebhook } from '../../functions/channels/generic/normalize';
import { createAuthenticator } from '../../functions/core/access/agents';
import { AgentDesk } from '../../functions/core/agent-desk';
import { caseIdFor } from '../../functions/core/cases';
import type { Interaction } from '../../functions/core/interaction';
import { LocalPiiDetector } from '../../functions/core/pii';
import { recordInteractions } from '../../functions/core/record-interactions';
import { sha256Hex } from '../../functions/core/sha256';
import {
  InMemoryAgentRegistry,
  InMemoryAuditLog,
  InMemoryCaseStore,
  InMemoryCorrectionStore,
  InMemoryOutboxStore,
  InMemoryPageStore,
  RecordingOutboundQueue,
  StubSentiment,
} from '../fakes/in-memory';
import { demoDirectory, httpEvent } from '../helpers';

/** The administrator of every brand (as SOCIALCARE_API_TOKEN is locally): these tests are about routing. */
const ADMIN_TOKEN = 'agent-routes-admin-token';

function agentApi() {
  const directory = demoDirectory();
  const agents = new InMemoryAgentRegistry();
  const store = new InMemoryCaseStore();
  const outbox = new InMemoryOutboxStore();
  const queue = new RecordingOutboundQueue();
  const api = createAgentApi({
    store,
    directory,
    pages: new InMemoryPageStore(),
    desk: new AgentDesk({ directory, store, outbox, queue, pii: new LocalPiiDetector() }),
    agents,
    audit: new InMemoryAuditLog(),
    labels: new InMemoryCorrectionStore(),
    authenticator: createAuthenticator(agents, ADMIN_TOKEN),
    auth: 'token',
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const result = await api(
      httpEvent({
        method,
        path,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    return { status: result.statusCode, body: JSON.parse(String(result.body ?? '{}')) };
  };
  return { api, call, store, directory, queue };
}

const SAMPLE: Record<string, string> = {
  caseId: 'x-1',
  brandId: 'demoair',
  platform: 'x',
  customerId: '42',
  agentId: 'agent-1',
  accountId: '4000001',
  kind: 'cases',
};

test('every declared route reaches a handler of the router (never 404 or 405)', async () => {
  const { call } = agentApi();
  for (const key of AGENT_ROUTES) {
    const { method, path } = parseRoute(key);
    const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE[name] as string);
    const { status, body } = await call(method, concrete, {});
    // A case route may answer 404 for the case x-1, which does not exist; never "no such route".
    assert.notEqual(status, 405, key);
    assert.doesNotMatch(JSON.stringify(body), /no such route/, key);
  }
  assert.equal((await call('GET', '/api/nothing')).status, 404);
  assert.equal((await call('DELETE', '/api/cases/x-1')).status, 405);
});

test('case ids are URL-safe whatever the source id is; X keeps x-<post id>', () => {
  const base = { platform: 'generic' } as Interaction;
  const ids = [
    'yelp:a/b c',
    'yelp:a b/c',
    'yelp:ré~view',
    'yelp:a~20b',
    'yelp:a%2Fb',
    `yelp:${'é'.repeat(300)}`,
  ];
  const caseIds = ids.map((id) => caseIdFor({ ...base, platformMessageId: id }));
  for (const caseId of caseIds) {
    assert.match(caseId, /^[A-Za-z0-9_.:~-]{1,200}$/);
    assert.equal(encodeURI(caseId), caseId, 'stands in a URL path as it is');
  }
  assert.equal(new Set(caseIds).size, ids.length, 'two source ids never share a case id');
  assert.equal(
    caseIdFor({ ...base, platform: 'x', platformMessageId: '1860000000000000001' }),
    'x-1860000000000000001',
  );
  assert.equal(
    caseIdFor({ ...base, platformMessageId: 'reviews:yelp-review-1' }),
    'generic-reviews:yelp-review-1',
  );
  assert.equal(caseIdFor({ ...base, platformMessageId: 'yelp:a/b c' }), 'generic-yelp:a~2Fb~20c');
});

test('a generic review whose id has a slash, a space and non-ASCII letters is opened and resolved through the API', async () => {
  const { call, store, directory } = agentApi();
  const { interactions } = normalizeGenericWebhook(
    {
      source: 'yelp',
      brandId: 'demoair',
      id: 'biz/demoair review #7 — Zoë',
      url: 'https://www.yelp.com/biz/demoair?hrid=7',
      author: { id: 'u-1', name: 'Zoë' },
      text: 'The lounge was closed and nobody told us.',
      time: '2026-11-23T10:00:00Z',
      rating: 2,
    },
    'yelp',
    directory,
    '2026-11-23T10:00:05.000Z',
  );
  const [outcome] = await recordInteractions(interactions, {
    directory,
    store,
    sentiment: new StubSentiment(() => 'NEGATIVE'),
  });
  const caseId = (outcome as { caseId: string }).caseId;
  assert.match(caseId, /^generic-yelp:biz~2Fdemoair~20review~20~237~20~E2~80~94~20Zo~C3~AB$/);

  const listed = await call('GET', '/api/cases');
  assert.deepEqual(
    (listed.body.cases as Array<{ caseId: string }>).map((c) => c.caseId),
    [caseId],
  );
  // The console builds links with encodeURIComponent; the id needs none.
  const opened = await call('GET', `/api/cases/${encodeURIComponent(caseId)}`);
  assert.equal(opened.status, 200);
  const version = (opened.body.case as { version: number }).version;
  const resolved = await call('POST', `/api/cases/${caseId}/resolve`, { version, requestId: 'r-1' });
  assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
  assert.equal((await store.getCase(caseId))?.status, 'resolved');
});

test('a generic author whose id has a space, a slash and non-ASCII letters can be marked abusive and linked (one encoded segment)', async () => {
  const { call, store } = agentApi();
  const author = 'yelp:Zoë / 7';
  const base = `/api/customers/demoair/generic/${encodeURIComponent(author)}`;
  const marked = await call('PUT', `${base}/abuse`, { note: 'spam' });
  assert.equal(marked.status, 200, JSON.stringify(marked.body));
  const profile = await store.getCustomerProfile('demoair', { platform: 'generic', id: author });
  assert.equal(profile?.abusive?.note, 'spam');
  assert.equal((await call('DELETE', `${base}/abuse`)).status, 200);
  assert.equal((await call('PUT', `${base}/crm`, { crmId: 'C-1' })).status, 200);
  // Decoded once: %2541 is the id "%41", not "A".
  await call('PUT', '/api/customers/demoair/x/%2541/crm', { crmId: 'C-2' });
  assert.equal((await store.getCustomerProfile('demoair', { platform: 'x', id: '%41' }))?.crmId, 'C-2');
  assert.equal((await call('PUT', '/api/customers/demoair/x/%E0%A4%A/crm', { crmId: 'C-3' })).status, 400);
});

test('the domain SHA-256 agrees with node:crypto', () => {
  for (const text of [
    '',
    'abc',
    'é😀',
    'a'.repeat(55),
    'b'.repeat(56),
    'c'.repeat(64),
    `yelp:${'ré/'.repeat(400)}`,
  ]) {
    assert.equal(
      sha256Hex(text),
      createHash('sha256').update(text).digest('hex'),
      `${text.length} characters`,
    );
  }
});
