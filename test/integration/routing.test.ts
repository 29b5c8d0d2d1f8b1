import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { DynamoRoutingStore } from '../../functions/adapters/aws/dynamo-routing-store';
import { BrandDirectory } from '../../functions/core/brand-config';
import type { CareCase } from '../../functions/core/cases';
import type { Interaction } from '../../functions/core/interaction';
import { recordInteractions } from '../../functions/core/record-interactions';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { mention } from '../e2e/support';
import { StubSentiment } from '../fakes/in-memory';
import { demoConfig } from '../helpers';
import { API_TOKEN, postX, waitFor, X_SECRET } from './support';

// A scripted day on the running local system: a supervisor sets three teams' rules at run time, four
// agents come to work, 60 posts arrive in concurrent batches and route by the rules, loads stay within
// capacity and level, an agent going away moves nothing, a returning customer goes back to their agent,
// freed capacity takes the next waiting case, and a dry run shows where the latest cases would go.

type Body = Record<string, unknown>;
interface Agent {
  id: string;
  token: string;
  capacity: number;
}

let system: LocalSystem;
const agents = {} as Record<'sue' | 'ann' | 'bob' | 'cat' | 'dan' | 'eve' | 'fay', Agent>;

async function call(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Body };
}

async function addAgent(input: Body): Promise<Agent> {
  const { status, body } = await call('POST', '/api/agents', API_TOKEN, input);
  assert.equal(status, 201, JSON.stringify(body));
  return { id: String(body.id), token: String(body.token), capacity: Number(input.capacity ?? 5) };
}

async function setStatus(agent: Agent, status: 'available' | 'away') {
  const result = await call('PUT', '/api/me/status', agent.token, { status });
  assert.equal(result.status, 200, JSON.stringify(result.body));
  return result.body;
}

const RULES = {
  teams: [
    { id: 'baggage', name: 'Baggage' },
    { id: 'loyalty', name: 'Loyalty' },
    { id: 'schiphol-desk', name: 'Schiphol desk' },
  ],
  rules: [
    { id: 'bags', team: 'baggage', when: { keywords: ['suitcase'] } },
    { id: 'miles', team: 'loyalty', when: { keywords: ['miles'] } },
    { id: 'schiphol', team: 'schiphol-desk', when: { keywords: ['schiphol'] } },
  ],
};

const TEXTS = {
  baggage: (n: number) => `@DemoAir my suitcase number ${n} never arrived, please help`,
  loyalty: (n: number) => `@DemoAir my miles from trip ${n} are missing, please check`,
  'schiphol-desk': (n: number) => `@DemoAir queue ${n} at schiphol is not moving, please help`,
} as const;
type Team = keyof typeof TEXTS;
const TEAMS = Object.keys(TEXTS) as Team[];

/** Post ids 1880000000000001000 + n: customer 9000 + n. */
const postId = (n: number) => String(1880000000000001000n + BigInt(n));

async function post(n: number, team: Team, author = String(9000 + n)) {
  const body = mention({
    id: postId(n),
    author,
    handle: `c${author}`,
    name: `Customer ${author}`,
    text: TEXTS[team](n),
  });
  const { status } = await postX(system.url, body);
  assert.equal(status, 200);
}

async function openCases(): Promise<CareCase[]> {
  return system.store.listOpenCases('demoair');
}

/** Every agent's open cases (by assignee on the cases) within capacity, and the stored loads agreeing. */
async function assertWithinCapacity(): Promise<Map<string, number>> {
  const held = new Map<string, number>();
  for (const c of await openCases()) if (c.assignee) held.set(c.assignee, (held.get(c.assignee) ?? 0) + 1);
  for (const agent of Object.values(agents)) {
    const count = held.get(agent.id) ?? 0;
    assert.ok(count <= agent.capacity, `${agent.id} holds ${count} cases, capacity ${agent.capacity}`);
    const me = await call('GET', '/api/me', agent.token);
    assert.equal(me.body.openCases, count, `${agent.id}'s load as stored`);
  }
  return held;
}

beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: demoConfig(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
    visibilityTimeoutSeconds: 1,
    slaIntervalMs: 3_600_000,
  });
  agents.sue = await addAgent({ name: 'Sue Bakker', brands: ['demoair'], role: 'supervisor', teams: [] });
  agents.ann = await addAgent({
    name: 'Ann Smit',
    brands: ['demoair'],
    role: 'agent',
    teams: ['baggage'],
    capacity: 12,
  });
  agents.bob = await addAgent({
    name: 'Bob Visser',
    brands: ['demoair'],
    role: 'agent',
    teams: ['baggage'],
    capacity: 12,
  });
  agents.cat = await addAgent({
    name: 'Cat de Wit',
    brands: ['demoair'],
    role: 'agent',
    teams: ['loyalty'],
    capacity: 5,
  });
  agents.dan = await addAgent({
    name: 'Dan Mulder',
    brands: ['demoair'],
    role: 'agent',
    teams: ['schiphol-desk'],
    capacity: 10,
  });
});
afterAll(() => system?.stop());

describe('a scripted day of routing', () => {
  test('a supervisor replaces the rules at run time: versioned, audited, stale saves refused', async () => {
    const before = await call('GET', '/api/routing/demoair', agents.sue.token);
    assert.equal(before.status, 200);
    assert.equal(before.body.version, 0);
    assert.equal(before.body.source, 'config');
    // Agents do not change the rules.
    assert.equal(
      (await call('PUT', '/api/routing/demoair', agents.ann.token, { version: 0, routing: RULES })).status,
      403,
    );
    const bad = await call('PUT', '/api/routing/demoair', agents.sue.token, {
      version: 0,
      routing: { ...RULES, rules: [{ id: 'x', team: 'nobody' }] },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.problems, ['rules.0.team: no team "nobody" in teams']);
    const saved = await call('PUT', '/api/routing/demoair', agents.sue.token, { version: 0, routing: RULES });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.version, 1);
    const stale = await call('PUT', '/api/routing/demoair', agents.sue.token, { version: 0, routing: RULES });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.currentVersion, 1);
    const after = await call('GET', '/api/routing/demoair', agents.sue.token);
    assert.equal(after.body.version, 1);
    assert.deepEqual(after.body.history, [
      { version: 1, savedAt: (after.body.history as Body[])[0]!.savedAt, savedBy: agents.sue.id },
    ]);
    const audit = await fetch(`${system.url}/api/audit?brand=demoair`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    const changes = (await audit.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Body)
      .filter((e) => e.action === 'routing_changed');
    assert.equal(changes.length, 1);
    assert.equal(changes[0]!.agentId, agents.sue.id);
    assert.deepEqual((changes[0]!.detail as Body).rules, [
      'bags->baggage',
      'miles->loyalty',
      'schiphol->schiphol-desk',
    ]);
  });

  test('60 posts in concurrent batches route by the rules; capacity holds and loads differ by at most one', async () => {
    for (const agent of [agents.ann, agents.bob, agents.cat, agents.dan]) {
      assert.equal((await setStatus(agent, 'available')).status, 'available');
    }
    // 20 per team, interleaved, sent ten at a time so several triage batches run at once.
    const plan = Array.from({ length: 60 }, (_, n) => ({ n, team: TEAMS[n % 3] as Team }));
    for (let start = 0; start < plan.length; start += 10) {
      await Promise.all(plan.slice(start, start + 10).map(({ n, team }) => post(n, team)));
    }
    // 60 posts through the webhook, the queue and triage: minutes on a machine loaded by other work.
    const cases = await waitFor(
      '60 cases',
      async () => {
        const open = await openCases();
        return open.length === 60 ? open : undefined;
      },
      300_000,
    );
    await system.drained();
    for (const { n, team } of plan) {
      const c = cases.find((x) => x.caseId === `x-${postId(n)}`);
      assert.ok(c, `case for post ${n}`);
      assert.equal(c.team, team, `post ${n}`);
      assert.equal(
        c.routedBy?.rule,
        { baggage: 'bags', loyalty: 'miles', 'schiphol-desk': 'schiphol' }[team],
      );
      assert.equal(c.routedBy?.version, 1);
      assert.ok(c.routedBy?.reasons[0]?.startsWith('keyword'));
    }
    const held = await assertWithinCapacity();
    // Baggage: 20 cases for two agents of 12 → 10 each; loyalty: Cat full at 5; Schiphol: Dan full at 10.
    assert.equal((held.get(agents.ann.id) ?? 0) + (held.get(agents.bob.id) ?? 0), 20);
    assert.ok(
      Math.abs((held.get(agents.ann.id) ?? 0) - (held.get(agents.bob.id) ?? 0)) <= 1,
      JSON.stringify([...held]),
    );
    assert.equal(held.get(agents.cat.id), 5);
    assert.equal(held.get(agents.dan.id), 10);
    const open = await openCases();
    assert.equal(open.filter((c) => c.team === 'loyalty' && !c.assignee).length, 15);
    assert.equal(open.filter((c) => c.team === 'schiphol-desk' && !c.assignee).length, 10);
    // The team's queue through the API: its waiting cases.
    const queue = await call('GET', '/api/cases?team=loyalty&assignee=none&limit=200', agents.cat.token);
    assert.equal((queue.body.cases as unknown[]).length, 15);
    assert.ok(open.filter((c) => c.assignee).every((c) => c.assignedBy?.how === 'auto'));
  });

  test('an agent going away moves nothing they hold; new cases for their team wait', async () => {
    const before = (await openCases())
      .filter((c) => c.assignee === agents.dan.id)
      .map((c) => c.caseId)
      .sort();
    assert.equal((await setStatus(agents.dan, 'away')).status, 'away');
    await post(60, 'schiphol-desk');
    const waiting = await waitFor('the 61st case', () => system.store.getCase(`x-${postId(60)}`), 300_000);
    await system.drained();
    const after = (await openCases())
      .filter((c) => c.assignee === agents.dan.id)
      .map((c) => c.caseId)
      .sort();
    assert.deepEqual(after, before);
    assert.equal((await system.store.getCase(waiting.caseId))?.assignee, undefined);
    assert.equal(waiting.team, 'schiphol-desk');
    await assertWithinCapacity();
  });

  test('a returning customer goes back to the agent of their previous case', async () => {
    const bobs = (await openCases()).filter((c) => c.assignee === agents.bob.id && c.team === 'baggage');
    const previous = bobs[0]!;
    const resolved = await call('POST', `/api/cases/${previous.caseId}/resolve`, agents.bob.token, {
      version: previous.version,
    });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    // The same customer writes again, this time about miles (the loyalty team's rule).
    await post(61, 'loyalty', previous.customer.id);
    const next = await waitFor(
      "the returning customer's case",
      async () => {
        const c = await system.store.getCase(`x-${postId(61)}`);
        return c?.assignee ? c : undefined;
      },
      300_000,
    );
    assert.equal(next.team, 'loyalty');
    assert.equal(next.assignee, agents.bob.id);
    assert.equal(next.assignedBy?.how, 'sticky');
    await assertWithinCapacity();
  });

  test("freed capacity takes the team's next waiting case; coming back takes waiting cases", async () => {
    const waitingLoyalty = (await openCases())
      .filter((c) => c.team === 'loyalty' && !c.assignee)
      .sort(
        (a, b) =>
          (a.nextDeadlineAt ?? '').localeCompare(b.nextDeadlineAt ?? '') || a.caseId.localeCompare(b.caseId),
      );
    const cats = (await openCases()).filter((c) => c.assignee === agents.cat.id);
    const done = cats[0]!;
    assert.equal(
      (await call('POST', `/api/cases/${done.caseId}/resolve`, agents.cat.token, { version: done.version }))
        .status,
      200,
    );
    const taken = await system.store.getCase(waitingLoyalty[0]!.caseId);
    assert.equal(taken?.assignee, agents.cat.id);
    assert.equal(taken?.assignedBy?.how, 'auto');
    // Dan comes back with no free slot: nothing moves; once he resolves one, his team's oldest waiting case comes.
    await setStatus(agents.dan, 'available');
    const dans = (await openCases()).filter((c) => c.assignee === agents.dan.id);
    assert.equal(dans.length, 10);
    assert.equal(
      (
        await call('POST', `/api/cases/${dans[0]!.caseId}/resolve`, agents.dan.token, {
          version: dans[0]!.version,
        })
      ).status,
      200,
    );
    assert.equal((await openCases()).filter((c) => c.assignee === agents.dan.id).length, 10);
    await assertWithinCapacity();
  });

  test('reading a case does not mark the reader as viewing it; saying so does', async () => {
    const c = (await openCases()).find((x) => x.assignee === agents.ann.id)!;
    await call('GET', `/api/cases/${c.caseId}`, agents.ann.token);
    assert.deepEqual((await call('GET', `/api/cases/${c.caseId}`, agents.bob.token)).body.viewers, []);
    assert.deepEqual(
      (await call('POST', `/api/cases/${c.caseId}/presence`, agents.ann.token)).body.viewers,
      [],
    );
    assert.deepEqual((await call('GET', `/api/cases/${c.caseId}`, agents.bob.token)).body.viewers, [
      agents.ann.id,
    ]);
  });

  test("the assign list shows the case's team with each agent's status and load", async () => {
    const c = (await openCases()).find((x) => x.team === 'baggage')!;
    const list = await call('GET', `/api/cases/${c.caseId}/assignees`, agents.sue.token);
    assert.equal(list.status, 200);
    assert.equal(list.body.team, 'baggage');
    const rows = list.body.agents as Array<{
      id: string;
      status: string;
      openCases: number;
      capacity: number;
    }>;
    assert.deepEqual(rows.map((r) => r.id).sort(), [agents.ann.id, agents.bob.id].sort());
    assert.ok(rows.every((r) => r.status === 'available' && r.capacity === 12 && r.openCases >= 9));
    assert.equal((await call('GET', `/api/cases/${c.caseId}/assignees`, agents.ann.token)).status, 403);
  });

  test('a dry run shows where the latest cases would go under other rules', async () => {
    const proposal = { ...RULES, rules: RULES.rules.filter((r) => r.id !== 'miles'), defaultTeam: 'baggage' };
    const run = await call('POST', '/api/routing/demoair/dry-run', agents.sue.token, {
      routing: proposal,
      limit: 30,
    });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    const cases = run.body.cases as Array<{
      caseId: string;
      was: { team: string };
      would: { team: string; rule: string | null };
      changed: boolean;
    }>;
    assert.equal(cases.length, 30);
    for (const r of cases) {
      assert.equal(r.changed, r.was.team === 'loyalty', r.caseId);
      if (r.was.team === 'loyalty') assert.deepEqual([r.would.team, r.would.rule], ['baggage', null]);
    }
    const summary = run.body.summary as Body;
    assert.equal(summary.changed, cases.filter((r) => r.was.team === 'loyalty').length);
    // Nothing was changed by it.
    assert.equal((await call('GET', '/api/routing/demoair', agents.sue.token)).body.version, 1);
  });
});

