import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, test } from '@jest/globals';
import { DynamoPageStore } from '../../functions/adapters/aws/dynamo-sla';
import { AGENT_API_ROUTES } from '../../functions/agent-api/agent-api';
import { exportAudit } from '../../functions/cli/access-command';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { mention } from '../e2e/support';
import { twoBrandConfig } from '../helpers';
import { API_TOKEN, postX, waitFor, X_SECRET } from './support';

// Two brands, three agents and the administrator token against the running local system: every
// /api route refuses another brand's things as absent, roles limit what agents do, every action is
// on the audit trail in order and its export matches, and no token works under a foreign Host.

type Body = Record<string, unknown>;
interface Agent {
  id: string;
  token: string;
}

let system: LocalSystem;
const agents: Record<'ana' | 'sue' | 'ned', Agent> = {} as never;
const caseA = 'x-1890000000000000001';
const caseB = 'x-1890000000000000002';

async function call(
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: Body; text: string }> {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: Body = {};
  try {
    parsed = text ? (JSON.parse(text) as Body) : {};
  } catch {
    // an export: lines, not one JSON value
  }
  return { status: response.status, body: parsed, text };
}

async function addAgent(input: Body): Promise<Agent> {
  const { status, body } = await call('POST', '/api/agents', API_TOKEN, input);
  assert.equal(status, 201, JSON.stringify(body));
  assert.match(String(body.token), /^sc_[A-Za-z0-9_-]{43}$/);
  return { id: String(body.id), token: String(body.token) };
}

async function openCase(id: string, to: string, author: string, text: string) {
  assert.equal(
    (await postX(system.url, mention({ id, author, handle: `c${author}`, name: `C ${author}`, text, to })))
      .status,
    200,
  );
  // Read past the API: a read through it is on the audit trail.
  return waitFor(`case x-${id}`, () => system.store.getCase(`x-${id}`));
}

/** Every item of the table, in a stable order: "nothing changed" means this is the same before and after. */
async function tableSnapshot(): Promise<string> {
  const items: unknown[] = [];
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const page = await system.dynamo.client.send(
      new ScanCommand({ TableName: system.dynamo.tableName, ExclusiveStartKey, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
  } while (ExclusiveStartKey);
  return JSON.stringify(items.map((i) => JSON.stringify(i)).sort());
}

beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: twoBrandConfig(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
    visibilityTimeoutSeconds: 1,
    // The SLA monitor is run by hand here: nothing changes the table behind the tests' backs.
    slaIntervalMs: 3_600_000,
  });
  agents.ana = await addAgent({ name: 'Ana Jansen', initials: 'AJX', brands: ['demoair'], role: 'agent' });
  agents.sue = await addAgent({
    name: 'Sue Bakker',
    brands: ['demoair'],
    role: 'supervisor',
    teams: ['care'],
  });
  // An administrator, but of the other brand only: what it may not see is absent, never forbidden.
  agents.ned = await addAgent({ name: 'Ned Stark', brands: ['northbank'], role: 'admin', capacity: 5 });
  await openCase(caseA.slice(2), '4000001', '8101', '@DemoAir my flight was cancelled and nobody answers');
  await openCase(caseB.slice(2), '4100001', '8102', '@NorthBank my card was blocked abroad, please help');
  await system.drained();
  // A page of each brand's case (as the SLA monitor records them), for the page routes.
  const pages = new DynamoPageStore(system.dynamo.client, system.dynamo.tableName);
  for (const [caseId, brandId] of [
    [caseA, 'demoair'],
    [caseB, 'northbank'],
  ] as const) {
    await pages.createPage({
      pageId: pageIdOf(caseId),
      kind: 'deadline_breach',
      severity: 'critical',
      brandId,
      caseId,
      title: 'breach',
      text: 'breach',
      createdAt: new Date().toISOString(),
    });
  }
});
afterAll(() => system?.stop());

const pageIdOf = (caseId: string) => `sla:${caseId}:first_response@2026-01-01T00:00:00.000Z:breach`;

