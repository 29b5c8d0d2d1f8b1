import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import type { CareCase } from '../../functions/core/cases';
import {
  applyCorrection,
  type LabelledExample,
  labelLine,
  labelTsvHeader,
  parseCorrection,
} from '../../functions/core/corrections';
import { demoDirectory } from '../helpers';

const brand = demoDirectory().brand('demoair')!;

const careCase = {
  caseId: 'x-1',
  brandId: 'demoair',
  platform: 'x',
  status: 'open',
  version: 4,
  priority: 'normal',
  priorityReasons: [],
  risks: [],
  sentiment: 'POSITIVE',
  sentimentScores: { positive: 0.9, negative: 0.05, neutral: 0.05, mixed: 0 },
  sentimentSource: 'local',
  intent: null,
  action: 'agent',
  lane: 'no_reply',
  topic: 'praise',
  customer: { platform: 'x', id: '42' },
  accountId: '4000001',
  accountRole: 'care',
  visibility: 'public',
  subject: 'love being stuck on your train for 3 hours',
  openedAt: '2026-11-23T10:00:00.000Z',
  lastInboundAt: '2026-11-23T10:00:00.000Z',
  messageCount: 1,
} as CareCase;

describe('parseCorrection', () => {
  test.each([
    [{ sentiment: 'NEGATIVE' }, { sentiment: 'NEGATIVE' }],
    [{ topic: 'delay' }, { topic: 'delay' }],
    [{ topic: null }, { topic: null }],
    [
      { needsReply: true, sentiment: 'NEUTRAL' },
      { sentiment: 'NEUTRAL', needsReply: true },
    ],
  ])('%j is %j', (body, expected) => {
    assert.deepEqual(parseCorrection(body, brand), expected);
  });
  test.each([
    [{}, /say what to correct/],
    [{ sentiment: 'MIXED' }, /sentiment: one of NEGATIVE, NEUTRAL, POSITIVE/],
    [{ topic: 'weather' }, /topic: one of the brand's topics \(delay, cancellation/],
    [{ needsReply: 'yes' }, /needsReply: true or false/],
  ])('%j is refused', (body, message) => {
    assert.throws(() => parseCorrection(body, brand), message);
  });
});

describe('applyCorrection', () => {
  const now = new Date('2026-11-23T10:30:00.000Z');
  test('sarcasm read as praise: negative, about a delay, needs a reply: one version, deadlines from now', () => {
    const corrected = applyCorrection(
      brand,
      careCase,
      { sentiment: 'NEGATIVE', topic: 'delay', needsReply: true },
      'ana',
      now,
    );
    assert.deepEqual(
      [corrected.version, corrected.sentiment, corrected.latestSentiment, corrected.topic, corrected.lane],
      [5, 'NEGATIVE', 'NEGATIVE', 'delay', 'reply'],
    );
    assert.equal(corrected.sentimentScores.negative, 1);
    assert.equal(corrected.sentimentNote, 'corrected by ana');
    assert.equal(corrected.replyLaneSince, now.toISOString());
    assert.ok(corrected.nextDeadlineAt && corrected.nextDeadlineAt > now.toISOString());
  });
  test('no reply needed stops the clocks; the topic can be cleared', () => {
    const owed = applyCorrection(brand, careCase, { needsReply: true }, 'ana', now);
    const quiet = applyCorrection(brand, owed, { needsReply: false, topic: null }, 'ana', now);
    assert.deepEqual(
      [quiet.lane, quiet.nextDeadlineAt, quiet.topic, quiet.version],
      ['no_reply', undefined, null, 6],
    );
  });
});

test('the export: JSON lines as stored, TSV with a header and no tab or newline inside a cell', () => {
  const example: LabelledExample = {
    brandId: 'demoair',
    caseId: 'x-1',
    platform: 'x',
    platformMessageId: '1',
    text: 'love being stuck\ton your train. mail me at [email]\nthanks',
    at: '2026-11-23T10:30:00.000Z',
    agentId: 'ana',
    read: { sentiment: 'POSITIVE', topic: 'praise', needsReply: false },
    corrected: { sentiment: 'NEGATIVE', needsReply: true },
  };
  assert.deepEqual(JSON.parse(labelLine(example, 'jsonl')), example);
  const header = labelTsvHeader().trimEnd().split('\t');
  const cells = labelLine(example, 'tsv').trimEnd().split('\t');
  assert.equal(cells.length, header.length);
  const row = Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  assert.deepEqual(
    [row.sentiment, row.topic, row.needsReply, row.readSentiment, row.readTopic, row.text],
    [
      'NEGATIVE',
      '',
      'true',
      'POSITIVE',
      'praise',
      'love being stuck on your train. mail me at [email] thanks',
    ],
  );
});
