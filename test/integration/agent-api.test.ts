import assert from 'node:assert/strict';
import { request } from 'node:http';
import { afterAll, beforeAll, test } from '@jest/globals';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { mention } from '../e2e/support';
import { demoConfig } from '../helpers';
import { API_TOKEN, postX, waitFor, X_SECRET } from './support';

// Every route of the agent API against the running local system: auth, validation, optimistic
// locking, replies recorded at the platform stand-in, compliance, presence, notes, tags, reports.

let system: LocalSystem;
beforeAll(async () => {
  // Exact reply texts below: no agent signature (the demo airline signs with initials).
  const brandConfig = demoConfig();
  brandConfig.brands[0]!.agentDesk.signature = 'none';
  system = await startLocalSystem({
    brandConfig,
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
    visibilityTimeoutSeconds: 1,
  });
  // Two supervisors of the demo airline (they also assign and mark abuse), with ids of the admin's choosing.
  // Carol is an agent cases get assigned to.
  for (const [id, name, role] of [
    ['ana', 'Ana de Wit', 'supervisor'],
    ['ben', 'Ben Smit', 'supervisor'],
    ['carol', 'Carol Visser', 'agent'],
  ] as const) {
    const created = await call('POST', '/api/agents', {
      body: { id, name, brands: ['demoair'], role },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    tokens[id] = String(created.body.token);
  }
});
afterAll(() => system?.stop());

/** Each agent's own bearer token, by agent id (the administrator's is API_TOKEN). */
const tokens: Record<string, string> = {};

type Body = Record<string, unknown>;

async function call(
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; agent?: string; token?: string | null } = {},
): Promise<{ status: number; body: Body }> {
  const token =
    options.token !== undefined ? options.token : options.agent ? tokens[options.agent] : API_TOKEN;
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined || options.raw !== undefined
        ? { 'content-type': 'application/json' }
        : {}),
    },
    ...(options.raw !== undefined
      ? { body: options.raw }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Body) : {} };
}

interface CaseView {
  case: Body & { version: number; status: string; assignee?: string; tags?: string[] };
  messages: Array<Body>;
  notes: Array<Body>;
  viewers: string[];
  customer: Body;
}

const getCase = async (caseId: string, agent = 'ana') =>
  (await call('GET', `/api/cases/${caseId}`, { agent })).body as unknown as CaseView;

/** Opens a case from a signed mention to the care account and waits until triage recorded it. */
async function openCase(id: string, author: string, text: string): Promise<CaseView> {
  const { status } = await postX(
    system.url,
    mention({ id, author, handle: `customer${author}`, name: `Customer ${author}`, text }),
  );
  assert.equal(status, 200);
  return waitFor(`case x-${id}`, async () => {
    const { status: found, body } = await call('GET', `/api/cases/x-${id}`);
    return found === 200 ? (body as unknown as CaseView) : undefined;
  });
}

const sentFor = (tweetId: string) => system.standIn.sent.filter((s) => s.inReplyToId === tweetId);

test('auth: no token or a wrong token is 401 on every /api route, with nothing changed', async () => {
  const routes: Array<[string, string]> = [
    ['GET', '/api/me'],
    ['GET', '/api/brands'],
    ['GET', '/api/cases'],
    ['GET', '/api/cases/x-1'],
    ['POST', '/api/cases/x-1/presence'],
    ['POST', '/api/cases/x-1/claim'],
    ['POST', '/api/cases/x-1/assign'],
    ['POST', '/api/cases/x-1/notes'],
    ['POST', '/api/cases/x-1/reply'],
    ['POST', '/api/cases/x-1/resolve'],
    ['PUT', '/api/cases/x-1/tags'],
    ['GET', '/api/pages'],
    ['GET', '/api/reports'],
    ['GET', '/api/accounts'],
    ['POST', '/api/accounts/x/4000001/reauthorized'],
    ['PUT', '/api/customers/demoair/x/1/abuse'],
    ['DELETE', '/api/customers/demoair/x/1/abuse'],
  ];
  for (const [method, path] of routes) {
    for (const token of [null, 'wrong-token', `${API_TOKEN}x`]) {
      const { status, body } = await call(method, path, {
        token,
        ...(method === 'GET' ? {} : { body: { version: 1 } }),
      });
      assert.equal(status, 401, `${method} ${path} with ${token ?? 'no token'}`);
      assert.equal(body.error, 'missing or wrong bearer token');
    }
  }
  // Only the exact "Bearer <token>" form counts.
  const response = await fetch(`${system.url}/api/cases`, { headers: { authorization: API_TOKEN } });
  assert.equal(response.status, 401);
});