/** A request on `route` that would work if the brand were the caller's: valid bodies, real targets. */
function requestAgainst(
  route: (typeof AGENT_API_ROUTES)[number],
  verb: string,
  target: {
    brandId: string;
    caseId: string;
    customerId: string;
    agentId: string;
    accountId: string;
    version: number;
  },
): { path: string; body?: unknown } {
  const path = route.path
    .replace('{caseId}', target.caseId)
    .replace('{brandId}', target.brandId)
    .replace('{platform}', 'x')
    .replace('{customerId}', target.customerId)
    .replace('{agentId}', target.agentId)
    .replace('{accountId}', target.accountId)
    .replace('{kind}', 'cases')
    .replace('{pageId}', encodeURIComponent(pageIdOf(target.caseId)));
  const bodies: Record<string, unknown> = {
    'agents.add': { name: 'Intruder', brands: [target.brandId], role: 'admin' },
    'case.claim': { version: target.version },
    'case.assign': { version: target.version, assignee: target.agentId },
    'case.tags': { version: target.version, tags: ['moved'] },
    'case.lane': { version: target.version, lane: 'no_reply' },
    'case.correction': { version: target.version, sentiment: 'NEUTRAL' },
    'case.notes': { text: 'a note' },
    'case.reply': {
      version: target.version,
      text: 'Hello',
      visibility: 'public',
      requestId: 'cross-brand-1',
    },
    'case.resolve': { version: target.version },
    'customer.links': { platform: 'facebook', id: '999' },
    'customer.crm': { crmId: 'CRM-1' },
    'customer.abuse': verb === 'PUT' ? { note: 'x' } : undefined,
  };
  const query = route.scope === 'query' ? `?brand=${target.brandId}` : '';
  const body = bodies[route.key];
  return { path: `${path}${query}`, ...(body !== undefined ? { body } : {}) };
}

test("every /api route, called on another brand's things, answers 404 and changes nothing", async () => {
  const bank = (await call('GET', `/api/cases/${caseB}`, API_TOKEN)).body.case as Body & { version: number };
  const air = (await call('GET', `/api/cases/${caseA}`, API_TOKEN)).body.case as Body & { version: number };
  const targets = {
    // demoair agents reach for the bank's case, customer, agent and brand; the bank's admin for the airline's.
    [agents.ana.id]: {
      brandId: 'northbank',
      caseId: caseB,
      customerId: '8102',
      agentId: agents.ned.id,
      accountId: '4100001',
      version: bank.version,
    },
    [agents.sue.id]: {
      brandId: 'northbank',
      caseId: caseB,
      customerId: '8102',
      agentId: agents.ned.id,
      accountId: '4100001',
      version: bank.version,
    },
    [agents.ned.id]: {
      brandId: 'demoair',
      caseId: caseA,
      customerId: '8101',
      agentId: agents.ana.id,
      accountId: '4000001',
      version: air.version,
    },
  };
  const before = await tableSnapshot();
  const sentBefore = system.standIn.sent.length;
  let checked = 0;
  for (const agent of Object.values(agents)) {
    const target = targets[agent.id]!;
    for (const route of AGENT_API_ROUTES) {
      for (const verb of route.verbs) {
        const { path, body } = requestAgainst(route, verb, target);
        const result = await call(verb, path, agent.token, body);
        const what = `${agent.id} ${verb} ${path}`;
        if (route.scope === 'caller') {
          // About the caller only: answered (or refused to the role), and nothing of the other brand in it.
          // Setting one's status needs a body: without one it is refused and nothing is stored.
          const expected = route.key === 'me.status' ? [400] : [200, 403];
          assert.ok(expected.includes(result.status), `${what}: ${result.text}`);
          assert.ok(!result.text.includes(target.brandId), `${what} shows ${target.brandId}: ${result.text}`);
          assert.ok(!result.text.includes(target.caseId), `${what} shows ${target.caseId}`);
        } else {
          assert.equal(result.status, 404, `${what}: ${result.text}`);
          assert.ok(!result.text.includes(target.brandId === 'demoair' ? 'DemoAir' : 'NorthBank'), what);
        }
        checked++;
      }
    }
  }
  assert.equal(await tableSnapshot(), before, 'a refused request changed the table');
  assert.equal(system.standIn.sent.length, sentBefore, 'a refused request sent something');
  // Every declared route was called by each of the three.
  assert.equal(checked, 3 * AGENT_API_ROUTES.reduce((n, r) => n + r.verbs.length, 0));
  // A case of the other brand is exactly as absent as one that does not exist.
  const missing = await call('GET', '/api/cases/x-1', agents.ana.token);
  const other = await call('GET', `/api/cases/${caseB}`, agents.ana.token);
  assert.deepEqual(
    [other.status, String(other.body.error).replace(caseB, 'ID')],
    [missing.status, String(missing.body.error).replace('x-1', 'ID')],
  );
});

