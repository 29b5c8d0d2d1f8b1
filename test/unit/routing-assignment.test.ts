import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type AgentLoad, assignmentOrder, stickyAgent } from '../../functions/core/routing/assignment';

const NOW = new Date('2026-12-03T12:00:00Z');
const DAY = 86_400_000;
const WEEK = 7 * DAY;

type StickyRow = [what: string, previous: Parameters<typeof stickyAgent>[0], agent: string | undefined];
const STICKY: StickyRow[] = [
  [
    'closed 2 days ago by ann',
    { status: 'resolved', assignee: 'ann', resolvedAt: '2026-12-01T12:00:00Z' },
    'ann',
  ],
  [
    'closed exactly 7 days ago',
    { status: 'resolved', assignee: 'ann', resolvedAt: '2026-11-26T12:00:00Z' },
    'ann',
  ],
  [
    'closed 8 days ago',
    { status: 'resolved', assignee: 'ann', resolvedAt: '2026-11-25T12:00:00Z' },
    undefined,
  ],
  ['closed but nobody owned it', { status: 'resolved', resolvedAt: '2026-12-02T12:00:00Z' }, undefined],
  ['still open (the post joins it instead)', { status: 'open', assignee: 'ann' }, undefined],
  ['no previous case', undefined, undefined],
  [
    'closed "in the future" (clock skew)',
    { status: 'resolved', assignee: 'ann', resolvedAt: '2026-12-04T12:00:00Z' },
    undefined,
  ],
];

describe('stickyAgent: a returning customer goes back to the agent of their previous case', () => {
  test.each(STICKY)('%s', (_what, previous, agent) => {
    assert.equal(stickyAgent(previous, NOW, WEEK), agent);
  });
});

const load = (
  agentId: string,
  openCases: number,
  capacity = 5,
  status: AgentLoad['status'] = 'available',
) => ({
  agentId,
  openCases,
  capacity,
  status,
});

type OrderRow = [what: string, loads: AgentLoad[], order: string[]];
const ORDER: OrderRow[] = [
  ['fewest open cases first', [load('ann', 3), load('bob', 1), load('cy', 2)], ['bob', 'cy', 'ann']],
  ['away agents never get a case', [load('ann', 0, 5, 'away'), load('bob', 4)], ['bob']],
  ['full agents never get a case', [load('ann', 5), load('bob', 6), load('cy', 4)], ['cy']],
  [
    'a tie goes to more room left, then the id',
    [load('cy', 2, 10), load('bob', 2, 3), load('ann', 2, 10)],
    ['ann', 'cy', 'bob'],
  ],
  ['nobody can take it', [load('ann', 5), load('bob', 0, 5, 'away')], []],
];

describe('assignmentOrder: available, under capacity, least loaded first', () => {
  test.each(ORDER)('%s', (_what, loads, order) => {
    assert.deepEqual(
      assignmentOrder(loads).map((l) => l.agentId),
      order,
    );
  });
});
