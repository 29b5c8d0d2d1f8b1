import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { pageIdsOfCase, riskPageId, slaPageId } from '../../functions/core/paging';
import { scheduleSla } from '../../functions/core/sla';
import { demoConfig } from '../helpers';

test("a case's pages are found by the ids the risk check and the SLA monitor give them", () => {
  const brand = demoConfig().brands[0]!;
  const sla = scheduleSla(brand, undefined, {
    kind: 'first_response',
    at: '2026-11-23T10:15:00.000Z',
    startedAt: '2026-11-23T10:00:00.000Z',
  })!;
  const ids = pageIdsOfCase(
    {
      caseId: 'x-1',
      slaHistory: [
        { kind: 'first_response', dueAt: '2026-11-23T10:15:00.000Z', step: 'warning' },
        { kind: 'first_response', dueAt: '2026-11-23T10:15:00.000Z', step: 'breach' },
      ],
    },
    [
      { platform: 'x', platformMessageId: '1' },
      { platform: 'x', platformMessageId: '2' },
    ],
  );
  assert.deepEqual(ids, [
    riskPageId('x', '1'),
    riskPageId('x', '2'),
    // The monitor's own id for the deadline it paged about.
    slaPageId('x-1', sla.deadline, 'warning'),
    slaPageId('x-1', sla.deadline, 'breach'),
  ]);
  assert.equal(ids[2], 'sla:x-1:first_response@2026-11-23T10:15:00.000Z:warning');
});