test('the queue, pages, brands and agents list only the caller’s brands', async () => {
  const anaQueue = (await call('GET', '/api/cases', agents.ana.token)).body.cases as Body[];
  assert.deepEqual(
    anaQueue.map((c) => c.caseId),
    [caseA],
  );
  const nedQueue = (await call('GET', '/api/cases', agents.ned.token)).body.cases as Body[];
  assert.deepEqual(
    nedQueue.map((c) => c.caseId),
    [caseB],
  );
  const brands = (await call('GET', '/api/brands', agents.ana.token)).body.brands as Body[];
  assert.deepEqual(
    brands.map((b) => b.id),
    ['demoair'],
  );
  const listed = (await call('GET', '/api/agents', agents.sue.token)).body.agents as Body[];
  assert.deepEqual(listed.map((a) => a.id).sort(), [agents.ana.id, agents.sue.id].sort());
  assert.ok(listed.every((a) => !('tokenHash' in a)));
  const admin = (await call('GET', '/api/cases', API_TOKEN)).body.cases as Body[];
  assert.deepEqual(admin.map((c) => c.caseId).sort(), [caseA, caseB].sort());
});

test('GET /api/me is the registry’s agent; the X-Socialcare-Agent header names nobody', async () => {
  const response = await fetch(`${system.url}/api/me`, {
    headers: { authorization: `Bearer ${agents.ana.token}`, 'x-socialcare-agent': 'Sue Bakker' },
  });
  const me = (await response.json()) as Body;
  assert.equal(me.id, agents.ana.id);
  assert.equal(me.name, 'Ana Jansen');
  assert.equal(me.initials, 'AJX');
  assert.equal(me.role, 'agent');
  assert.deepEqual(me.brands, ['demoair']);
  assert.ok(!('tokenHash' in me));
  assert.ok((me.allowed as string[]).includes('case.reply'));
  assert.ok(!(me.allowed as string[]).includes('case.assign'));
  assert.equal((await call('GET', '/api/me', 'sc_not-a-token')).status, 401);
});

test('an agent cannot assign, mark abuse, read reports or the audit trail, or add agents; a supervisor can all but the last', async () => {
  const version = ((await call('GET', `/api/cases/${caseA}`, agents.ana.token)).body.case as Body).version;
  const supervised: Array<[string, string, unknown?]> = [
    ['POST', `/api/cases/${caseA}/assign`, { version, assignee: agents.ana.id }],
    ['PUT', '/api/customers/demoair/x/8101/abuse', { note: 'spam' }],
    ['DELETE', '/api/customers/demoair/x/8101/abuse'],
    ['GET', '/api/reports?brand=demoair'],
    ['GET', '/api/reports'],
    ['GET', '/api/audit?brand=demoair'],
    ['GET', '/api/agents'],
  ];
  const before = await tableSnapshot();
  for (const [verb, path, body] of supervised) {
    const result = await call(verb, path, agents.ana.token, body);
    assert.equal(result.status, 403, `agent ${verb} ${path}: ${result.text}`);
  }
  const admin: Array<[string, string, unknown?]> = [
    ['POST', '/api/agents', { name: 'Eve', brands: ['demoair'], role: 'admin' }],
    ['DELETE', `/api/agents/${agents.ana.id}`],
  ];
  for (const [verb, path, body] of [...admin]) {
    assert.equal((await call(verb, path, agents.ana.token, body)).status, 403, `agent ${verb} ${path}`);
    assert.equal((await call(verb, path, agents.sue.token, body)).status, 403, `supervisor ${verb} ${path}`);
  }
  assert.equal(await tableSnapshot(), before, 'a refused request changed the table');
  // The supervisor may: assign to a demoair agent (not to a name the registry does not know).
  const assigned = await call('POST', `/api/cases/${caseA}/assign`, agents.sue.token, {
    version,
    assignee: 'Somebody',
  });
  assert.equal(assigned.status, 400);
  assert.equal(assigned.body.field, 'assignee');
  const toNed = await call('POST', `/api/cases/${caseA}/assign`, agents.sue.token, {
    version,
    assignee: agents.ned.id,
  });
  assert.equal(toNed.status, 400, 'an agent of another brand cannot be assigned');
  assert.equal((await call('GET', '/api/reports?brand=demoair', agents.sue.token)).status, 200);
  assert.equal((await call('GET', '/api/audit?brand=demoair', agents.sue.token)).status, 200);
});

