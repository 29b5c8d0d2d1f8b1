import assert from 'node:assert/strict';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, test } from '@jest/globals';
import { caseItem } from '../../functions/adapters/aws/dynamo-case-store';
import type { CareCase } from '../../functions/core/cases';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { demoConfig } from '../helpers';
import { API_TOKEN, X_SECRET } from './support';

// The agent queue over more open cases than one DynamoDB page or one API page holds: 2,500 cases
// written straight into the embedded table (the triage path is tested elsewhere), read page by page.

const TOTAL = 2500;
let system: LocalSystem;
beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: demoConfig(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
  });
  const doc = DynamoDBDocumentClient.from(system.dynamo.client);
  const base = Date.parse('2026-12-01T08:00:00.000Z');
  const cases: CareCase[] = Array.from({ length: TOTAL }, (_, i) => {
    const at = new Date(base + i * 1000).toISOString();
    // Every tenth case has no deadline (waiting on the customer); every fifth is assigned; same deadline
    // for pairs, so the order falls back to priority and then the case id.
    const waiting = i % 10 === 9;
    const due = new Date(base + 3_600_000 + Math.floor(i / 2) * 60_000).toISOString();
    return {
      caseId: `x-${9_000_000 + i}`,
      brandId: 'demoair',
      platform: 'x',
      status: waiting ? 'waiting_on_customer' : 'open',
      version: 1,
      priority: i % 2 ? 'high' : 'normal',
      priorityReasons: [],
      risks: [],
      sentiment: 'NEGATIVE',
      sentimentScores: { positive: 0, negative: 1, neutral: 0, mixed: 0 },
      sentimentSource: 'local',
      intent: null,
      action: 'agent',
      customer: { platform: 'x', id: String(70_000 + i) },
      accountId: '4000001',
      accountRole: 'care',
      visibility: 'public',
      subject: `my bag ${i}`,
      openedAt: at,
      lastInboundAt: at,
      messageCount: 1,
      ...(waiting
        ? {}
        : { nextDeadlineAt: due, nextDeadlineKind: 'first_response' as const, firstResponseDueAt: due }),
      ...(i % 5 === 0 ? { assignee: 'carol' } : {}),
    };
  });
  // Two items per case are cheap here; the message rows are not needed for the queue.
  const writes: Array<Promise<unknown>> = [];
  for (let start = 0; start < cases.length; start += 25) {
    const chunk = cases.slice(start, start + 25);
    writes.push(
      doc.send(
        new BatchWriteCommand({
          RequestItems: {
            [system.dynamo.tableName]: chunk.map((c) => ({ PutRequest: { Item: caseItem(c) } })),
          },
        }),
      ),
    );
    if (writes.length >= 8) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
});
afterAll(() => system?.stop());

async function queuePage(query: string) {
  const response = await fetch(`${system.url}/api/cases?${query}`, {
    headers: { authorization: `Bearer ${API_TOKEN}` },
  });
  assert.equal(response.status, 200);
  return (await response.json()) as {
    cases: Array<{ caseId: string; nextDeadlineAt?: string; priority: string; assignee?: string }>;
    counts: Record<string, number>;
    next?: string;
  };
}

test('2,500 open cases: counts over all of them, and every case once when paged with `next`', async () => {
  const first = await queuePage('limit=200');
  assert.deepEqual(first.counts, {
    open: TOTAL - TOTAL / 10,
    waiting_on_customer: TOTAL / 10,
    unassigned: TOTAL - TOTAL / 5,
    breached: TOTAL - TOTAL / 10,
    // Every case here is owed an answer: the reply lane (cases before lanes count there too).
    reply: TOTAL,
    no_reply: 0,
  });
  assert.equal(first.cases.length, 200);
  assert.equal(typeof first.next, 'string');

  const seen: string[] = first.cases.map((c) => c.caseId);
  const order = [...first.cases];
  let next = first.next;
  let pages = 1;
  while (next) {
    const page = await queuePage(`limit=200&cursor=${encodeURIComponent(next)}`);
    assert.deepEqual(page.counts, first.counts, 'every page carries the same counts');
    seen.push(...page.cases.map((c) => c.caseId));
    order.push(...page.cases);
    next = page.next;
    pages++;
  }
  assert.equal(pages, Math.ceil(TOTAL / 200));
  assert.equal(seen.length, TOTAL);
  assert.equal(new Set(seen).size, TOTAL, 'no case twice');
  // Soonest deadline first, then priority (high before normal on the same deadline).
  for (let i = 1; i < order.length; i++) {
    const a = order[i - 1]!;
    const b = order[i]!;
    const da = a.nextDeadlineAt ?? '9999';
    const db = b.nextDeadlineAt ?? '9999';
    assert.ok(da < db || (da === db && !(a.priority === 'normal' && b.priority === 'high')), `order at ${i}`);
  }

  // Filters page too: carol's 500 cases in three pages.
  let carol = 0;
  let cursor: string | undefined;
  do {
    const page = await queuePage(
      `assignee=carol&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    assert.ok(page.cases.every((c) => c.assignee === 'carol'));
    carol += page.cases.length;
    cursor = page.next;
  } while (cursor);
  assert.equal(carol, TOTAL / 5);
});

test('a cursor that was not handed out is refused with the field named', async () => {
  const response = await fetch(`${system.url}/api/cases?cursor=not-a-cursor`, {
    headers: { authorization: `Bearer ${API_TOKEN}` },
  });
  assert.equal(response.status, 400);
  assert.deepEqual(await response.json(), {
    error: 'cursor: the "next" value of an earlier page, unchanged',
    field: 'cursor',
  });
});