test('GET /api/me is the agent the token belongs to; GET /api/brands gives accounts and the agent desk', async () => {
  const me = (await call('GET', '/api/me', { agent: 'ana' })).body;
  assert.equal(me.id, 'ana');
  assert.equal(me.name, 'Ana de Wit');
  assert.equal(me.initials, 'AW');
  assert.equal(me.role, 'supervisor');
  assert.deepEqual(me.brands, ['demoair']);
  assert.deepEqual(me.agent, { id: 'ana', name: 'Ana de Wit', initials: 'AW' });
  // The administrator token of SOCIALCARE_API_TOKEN.
  assert.equal((await call('GET', '/api/me')).body.role, 'admin');
  const { status, body } = await call('GET', '/api/brands');
  assert.equal(status, 200);
  const [brand] = body.brands as Array<Body & { accounts: Body[]; agentDesk: Body }>;
  assert.equal(brand?.id, 'demoair');
  assert.equal(brand?.timezone, 'Europe/Amsterdam');
  assert.deepEqual(
    brand?.accounts.map((a) => `${a.platform}:${a.handle}:${a.role}`),
    ['x:DemoAir:care', 'x:DemoAirFares:bot', 'facebook:DemoAir:care'],
  );
  assert.ok(Array.isArray(brand?.agentDesk.cannedReplies));
  assert.equal(typeof brand?.agentDesk.movedToPrivateNote, 'string');
});

test('validation: clear 4xx for bad JSON, missing or bad fields, unknown cases, routes and methods', async () => {
  const opened = await openCase('1880000000000000001', '8001', '@DemoAir my booking page keeps crashing');
  const path = '/api/cases/x-1880000000000000001';
  const v = opened.case.version;
  const expect = async (
    method: string,
    route: string,
    options: Parameters<typeof call>[2],
    status: number,
    field?: string,
  ) => {
    const result = await call(method, route, options);
    assert.equal(
      result.status,
      status,
      `${method} ${route} ${JSON.stringify(options)}: ${JSON.stringify(result.body)}`,
    );
    assert.equal(typeof result.body.error, 'string');
    if (field) assert.equal(result.body.field, field, JSON.stringify(result.body));
    return result.body;
  };
  assert.equal(
    (await expect('POST', `${path}/claim`, { raw: '{"version":' }, 400)).error,
    'the body must be a JSON object',
  );
  await expect('POST', `${path}/claim`, { raw: '[1,2]' }, 400);
  assert.match(
    String((await expect('POST', `${path}/claim`, { body: {} }, 400, 'version')).error),
    /the case version you are looking at is required/,
  );
  await expect('POST', `${path}/claim`, { body: { version: '3' } }, 400, 'version');
  await expect('POST', `${path}/assign`, { body: { version: v } }, 400, 'assignee');
  await expect(
    'POST',
    `${path}/reply`,
    { body: { version: v, text: 'hi', visibility: 'loud', requestId: 'abcdefgh1' } },
    400,
    'visibility',
  );
  await expect(
    'POST',
    `${path}/reply`,
    { body: { version: v, visibility: 'public', requestId: 'abcdefgh1' } },
    400,
    'text',
  );
  await expect(
    'POST',
    `${path}/reply`,
    { body: { version: v, text: 'hi', visibility: 'public' } },
    400,
    'requestId',
  );
  await expect(
    'POST',
    `${path}/reply`,
    { body: { version: v, text: 'hi', visibility: 'public', requestId: 'short' } },
    400,
    'requestId',
  );
  await expect('PUT', `${path}/tags`, { body: { version: v, tags: 'vip' } }, 400, 'tags');
  await expect('PUT', `${path}/tags`, { body: { version: v, tags: ['ok', '<b>'] } }, 400, 'tags');
  await expect(
    'PUT',
    `${path}/tags`,
    { body: { version: v, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } },
    400,
    'tags',
  );
  await expect('POST', `${path}/notes`, { body: { text: '   ' } }, 400, 'text');
  await expect('POST', `${path}/resolve`, { body: { version: v, closeOut: 42 } }, 400, 'closeOut');
  await expect('POST', `${path}/resolve`, { body: { version: v, closeOut: 'Thanks!' } }, 400, 'requestId');
  await expect('GET', '/api/cases?limit=0', {}, 400, 'limit');
  await expect('GET', '/api/cases?limit=abc', {}, 400, 'limit');
  // An unknown brand is as absent as another brand's.
  await expect('GET', '/api/cases?brand=nope', {}, 404);
  await expect('GET', '/api/reports?from=2026-11-30T00:00:00Z&to=2026-11-01T00:00:00Z', {}, 400, 'from');
  await expect('GET', '/api/reports?from=yesterday', {}, 400, 'from');
  await expect('PUT', '/api/customers/demoair/x/8001/abuse', { body: { note: 7 } }, 400, 'note');
  // Unknown things are 404, a known path with the wrong method 405.
  assert.equal((await expect('GET', '/api/cases/x-0', {}, 404)).error, 'no case x-0');
  await expect('POST', '/api/cases/x-0/claim', { body: { version: 1 } }, 404);
  await expect('POST', '/api/cases/x-0/notes', { body: { text: 'hello' } }, 404);
  await expect('PUT', '/api/customers/nobrand/x/1/abuse', { body: {} }, 404);
  assert.equal((await expect('GET', '/api/nothing-here', {}, 404)).error, 'no such route');
  assert.equal((await expect('DELETE', '/api/cases', {}, 405)).error, 'method not allowed');
  await expect('GET', `${path}/claim`, {}, 405);
  await expect('POST', '/api/reports', { body: {} }, 405);
  // None of it changed the case.
  assert.equal((await getCase('x-1880000000000000001')).case.version, v);
});

