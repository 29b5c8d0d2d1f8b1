import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { CareCase } from '../../functions/core/cases';
import {
  buildReport,
  buildSeries,
  buildTopicReport,
  formatReport,
  percentile,
} from '../../functions/core/report';

const base = {
  brandId: 'demoair',
  platform: 'x',
  visibility: 'public',
  status: 'resolved',
  sentiment: 'NEUTRAL',
  openedAt: '2026-11-23T10:00:00.000Z',
} as const;

const at = (seconds: number) => new Date(Date.parse(base.openedAt) + seconds * 1000).toISOString();

test('nearest-rank percentiles', () => {
  assert.equal(percentile([], 50), null);
  assert.equal(percentile([5], 95), 5);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), 5);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 10);
});

test('response rate, response-time percentiles, breaches per brand and channel', () => {
  const cases = [
    { ...base, firstRespondedAt: at(60), resolvedBy: 'bot' },
    { ...base, firstRespondedAt: at(600) },
    {
      ...base,
      firstRespondedAt: at(3600),
      slaHistory: [
        { kind: 'first_response', dueAt: at(1800), step: 'warning', at: at(1440) },
        { kind: 'first_response', dueAt: at(1800), step: 'breach', at: at(1800) },
      ],
    },
    { ...base, status: 'open', sentiment: 'NEGATIVE' },
    { ...base, visibility: 'private', firstRespondedAt: at(120) },
  ] as unknown as CareCase[];
  const rows = buildReport(cases);
  assert.deepEqual(
    rows.map((r) => [
      r.channel,
      r.cases,
      r.answered,
      r.responseRate,
      r.autoAnswered,
      r.breaches,
      r.negative,
      r.open,
    ]),
    [
      ['x private', 1, 1, 1, 0, 0, 0, 0],
      ['x public', 4, 3, 0.75, 1, 1, 1, 1],
    ],
  );
  assert.deepEqual(rows[1]?.firstResponseSeconds, { p50: 600, p90: 3600, p95: 3600 });
  const text = formatReport(rows, { from: 'a', to: 'b' });
  assert.match(text, /demoair\s+x public\s+4\s+3\s+75%\s+1\s+10m\s+1\.0h\s+1\.0h\s+10m\s+1m\s+1\s+1\s+1/);
});

test('the daily series counts each case on its local day in the brand timezone', () => {
  const cases = [
    // 23:30 UTC on the 23rd is already the 24th in Amsterdam.
    { ...base, openedAt: '2026-11-23T23:30:00.000Z', firstRespondedAt: '2026-11-23T23:40:00.000Z' },
    { ...base, openedAt: '2026-11-23T10:00:00.000Z', sentiment: 'NEGATIVE' },
    {
      ...base,
      openedAt: '2026-11-23T11:00:00.000Z',
      slaHistory: [{ kind: 'first_response', dueAt: '', step: 'breach', at: '' }],
    },
  ] as unknown as CareCase[];
  const series = buildSeries(cases, 'Europe/Amsterdam');
  assert.deepEqual(
    series.map((p) => [p.date, p.cases, p.answered, p.firstResponseP50, p.breaches, p.negative]),
    [
      ['2026-11-23', 2, 0, null, 1, 1],
      ['2026-11-24', 1, 1, 600, 0, 0],
    ],
  );
  assert.deepEqual(
    buildSeries(cases, 'UTC').map((p) => [p.date, p.cases]),
    [['2026-11-23', 3]],
  );
});

test('first responses by the FAQ bot and by agents are reported apart, per channel and per day', () => {
  const cases = [
    // The bot's instant answers: 2 s, 3 s, 4 s (one recorded before firstResponseBy: resolved by the bot).
    { ...base, firstRespondedAt: at(2), firstResponseBy: 'bot', resolvedBy: 'bot' },
    { ...base, firstRespondedAt: at(3), firstResponseBy: 'bot', status: 'open' },
    { ...base, firstRespondedAt: at(4), resolvedBy: 'bot' },
    // People: 10 and 20 minutes; one resolved by an agent after the bot had not answered.
    { ...base, firstRespondedAt: at(600), firstResponseBy: 'agent', resolvedBy: 'sam' },
    { ...base, firstRespondedAt: at(1200), firstResponseBy: 'agent' },
    { ...base, status: 'open' },
  ] as unknown as CareCase[];
  const [row] = buildReport(cases);
  // Over both the median is the bot's 4 s: it says nothing about how fast people answer.
  assert.equal(row?.firstResponseSeconds.p50, 4);
  assert.deepEqual(row?.firstResponseByBot, { p50: 3, p90: 4, p95: 4, answered: 3 });
  assert.deepEqual(row?.firstResponseByAgents, { p50: 600, p90: 1200, p95: 1200, answered: 2 });
  const [day] = buildSeries(cases, 'Europe/Amsterdam');
  assert.equal(day?.botFirstResponseP50, 3);
  assert.equal(day?.agentFirstResponseP50, 600);
  const table = formatReport(buildReport(cases), { from: 'a', to: 'b' });
  assert.match(table.split('\n')[1] ?? '', /agents p50 +bot p50/);
  assert.match(table.split('\n')[2] ?? '', /10m +3s/);
});

test('the no-reply lane is counted apart; topics get their own rows; a case moved to the reply lane is timed from then', () => {
  const cases = [
    { ...base, lane: 'no_reply', topic: 'praise' },
    { ...base, lane: 'no_reply', topic: null },
    { ...base, lane: 'reply', topic: 'baggage', sentiment: 'NEGATIVE', firstRespondedAt: at(600) },
    {
      ...base,
      lane: 'reply',
      topic: 'baggage',
      replyLaneSince: at(3600),
      firstRespondedAt: at(3660),
    },
    { ...base, topic: 'delay' },
  ] as unknown as CareCase[];
  const [row] = buildReport(cases);
  assert.deepEqual(
    [row?.cases, row?.answered, row?.responseRate, row?.noReply, row?.replyLaneResponseRate],
    [5, 2, 0.4, 2, 2 / 3],
  );
  assert.deepEqual(row?.firstResponseSeconds, { p50: 60, p90: 600, p95: 600 });
  const topics = buildTopicReport(cases);
  assert.deepEqual(
    topics.map((t) => [t.topic, t.cases, t.noReply, t.negative, t.answered]),
    [
      ['baggage', 2, 0, 1, 2],
      ['delay', 1, 0, 0, 0],
      ['praise', 1, 1, 0, 0],
      [null, 1, 1, 0, 0],
    ],
  );
  const text = formatReport([row!], { from: 'a', to: 'b' }, topics);
  assert.match(text, /no reply/);
  assert.match(
    text,
    /By topic\nbrand\s+topic\s+cases\s+no reply\s+negative\s+answered\ndemoair\s+baggage\s+2\s+0\s+1\s+2/,
  );
  assert.match(text, /demoair\s+\(none\)\s+1\s+1/);
});
