import assert from 'node:assert/strict';
import { beforeEach, describe, test } from '@jest/globals';
import type { AgentRecord } from '../../functions/core/access/agents';
import type { Interaction } from '../../functions/core/interaction';
import { type RecordDeps, recordInteractions } from '../../functions/core/record-interactions';
import { fillTeamQueues } from '../../functions/core/routing/dispatch';
import {
  InMemoryAgentRegistry,
  InMemoryCaseStore,
  InMemoryRoutingStore,
  StubSentiment,
} from '../fakes/in-memory';
import { demoDirectory } from '../helpers';

// The dispatcher on in-memory ports: the demo brand's config rules pick the team, the sticky agent
// is tried first and falls back to the team, nobody gets a case when away or full.

const directory = demoDirectory();
const brand = directory.brand('demoair')!;
let store: InMemoryCaseStore;
let routing: InMemoryRoutingStore;
let agents: InMemoryAgentRegistry;
let deps: RecordDeps;
let clock: Date;
let seq = 0;

function agent(id: string, teams: string[], capacity?: number): AgentRecord {
  return {
    id,
    name: id,
    initials: id.slice(0, 2).toUpperCase(),
    role: 'agent',
    brands: ['demoair'],
    teams,
    ...(capacity ? { capacity } : {}),
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: 'admin',
  };
}

function post(author: string, text: string): Interaction {
  seq++;
  return {
    schemaVersion: 1,
    platform: 'x',
    visibility: 'public',
    kind: 'mention',
    platformMessageId: String(1_000_000 + seq),
    brandId: 'demoair',
    account: { id: '4000001', role: 'care' },
    author: { id: author, handle: `h${author}` },
    text,
    createdAt: clock.toISOString(),
    receivedAt: clock.toISOString(),
  };
}

async function record(author: string, text: string) {
  const [outcome] = await recordInteractions([post(author, text)], deps);
  assert.ok(outcome && !(outcome instanceof Error) && outcome.status === 'opened', String(outcome));
  return store.cases.get(outcome.caseId)!;
}

async function resolve(caseId: string, at: Date) {
  const c = store.cases.get(caseId)!;
  await store.updateCase(
    { ...c, version: c.version + 1, status: 'resolved', resolvedAt: at.toISOString() },
    c.version,
  );
  if (c.assignee) await routing.release(c.assignee, caseId);
}

beforeEach(async () => {
  store = new InMemoryCaseStore();
  routing = new InMemoryRoutingStore(store);
  agents = new InMemoryAgentRegistry();
  clock = new Date('2026-12-01T10:00:00Z');
  deps = {
    directory,
    store,
    // Thanks read as positive (the no-reply lane); everything else as the complaints these tests send.
    sentiment: new StubSentiment((text) => (/thank you/i.test(text) ? 'POSITIVE' : 'NEGATIVE')),
    routing: { routing, cases: store, agents, now: () => clock },
  };
  await agents.addAgent(agent('ann', ['baggage'], 2));
  await agents.addAgent(agent('bob', ['baggage'], 2));
  await agents.addAgent(agent('cat', ['care']));
  for (const id of ['ann', 'bob', 'cat']) await routing.setStatus(id, 'available', clock.toISOString());
});

describe('assigning new cases', () => {
  test('the config rules route; the least-loaded available member gets the case; full means it waits', async () => {
    const cases = [];
    for (let i = 0; i < 5; i++)
      cases.push(await record(`c${i}`, `@DemoAir my suitcase ${i} is lost and my bag is damaged`));
    assert.deepEqual(
      cases.map((c) => [c.team, c.routedBy?.rule]),
      Array(5).fill(['baggage', 'bags']),
    );
    const owners = cases.map((c) => store.cases.get(c.caseId)!.assignee ?? null);
    assert.deepEqual(owners, ['ann', 'bob', 'ann', 'bob', null]);
    // A slot frees: the waiting case goes to whoever has room.
    await resolve(cases[0]!.caseId, clock);
    const filled = await fillTeamQueues(brand, ['baggage'], deps.routing!);
    assert.deepEqual(
      filled.map((c) => [c.caseId, c.assignee]),
      [[cases[4]!.caseId, 'ann']],
    );
  });

  test('a case in the no-reply lane is routed to its team but takes no agent: a thank-you uses no capacity', async () => {
    const thanks = await record('t1', '@DemoAir thank you so much, lovely crew today!');
    const stored = store.cases.get(thanks.caseId)!;
    assert.equal(stored.lane, 'no_reply');
    assert.equal(stored.assignee, undefined);
    assert.deepEqual((await routing.getAgentState('cat'))?.openCaseIds, []);
  });

  test('a returning customer gets their last agent; away or too late: the team decides', async () => {
    const first = await record('r1', '@DemoAir my invoice is wrong');
    assert.equal(store.cases.get(first.caseId)!.assignee, 'cat');
    await resolve(first.caseId, clock);
    // Two days later, about baggage: back to Cat, though the rules say baggage.
    clock = new Date('2026-12-03T10:00:00Z');
    const second = await record('r1', '@DemoAir and now my suitcase is lost');
    assert.deepEqual(
      [
        store.cases.get(second.caseId)!.assignee,
        store.cases.get(second.caseId)!.assignedBy?.how,
        second.team,
      ],
      ['cat', 'sticky', 'baggage'],
    );
    await resolve(second.caseId, clock);
    // Cat is away: the baggage team takes it.
    await routing.setStatus('cat', 'away', clock.toISOString());
    const third = await record('r1', '@DemoAir my suitcase again');
    assert.deepEqual(
      [store.cases.get(third.caseId)!.assignee, store.cases.get(third.caseId)!.assignedBy?.how],
      ['ann', 'auto'],
    );
    await resolve(third.caseId, clock);
    // Eight days after Ann closed it: too late to be sticky; Ann holds another case, so Bob takes it.
    await routing.setStatus('ann', 'away', clock.toISOString());
    clock = new Date('2026-12-11T10:00:01Z');
    await routing.setStatus('ann', 'available', clock.toISOString());
    await routing.hold('ann', 'elsewhere');
    const fourth = await record('r1', '@DemoAir suitcase once more');
    assert.deepEqual(
      [store.cases.get(fourth.caseId)!.assignee, store.cases.get(fourth.caseId)!.assignedBy?.how],
      ['bob', 'auto'],
    );
  });

  test("nobody available: the case waits in its team's queue, no load counted", async () => {
    for (const id of ['ann', 'bob', 'cat']) await routing.setStatus(id, 'away', clock.toISOString());
    const waiting = await record('w1', '@DemoAir my suitcase is gone');
    assert.equal(store.cases.get(waiting.caseId)!.assignee, undefined);
    assert.equal(waiting.team, 'baggage');
    assert.deepEqual(
      [...routing.states.values()].map((s) => s.openCaseIds.length),
      [0, 0, 0],
    );
  });
});