test('optimistic locking: B replying on the version A already changed is 409 with the current version', async () => {
  const opened = await openCase(
    '1880000000000000002',
    '8002',
    '@DemoAir where is my refund, it has been weeks',
  );
  const path = '/api/cases/x-1880000000000000002';
  const seen = opened.case.version;
  const claimed = await call('POST', `${path}/claim`, { agent: 'ana', body: { version: seen } });
  assert.equal(claimed.status, 200);
  const afterClaim = claimed.body.case as CaseView['case'];
  assert.equal(afterClaim.assignee, 'ana');
  assert.equal(afterClaim.version, seen + 1);

  const stale = await call('POST', `${path}/reply`, {
    agent: 'ben',
    body: {
      version: seen,
      text: 'Hi, looking into it now.',
      visibility: 'public',
      requestId: 'stale-0000001',
    },
  });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.currentVersion, seen + 1);
  assert.match(
    String(stale.body.error),
    /changed since you opened it \(now version \d+\): reload it and try again/,
  );
  // A stale claim cannot take the case either; the owner stays.
  assert.equal((await call('POST', `${path}/claim`, { agent: 'ben', body: { version: seen } })).status, 409);
  await system.drained();
  assert.deepEqual(sentFor('1880000000000000002'), [], 'nothing was sent on a stale version');
  assert.equal((await getCase('x-1880000000000000002')).case.assignee, 'ana');
});

test('presence: two agents on the same case see each other', async () => {
  await openCase('1880000000000000003', '8003', '@DemoAir seat selection is broken');
  const path = '/api/cases/x-1880000000000000003';
  // (openCase polled as the default local agent, who counts as a viewer too.)
  const first = (await call('POST', `${path}/presence`, { agent: 'ana' })).body.viewers as string[];
  assert.ok(!first.includes('ana'), 'nobody sees themselves');
  const second = (await call('POST', `${path}/presence`, { agent: 'ben' })).body.viewers as string[];
  assert.ok(second.includes('ana') && !second.includes('ben'), String(second));
  const viewers = (await getCase('x-1880000000000000003', 'ana')).viewers;
  assert.ok(viewers.includes('ben') && !viewers.includes('ana'), String(viewers));
  // No case, no presence: nothing is stored for a case the agent may not see.
  assert.equal((await call('POST', '/api/cases/x-0/presence', { agent: 'ana' })).status, 404);
});