describe('capacity under concurrency', () => {
  test('two triage batches at once, on the embedded DynamoDB, never take an agent above capacity', async () => {
    // A fourth team, with two agents of unequal capacity: 20 cases for 12 + 7 places.
    const current = await call('GET', '/api/routing/demoair', agents.sue.token);
    const routing = {
      ...RULES,
      teams: [...RULES.teams, { id: 'billing', name: 'Billing' }],
      rules: [...RULES.rules, { id: 'invoices', team: 'billing', when: { keywords: ['invoice'] } }],
    };
    const saved = await call('PUT', '/api/routing/demoair', agents.sue.token, {
      version: current.body.version,
      routing,
    });
    assert.equal(saved.status, 200);
    agents.eve = await addAgent({
      name: 'Eve Kok',
      brands: ['demoair'],
      role: 'agent',
      teams: ['billing'],
      capacity: 12,
    });
    agents.fay = await addAgent({
      name: 'Fay Bos',
      brands: ['demoair'],
      role: 'agent',
      teams: ['billing'],
      capacity: 7,
    });
    await setStatus(agents.eve, 'available');
    await setStatus(agents.fay, 'available');
    const at = new Date().toISOString();
    const interaction = (n: number): Interaction => ({
      schemaVersion: 1,
      platform: 'x',
      visibility: 'public',
      kind: 'mention',
      platformMessageId: String(1881000000000000000n + BigInt(n)),
      brandId: 'demoair',
      account: { id: '4000001', role: 'care' },
      author: { id: String(95_000 + n), handle: `payer${n}` },
      text: `@DemoAir invoice ${n} charged me twice, please fix`,
      createdAt: at,
      receivedAt: at,
    });
    const deps = {
      directory: new BrandDirectory(demoConfig()),
      store: system.store,
      sentiment: new StubSentiment(),
      routing: {
        routing: new DynamoRoutingStore(system.dynamo.client, system.dynamo.tableName),
        cases: system.store,
        agents: system.agents,
      },
    };
    const batch = (from: number) =>
      recordInteractions(
        Array.from({ length: 10 }, (_, i) => interaction(from + i)),
        deps,
      );
    const outcomes = (await Promise.all([batch(0), batch(10)])).flat();
    assert.ok(
      outcomes.every((o) => !(o instanceof Error) && o.status === 'opened'),
      JSON.stringify(outcomes),
    );
    const billing = (await openCases()).filter((c) => c.team === 'billing');
    assert.equal(billing.length, 20);
    const held = await assertWithinCapacity();
    assert.equal(held.get(agents.eve.id), 12);
    assert.equal(held.get(agents.fay.id), 7);
    assert.equal(billing.filter((c) => !c.assignee).length, 1);
  });
});