test('accounts: supervisors list their brands’ accounts, only an administrator of the brand marks one re-authorized', async () => {
  const before = await tableSnapshot();
  assert.equal(
    (await call('GET', '/api/accounts', agents.ana.token)).status,
    403,
    'an agent lists no accounts',
  );
  const reauthorize = '/api/accounts/x/4000001/reauthorized';
  assert.equal((await call('POST', reauthorize, agents.ana.token)).status, 403, 'agent');
  assert.equal((await call('POST', reauthorize, agents.sue.token)).status, 403, 'supervisor');
  // The bank's administrator: the airline's account is not there for it.
  assert.equal((await call('POST', reauthorize, agents.ned.token)).status, 404, 'admin of another brand');
  assert.equal(await tableSnapshot(), before, 'a refused request changed the table');
  const listed = (await call('GET', '/api/accounts', agents.sue.token)).body.accounts as Body[];
  assert.ok(listed.length > 0);
  assert.deepEqual([...new Set(listed.map((a) => a.brandId))], ['demoair']);
  const bankAccounts = (await call('GET', '/api/accounts', agents.ned.token)).body.accounts as Body[];
  assert.deepEqual([...new Set(bankAccounts.map((a) => a.brandId))], ['northbank']);
  const startedAt = new Date().toISOString();
  const done = await call('POST', '/api/accounts/x/4100001/reauthorized', agents.ned.token);
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.needsReauthorization, false);
  // On the bank's audit trail, by its administrator.
  const trail = await call('GET', `/api/audit?brand=northbank&from=${startedAt}`, agents.ned.token);
  const entries = trail.text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Body);
  assert.ok(
    entries.some(
      (e) => e.action === 'account_reauthorized' && e.agentId === agents.ned.id && e.target === 'x:4100001',
    ),
    trail.text,
  );
});