test('a public reply goes out once, from the care account, in the thread, and is on the case with its author', async () => {
  const tweet = '1880000000000000004';
  const opened = await openCase(
    tweet,
    '8004',
    '@DemoAir my flight was delayed 5 hours and nobody told us why',
  );
  const path = `/api/cases/x-${tweet}`;
  const text = 'So sorry about the wait. Can you send us your booking reference by DM?';
  // A double click: the same request twice at once. One is accepted, and one post goes out.
  const request = { version: opened.case.version, text, visibility: 'public', requestId: 'reply-0000004' };
  const [first, second] = await Promise.all([
    call('POST', `${path}/reply`, { agent: 'ana', body: request }),
    call('POST', `${path}/reply`, { agent: 'ana', body: request }),
  ]);
  const statuses = [first.status, second.status].sort();
  assert.ok(statuses[0] === 202 && [202, 409].includes(statuses[1] as number), String(statuses));
  const accepted = first.status === 202 ? first.body : second.body;
  assert.deepEqual(accepted.outboxIds, [`agent_reply:x-${tweet}:reply-0000004`]);
  // What is on its way, as it will be posted: the console shows it on the case at once.
  assert.deepEqual(
    (accepted.queued as Array<Record<string, unknown>>).map(({ outboxId, text: queued, visibility }) => ({
      outboxId,
      text: queued,
      visibility,
    })),
    [{ outboxId: `agent_reply:x-${tweet}:reply-0000004`, text, visibility: 'public' }],
  );

  const [sent] = await waitFor('the reply at the stand-in', async () => {
    const found = sentFor(tweet);
    return found.length ? found : undefined;
  });
  assert.equal(sent?.platform, 'x');
  assert.equal(sent?.kind, 'reply');
  assert.equal(sent?.accountId, '4000001', "sent with the care account's credentials");
  assert.equal(sent?.text, text);
  // The same request again later (a retry) is refused and sends nothing.
  assert.equal((await call('POST', `${path}/reply`, { agent: 'ana', body: request })).status, 409);

  await waitFor('the reply on the case', async () => {
    const found = await getCase(`x-${tweet}`);
    return found.messages.some((m) => m.direction === 'out') ? found : undefined;
  });
  await system.drained();
  // Read again: the case and its messages are two reads, and the first may have raced the sender's write.
  const detail = await getCase(`x-${tweet}`);
  assert.equal(sentFor(tweet).length, 1, 'exactly one post');
  const out = detail.messages.find((m) => m.direction === 'out');
  assert.equal(out?.sentBy, 'ana');
  assert.equal(out?.reason, 'agent_reply');
  assert.equal(out?.visibility, 'public');
  assert.equal(out?.text, text);
  assert.equal(detail.case.status, 'waiting_on_customer');
  assert.equal(detail.case.assignee, 'ana', 'replying takes an unowned case');
  assert.ok(detail.case.firstRespondedAt);
});

test('a private reply goes by DM, with the brand’s short public note in the thread', async () => {
  const tweet = '1880000000000000005';
  const opened = await openCase(tweet, '8005', '@DemoAir I was charged twice for my ticket, this is a mess');
  const result = await call('POST', `/api/cases/x-${tweet}/reply`, {
    agent: 'ben',
    body: {
      version: opened.case.version,
      text: 'Hi, we will sort out the double charge here. Which card did you pay with (last 4 digits only)?',
      visibility: 'private',
      requestId: 'private-00005',
    },
  });
  assert.equal(result.status, 202, JSON.stringify(result.body));
  assert.deepEqual(result.body.outboxIds, [
    `agent_reply:x-${tweet}:private-00005`,
    `public_note:x-${tweet}:private-00005`,
  ]);
  const dm = await waitFor('the DM', async () =>
    system.standIn.sent.find((s) => s.kind === 'dm' && s.recipientId === '8005'),
  );
  assert.equal(dm.accountId, '4000001');
  assert.match(dm.text, /double charge/);
  const [note] = await waitFor('the public note', async () => {
    const found = sentFor(tweet);
    return found.length ? found : undefined;
  });
  assert.equal(note?.kind, 'reply');
  assert.equal(note?.accountId, '4000001');
  const brand = ((await call('GET', '/api/brands')).body.brands as Array<{ agentDesk: Body }>)[0];
  assert.equal(note?.text, brand?.agentDesk.movedToPrivateNote);
  assert.doesNotMatch(note!.text, /double charge/, 'the private text never goes public');
});

