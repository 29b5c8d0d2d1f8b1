import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { AgentRecord, AgentRegistry } from '../../functions/core/access/agents';
import {
  createAuthenticator,
  hashToken,
  initialsOf,
  parseNewAgent,
  sameSecret,
  TOKEN_ADMIN,
} from '../../functions/core/access/agents';
import { auditDays, auditLine } from '../../functions/core/access/audit';
import {
  ACTIONS,
  type Action,
  ALL_BRANDS,
  allowedActions,
  type Decision,
  decide,
  type Role,
} from '../../functions/core/access/policy';

// The whole table: every role × every action × own brand / another brand / no brand named.
const SUPERVISOR: ReadonlySet<Action> = new Set([
  'case.assign',
  'customer.abuse',
  'report.read',
  'audit.read',
  'label.export',
  'data.export',
  'agent.list',
  'account.list',
  'routing.read',
  'routing.manage',
]);
const ADMIN: ReadonlySet<Action> = new Set(['agent.manage', 'account.reauthorize']);

function expected(role: Role, action: Action, brand: 'own' | 'other' | 'none'): Decision {
  if (brand === 'other') return 'not_found';
  if (ADMIN.has(action)) return role === 'admin' ? 'allowed' : 'forbidden';
  if (SUPERVISOR.has(action)) return role === 'agent' ? 'forbidden' : 'allowed';
  return 'allowed';
}

test('the access policy: role × action × own brand, another brand, no brand', () => {
  let rows = 0;
  for (const role of ['agent', 'supervisor', 'admin'] as const) {
    const caller = { id: 'a', role, brands: ['alpha'] };
    for (const action of ACTIONS) {
      for (const brand of ['own', 'other', 'none'] as const) {
        const brands = brand === 'own' ? ['alpha'] : brand === 'other' ? ['beta'] : [];
        assert.equal(
          decide(caller, action, brands),
          expected(role, action, brand),
          `${role} ${action} ${brand}`,
        );
        rows++;
      }
    }
  }
  assert.equal(rows, 3 * ACTIONS.length * 3);
});

test('another brand is absent whatever the role; a request about two brands needs both', () => {
  const admin = { id: 'x', role: 'admin' as const, brands: ['alpha'] };
  assert.equal(decide(admin, 'case.view', ['beta']), 'not_found');
  assert.equal(decide(admin, 'agent.manage', ['alpha', 'beta']), 'not_found');
  assert.equal(decide({ ...admin, brands: ['alpha', 'beta'] }, 'agent.manage', ['alpha', 'beta']), 'allowed');
  // Every brand ("*") covers any brand, and only it covers an agent of every brand.
  assert.equal(decide({ ...admin, brands: [ALL_BRANDS] }, 'case.view', ['gamma']), 'allowed');
  assert.equal(decide(admin, 'agent.manage', [ALL_BRANDS]), 'not_found');
});

test('the console is told which actions the role has', () => {
  assert.ok(!allowedActions({ role: 'agent' }).includes('case.assign'));
  assert.ok(allowedActions({ role: 'supervisor' }).includes('customer.abuse'));
  assert.ok(!allowedActions({ role: 'supervisor' }).includes('agent.manage'));
  assert.deepEqual(allowedActions({ role: 'admin' }), [...ACTIONS]);
});

test('a new agent: every field checked, initials from the name unless an admin sets them', () => {
  const agent = parseNewAgent({ name: ' Sam de Vries ', brands: ['alpha'], role: 'agent' }, ['alpha']);
  assert.deepEqual(agent, {
    name: 'Sam de Vries',
    initials: 'SV',
    brands: ['alpha'],
    role: 'agent',
    teams: [],
  });
  assert.equal(initialsOf('Ana'), 'A');
  const bad: Array<[Record<string, unknown>, string]> = [
    [{ brands: ['alpha'], role: 'agent' }, 'name'],
    [{ name: 'A', brands: [], role: 'agent' }, 'brands'],
    [{ name: 'A', brands: ['beta'], role: 'agent' }, 'brands'],
    [{ name: 'A', brands: ['alpha'], role: 'boss' }, 'role'],
    [{ name: 'A', brands: ['alpha'], role: 'agent', teams: ['Bad Team'] }, 'teams'],
    [{ name: 'A', brands: ['alpha'], role: 'agent', capacity: 0 }, 'capacity'],
    [{ name: '<script>', brands: ['alpha'], role: 'agent' }, 'name'],
  ];
  for (const [input, field] of bad) {
    assert.throws(
      () => parseNewAgent(input, ['alpha']),
      (e: Error & { field?: string }) => e.field === field,
    );
  }
});

function registryWith(agents: AgentRecord[]): AgentRegistry {
  return {
    addAgent: async () => 'written',
    getAgent: async (id) => agents.find((a) => a.id === id),
    findByTokenHash: async (hash) => agents.find((a) => a.tokenHash === hash),
    listAgents: async () => agents,
    removeAgent: async () => false,
  };
}

test('tokens: the environment admin token or an agent token by its hash; Cognito by sub or the admin group', async () => {
  const sam: AgentRecord = {
    id: 'sam',
    name: 'Sam',
    initials: 'S',
    role: 'agent',
    brands: ['alpha'],
    teams: [],
    tokenHash: hashToken('sc_sam'),
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: 'admin',
  };
  const auth = createAuthenticator(registryWith([sam]), 'admin-secret');
  assert.equal(await auth.byToken('admin-secret'), TOKEN_ADMIN);
  assert.equal((await auth.byToken('sc_sam'))?.id, 'sam');
  assert.equal(await auth.byToken('sc_samx'), undefined);
  assert.equal(await auth.byToken('admin-secretx'), undefined);
  assert.equal((await auth.byClaims({ sub: 'sam' }))?.role, 'agent');
  assert.equal(await auth.byClaims({ sub: 'nobody' }), undefined);
  assert.equal((await auth.byClaims({ sub: 'boss', 'cognito:groups': '[socialcare-admin]' }))?.role, 'admin');
  assert.ok(sameSecret('a', 'a') && !sameSecret('a', 'ab'));
});

test('audit export lines: CSV cells quoted and formula-safe, JSON lines whole; a period’s UTC days', () => {
  const entry = {
    auditId: '2026-01-01T10:00:00.000Z#000001#ab',
    at: '2026-01-01T10:00:00.000Z',
    brandId: 'alpha',
    agentId: 'sam',
    agentName: '=HYPERLINK("x")',
    role: 'agent',
    action: 'tag' as const,
    caseId: 'x-1',
    caseVersion: 3,
    detail: { tags: ['a', 'b'] },
  };
  assert.equal(
    auditLine(entry, 'csv'),
    `2026-01-01T10:00:00.000Z,alpha,sam,"'=HYPERLINK(""x"")",agent,tag,x-1,3,,"{""tags"":[""a"",""b""]}"\n`,
  );
  assert.deepEqual(JSON.parse(auditLine(entry, 'jsonl')), entry);
  assert.deepEqual(auditDays('2026-01-30T23:00:00Z', '2026-02-01T01:00:00Z'), [
    '2026-01-30',
    '2026-01-31',
    '2026-02-01',
  ]);
});