test('a scripted shift: every action on the audit trail once, in order, on the case and in the export', async () => {
  const startedAt = new Date().toISOString();
  const caseId = 'x-1890000000000000003';
  let version = (
    await openCase(caseId.slice(2), '4000001', '8103', '@DemoAir where is my refund? ordered weeks ago')
  ).version;
  const ana = agents.ana.token;
  const sue = agents.sue.token;
  const step = async (token: string, verb: string, path: string, body?: Body) => {
    let result = await call(verb, path, token, body);
    // The sender's delivery of an earlier reply may move the case on meanwhile: as the console does,
    // try again on the version the 409 names (a refused change leaves no trace on the trail).
    for (let tries = 0; result.status === 409 && tries < 5; tries++) {
      result = await call(verb, path, token, { ...body, version: result.body.currentVersion });
    }
    assert.ok(result.status < 300, `${verb} ${path}: ${result.text}`);
    const changed = (result.body.case as Body | undefined)?.version;
    if (typeof changed === 'number') version = changed;
    return result;
  };
  // The sender's deliveries move the case on: each change names the version after them (read past
  // the API: a read by an agent is on the trail).
  const current = async () => (await system.store.getCase(caseId))!.version;
  const delivered = (count: number) =>
    waitFor(`${count} replies on the case`, async () => {
      const out = (await system.store.listMessages(caseId)).filter((m) => m.direction === 'out');
      return out.length >= count || undefined;
    });
  const base = `/api/cases/${caseId}`;
  await step(ana, 'GET', base);
  await step(ana, 'GET', base); // the same version seen again: no second "view"
  await step(ana, 'POST', `${base}/claim`, { version: await current() });
  await step(sue, 'POST', `${base}/assign`, { version: await current(), assignee: agents.ana.id });
  await step(ana, 'PUT', `${base}/tags`, { version: await current(), tags: ['refund'] });
  await step(ana, 'POST', `${base}/notes`, { text: 'Checked the booking: refund approved on day 3' });
  await step(ana, 'POST', `${base}/reply`, {
    version,
    text: 'Sorry for the wait, we are checking your refund now.',
    visibility: 'public',
    requestId: 'shift-reply-1',
  });
  await delivered(1);
  await step(ana, 'POST', `${base}/reply`, {
    version,
    text: 'Could you send us your booking reference?',
    visibility: 'private',
    requestId: 'shift-reply-2',
  });
  // The DM and the public note that the conversation moved.
  await delivered(3);
  await step(ana, 'POST', '/api/customers/demoair/x/8103/links', {
    platform: 'facebook',
    id: '7300000000000001',
  });
  await step(ana, 'PUT', '/api/customers/demoair/x/8103/crm', { crmId: 'CRM-8103' });
  await step(sue, 'PUT', '/api/customers/demoair/x/8103/abuse', { note: 'test mark' });
  await step(sue, 'DELETE', '/api/customers/demoair/x/8103/abuse');
  await step(ana, 'POST', `${base}/resolve`, { version: await current() });
  const expected: Array<[string, string]> = [
    ['view', agents.ana.id],
    ['claim', agents.ana.id],
    ['assign', agents.sue.id],
    ['tag', agents.ana.id],
    ['note', agents.ana.id],
    ['reply', agents.ana.id],
    ['private_reply', agents.ana.id],
    ['identity_link', agents.ana.id],
    ['crm_id', agents.ana.id],
    ['abuse_mark', agents.sue.id],
    ['abuse_unmark', agents.sue.id],
    ['resolve', agents.ana.id],
  ];
  // The public reply is signed with the initials the administrator set in the registry.
  const sent = await waitFor('the public reply', async () =>
    system.standIn.sent.find((s) => s.text.startsWith('Sorry for the wait')),
  );
  assert.ok(sent.text.endsWith(' ^AJX'), sent.text);

  // On the case: its own actions, each with the case version it left behind.
  const view = (await call('GET', base, sue)).body;
  const onCase = (view.audit as Array<Body>).filter(
    (e) => e.agentId !== agents.sue.id || e.action !== 'view',
  );
  assert.deepEqual(
    onCase.map((e) => [e.action, e.agentId]),
    expected.filter(
      ([action]) => !['identity_link', 'crm_id', 'abuse_mark', 'abuse_unmark'].includes(action),
    ),
  );
  const versions = onCase.map((e) => e.caseVersion as number);
  assert.deepEqual(
    versions,
    [...versions].sort((a, b) => a - b),
    'versions only grow along the trail',
  );
  assert.equal(onCase.at(-1)?.caseVersion, (view.case as Body).version);

  // The export of the brand for the period: the same entries, in the same order, in both formats.
  const to = new Date().toISOString();
  const chunks: Buffer[] = [];
  const output = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  await exportAudit({
    url: system.url,
    token: sue,
    brand: 'demoair',
    from: startedAt,
    to,
    format: 'jsonl',
    output,
  });
  const exported = Buffer.concat(chunks)
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Body);
  const shift = exported.filter((e) => e.caseId === caseId || e.target === 'x:8103');
  // ... and the supervisor's look at the case just now is on it too.
  assert.deepEqual(
    shift.map((e) => [e.action, e.agentId]),
    [...expected, ['view', agents.sue.id]],
  );
  assert.ok(exported.every((e) => e.brandId === 'demoair'));
  assert.deepEqual(
    shift.filter((e) => e.caseId === caseId && e !== shift.at(-1)).map((e) => e.auditId),
    onCase.map((e) => e.auditId),
  );
  const csv = await call('GET', `/api/audit?brand=demoair&format=csv&from=${startedAt}&to=${to}`, sue);
  const rows = csv.text.trim().split('\n');
  assert.equal(rows[0], 'at,brandId,agentId,agentName,role,action,caseId,caseVersion,target,detail');
  assert.equal(rows.length - 1, exported.length);
  // The bank's administrator reads none of it.
  assert.equal((await call('GET', `/api/audit?brand=demoair`, agents.ned.token)).status, 404);
});

test('a valid token with a foreign Host header is refused (DNS rebinding)', async () => {
  const port = new URL(system.url).port;
  const status = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/me', headers: { host, authorization: `Bearer ${API_TOKEN}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
  assert.equal(await status('evil.example'), 403);
  assert.equal(await status(`evil.example:${port}`), 403);
  assert.equal(await status('192.168.1.20'), 403);
  assert.equal(await status(`127.0.0.1:${port}`), 200);
  assert.equal(await status(`localhost:${port}`), 200);
});

test('an administrator removes an agent: its token stops working at once', async () => {
  const temp = await addAgent({ name: 'Tim Temp', brands: ['demoair'], role: 'agent' });
  assert.equal((await call('GET', '/api/me', temp.token)).status, 200);
  assert.equal((await call('DELETE', `/api/agents/${temp.id}`, API_TOKEN)).status, 200);
  assert.equal((await call('GET', '/api/me', temp.token)).status, 401);
  assert.equal((await call('DELETE', `/api/agents/${temp.id}`, API_TOKEN)).status, 404);
});