test('compliance: card numbers and links to other domains are refused with each problem; nothing is sent', async () => {
  const tweet = '1880000000000000006';
  const opened = await openCase(tweet, '8006', '@DemoAir the app will not let me pay, please help');
  const path = `/api/cases/x-${tweet}`;
  const reply = (text: string, visibility: string, requestId: string) =>
    call('POST', `${path}/reply`, {
      agent: 'ana',
      body: { version: opened.case.version, text, visibility, requestId },
    });

  const card = await reply(
    'Please pay with card 4111 1111 1111 1111 and we will refund you.',
    'public',
    'comply-00001',
  );
  assert.equal(card.status, 422);
  assert.deepEqual(
    (card.body.problems as Array<{ code: string }>).map((p) => p.code),
    ['private_data'],
  );
  assert.match(String(card.body.error), /the reply was not sent: card number must not be sent in public/);
  // A card number is blocked even by DM.
  const cardByDm = await reply('Your card 4111 1111 1111 1111 is blocked.', 'private', 'comply-00002');
  assert.equal(cardByDm.status, 422);

  const link = await reply(
    'Details here: https://evil.example/pay and https://www.demoair.example/help',
    'public',
    'comply-00003',
  );
  assert.equal(link.status, 422);
  const problems = link.body.problems as Array<{ code: string; message: string }>;
  assert.deepEqual(
    problems.map((p) => p.code),
    ['link_not_allowed'],
  );
  assert.match(
    problems[0]!.message,
    /links may only go to .*demoair\.example.*: https:\/\/evil\.example\/pay/,
  );

  const both = await reply(
    `${'x'.repeat(270)} https://evil.example/a 4111111111111111`,
    'public',
    'comply-00004',
  );
  assert.deepEqual((both.body.problems as Array<{ code: string }>).map((p) => p.code).sort(), [
    'link_not_allowed',
    'private_data',
    'too_long',
  ]);

  // The allowed domain passes: the version the agent saw is still current, nothing was changed.
  const ok = await reply('Pay here: https://www.demoair.example/help', 'public', 'comply-00005');
  assert.equal(ok.status, 202, JSON.stringify(ok.body));
  await waitFor('the compliant reply', async () => (sentFor(tweet).length ? true : undefined));
  await system.drained();
  assert.deepEqual(
    sentFor(tweet).map((s) => s.text),
    ['Pay here: https://www.demoair.example/help'],
    'only the compliant reply reached the platform',
  );
  assert.ok(!system.standIn.sent.some((s) => s.text.includes('4111') || s.text.includes('evil.example')));
});

test('assign, notes and tags: each change names the version; notes need none', async () => {
  const opened = await openCase('1880000000000000007', '8007', '@DemoAir wifi on board did not work at all');
  const path = '/api/cases/x-1880000000000000007';
  const assigned = await call('POST', `${path}/assign`, {
    agent: 'ana',
    body: { version: opened.case.version, assignee: ' carol ' },
  });
  assert.equal(assigned.status, 200);
  const v1 = (assigned.body.case as CaseView['case']).version;
  assert.equal((assigned.body.case as CaseView['case']).assignee, 'carol');

  const noted = await call('POST', `${path}/notes`, {
    agent: 'ana',
    body: { text: '  Known issue on the A321neo fleet.  ' },
  });
  assert.equal(noted.status, 201);
  assert.deepEqual(
    (noted.body.notes as Body[]).map((n) => [n.author, n.text]),
    [['ana', 'Known issue on the A321neo fleet.']],
  );

  const tagged = await call('PUT', `${path}/tags`, {
    agent: 'ana',
    body: { version: v1, tags: ['wifi', 'fleet issue', 'wifi'] },
  });
  assert.equal(tagged.status, 200);
  assert.deepEqual((tagged.body.case as CaseView['case']).tags, ['wifi', 'fleet issue']);
  // Tags on a version already changed are refused.
  assert.equal((await call('PUT', `${path}/tags`, { body: { version: v1, tags: [] } })).status, 409);

  const detail = await getCase('x-1880000000000000007');
  assert.deepEqual(detail.case.tags, ['wifi', 'fleet issue']);
  assert.equal(detail.case.assignee, 'carol');
  assert.equal(detail.notes.length, 1);
  assert.equal(detail.customer.caseCount, 1);
});

test('the queue: open cases by deadline then priority, filters and counts', async () => {
  await openCase('1880000000000000008', '8008', '@DemoAir thanks for the smooth flight today');
  const { status, body } = await call('GET', '/api/cases?limit=200');
  assert.equal(status, 200);
  const cases = body.cases as Array<CaseView['case'] & { nextDeadlineAt?: string }>;
  const deadlines = cases.map((c) => c.nextDeadlineAt ?? '9999');
  assert.deepEqual(deadlines, [...deadlines].sort(), 'soonest deadline first');
  const counts = body.counts as Record<string, number>;
  for (const key of ['open', 'waiting_on_customer', 'unassigned', 'breached'])
    assert.equal(typeof counts[key], 'number');
  assert.ok(Date.parse(String(body.now)) > 0);

  const unassigned = (await call('GET', '/api/cases?assignee=none')).body.cases as CaseView['case'][];
  assert.ok(unassigned.length > 0 && unassigned.every((c) => !c.assignee));
  assert.equal(counts.unassigned, unassigned.length);
  const carol = (await call('GET', '/api/cases?assignee=carol')).body.cases as CaseView['case'][];
  assert.deepEqual(
    carol.map((c) => c.caseId),
    ['x-1880000000000000007'],
  );
  const waiting = (await call('GET', '/api/cases?status=waiting_on_customer')).body
    .cases as CaseView['case'][];
  assert.ok(waiting.length > 0 && waiting.every((c) => c.status === 'waiting_on_customer'));
  const positive = (await call('GET', '/api/cases?sentiment=POSITIVE')).body.cases as Array<Body>;
  assert.ok(positive.some((c) => c.caseId === 'x-1880000000000000008'));
  assert.ok(positive.every((c) => c.sentiment === 'POSITIVE'));
  assert.deepEqual((await call('GET', '/api/cases?breached=true')).body.cases, []);
  assert.deepEqual((await call('GET', '/api/cases?platform=facebook')).body.cases, []);
  assert.equal(((await call('GET', '/api/cases?limit=1')).body.cases as unknown[]).length, 1);
});

test('resolve with a public close-out: posted in the thread, the case leaves the queue', async () => {
  const tweet = '1880000000000000009';
  const opened = await openCase(tweet, '8009', '@DemoAir lost my headphones on the plane');
  const path = `/api/cases/x-${tweet}`;
  const resolved = await call('POST', `${path}/resolve`, {
    agent: 'ana',
    body: {
      version: opened.case.version,
      closeOut: 'Found them! They are at the service desk for you.',
      requestId: 'close-000009',
    },
  });
  assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
  assert.deepEqual(resolved.body.outboxIds, [`public_note:x-${tweet}:close-000009`]);
  const closed = resolved.body.case as CaseView['case'] & { resolvedBy: string; nextDeadlineAt?: string };
  assert.equal(closed.status, 'resolved');
  assert.equal(closed.resolvedBy, 'ana');
  assert.equal(closed.nextDeadlineAt, undefined, 'no deadline runs on a resolved case');
  const [post] = await waitFor('the close-out', async () => {
    const found = sentFor(tweet);
    return found.length ? found : undefined;
  });
  assert.equal(post?.accountId, '4000001');
  assert.equal(post?.text, 'Found them! They are at the service desk for you.');
  const queue = (await call('GET', '/api/cases?limit=200')).body.cases as CaseView['case'][];
  assert.ok(!queue.some((c) => c.caseId === `x-${tweet}`));
  // Resolving twice: the first answer stands. (The sender records the close-out on the case, a new
  // version: read the version once it is done.)
  await system.drained();
  const current = (await getCase(`x-${tweet}`)).case.version;
  const again = await call('POST', `${path}/resolve`, { body: { version: current } });
  assert.equal(again.status, 400);
  assert.equal(again.body.field, 'case');
  // Replying on a resolved case is refused too.
  const late = await call('POST', `${path}/reply`, {
    body: { version: current, text: 'One more thing', visibility: 'public', requestId: 'late-0000009' },
  });
  assert.equal(late.status, 400);
  // Without a close-out, nothing is posted.
  const quiet = await openCase('1880000000000000010', '8010', '@DemoAir never mind, found the answer');
  const done = await call('POST', '/api/cases/x-1880000000000000010/resolve', {
    body: { version: quiet.case.version },
  });
  assert.equal(done.status, 200);
  assert.deepEqual(done.body.outboxIds, []);
});

test('abuse marks: PUT marks with who and why, DELETE lifts, the case view shows it', async () => {
  await openCase('1880000000000000011', '8011', '@DemoAir you are all useless idiots');
  const marked = await call('PUT', '/api/customers/demoair/x/8011/abuse', {
    agent: 'ana',
    body: { note: 'repeated insults' },
  });
  assert.equal(marked.status, 200);
  assert.equal(marked.body.abusive, true);
  assert.deepEqual(
    { ...(marked.body.mark as Body), at: 'at' },
    { by: 'ana', at: 'at', note: 'repeated insults' },
  );
  assert.equal(((await getCase('x-1880000000000000011')).customer.abusive as Body).by, 'ana');
  assert.deepEqual((await call('DELETE', '/api/customers/demoair/x/8011/abuse')).body, { abusive: false });
  assert.equal((await getCase('x-1880000000000000011')).customer.abusive, undefined);
});

test('reports and pages: response rate and first-response times per brand and channel, day by day', async () => {
  await system.drained();
  const { status, body } = await call('GET', '/api/reports');
  assert.equal(status, 200);
  const rows = body.rows as Array<Body & { firstResponseSeconds: Body }>;
  const xPublic = rows.find((r) => r.brandId === 'demoair' && r.channel === 'x public');
  assert.ok(xPublic, JSON.stringify(rows));
  assert.ok((xPublic.cases as number) >= 10);
  assert.ok((xPublic.answered as number) >= 3, 'the replies above are first responses');
  assert.equal(xPublic.responseRate, (xPublic.answered as number) / (xPublic.cases as number));
  assert.equal(typeof xPublic.firstResponseSeconds.p50, 'number');
  const series = body.series as Array<Body>;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
  assert.ok(series.some((p) => p.date === today && (p.cases as number) >= 10));
  for (const key of [
    'answered',
    'responseRate',
    'firstResponseP50',
    'breaches',
    'positive',
    'negative',
    'neutral',
  ]) {
    assert.ok(key in (series[0] ?? {}), key);
  }
  const empty = await call(
    'GET',
    '/api/reports?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z&brand=demoair',
  );
  assert.deepEqual({ rows: empty.body.rows, series: empty.body.series }, { rows: [], series: [] });

  const pages = await call('GET', '/api/pages?limit=10');
  assert.equal(pages.status, 200);
  assert.ok(Array.isArray(pages.body.pages));
});

/** A request with a chosen Host header (fetch does not let one set it). */
function rawGet(
  path: string,
  host: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(system.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: { host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the console is served at / with a strict CSP; its settings never carry a token', async () => {
  const page = await fetch(`${system.url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'; script-src 'self'/);
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  const html = await page.text();
  const script = /src="\.(\/assets\/main-[A-Z0-9]+\.js)"/.exec(html)?.[1];
  assert.ok(script, html);
  const asset = await fetch(`${system.url}${script}`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
  assert.equal((await fetch(`${system.url}/assets/missing.js`)).status, 404);
  assert.equal((await fetch(`${system.url}/`, { method: 'POST' })).status, 405);

  const port = new URL(system.url).port;
  const local = await rawGet('/console-config.json', `127.0.0.1:${port}`);
  // Each agent signs in with their own token: the console's settings hand out none.
  assert.deepEqual(JSON.parse(local.body), { mode: 'local', apiBase: '' });
  const rebound = await rawGet('/console-config.json', `evil.example:${port}`);
  assert.deepEqual(JSON.parse(rebound.body), { mode: 'local', apiBase: '' });
  assert.equal(rebound.headers['cache-control'], 'no-store');
});
