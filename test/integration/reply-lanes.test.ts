import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from '@jest/globals';
import { exportLabels } from '../../functions/cli/access-command';
import type { CareCase } from '../../functions/core/cases';
import type { Page } from '../../functions/core/paging';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { demoConfig, fixture } from '../helpers';
import { API_TOKEN, api, postX, waitFor, X_SECRET } from './support';

let system: LocalSystem;
const pages: Page[] = [];

beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: demoConfig(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
    slaIntervalMs: 3_600_000, // runs are driven by the test
    onPage: (page) => pages.push(page),
  });
});
afterAll(() => system?.stop());

/** The official mention shape, addressed to one of our accounts, with its own id, author and text. */
function mention(options: { id: string; to: string; author: string; text: string }): string {
  const payload = JSON.parse(fixture('x/mention.json'));
  payload.for_user_id = options.to;
  const tweet = payload.tweet_create_events[0];
  Object.assign(tweet, { id_str: options.id, text: options.text, timestamp_ms: String(Date.now()) });
  tweet.user.id_str = options.author;
  tweet.user.screen_name = `customer${options.author}`;
  return JSON.stringify(payload);
}

const caseOf = async (caseId: string) => {
  const { status, body } = await api(system.url, `/api/cases/${caseId}`);
  return status === 200 ? (body as { case: CareCase; audit: Array<{ action: string }> }) : undefined;
};

async function send(method: string, path: string, body: unknown) {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const THANKS = 'x-1910000000000000001';
const THANKS_TO_BOT = 'x-1910000000000000002';
const COMPLAINT = 'x-1910000000000000003';

test('a thank-you gets no deadline, no page and no bot answer; a complaint gets its deadline and its pages', async () => {
  await postX(
    system.url,
    mention({
      id: THANKS.slice(2),
      to: '4000001',
      author: '9101',
      text: '@DemoAir thanks, loved it!',
    }),
  );
  await postX(
    system.url,
    mention({ id: THANKS_TO_BOT.slice(2), to: '4000002', author: '9102', text: '@DemoAirFares thank you!' }),
  );
  await postX(
    system.url,
    mention({
      id: COMPLAINT.slice(2),
      to: '4000001',
      author: '9103',
      text: '@DemoAir my bag was lost on the flight from JFK, nobody answers the phone',
    }),
  );
  const thanks = await waitFor('the thank-you case', () => caseOf(THANKS));
  const toBot = await waitFor('the thank-you to the bot', () => caseOf(THANKS_TO_BOT));
  const complaint = await waitFor('the complaint', () => caseOf(COMPLAINT));
  await system.drained();

  for (const quiet of [thanks.case, toBot.case]) {
    assert.equal(quiet.lane, 'no_reply');
    assert.equal(quiet.laneReason, 'thanks or praise');
    assert.equal(quiet.status, 'open', 'recorded and visible');
    assert.equal(quiet.firstResponseDueAt, undefined);
    assert.equal(quiet.nextDeadlineAt, undefined);
    assert.equal(quiet.sla, undefined);
  }
  assert.equal(thanks.case.topic, 'praise');
  assert.equal(complaint.case.lane, 'reply');
  assert.equal(complaint.case.topic, 'baggage');
  assert.ok(complaint.case.firstResponseDueAt);

  // Two days on, every step of the monitor has run: only the complaint paged.
  const opened = Date.parse(complaint.case.openedAt);
  for (const minutes of [25, 35, 75, 2 * 24 * 60])
    await system.runSlaMonitor(new Date(opened + minutes * 60_000));
  await waitFor(
    'the complaint breach page',
    async () => pages.some((p) => p.caseId === COMPLAINT && p.kind === 'deadline_breach') || undefined,
  );
  assert.deepEqual(
    pages.filter((p) => p.caseId === THANKS || p.caseId === THANKS_TO_BOT),
    [],
  );
  assert.equal(
    system.standIn.sent.filter(
      (s) => s.inReplyToId === THANKS_TO_BOT.slice(2) || s.inReplyToId === THANKS.slice(2),
    ).length,
    0,
    'the bot does not answer a thank-you',
  );

  // The queue: a tab per lane, both counted.
  const noReply = (await api(system.url, '/api/cases?lane=no_reply')).body;
  assert.deepEqual((noReply.cases as CareCase[]).map((c) => c.caseId).sort(), [THANKS, THANKS_TO_BOT]);
  const counts = noReply.counts as Record<string, number>;
  assert.deepEqual([counts.reply, counts.no_reply], [1, 2]);
  const reply = (await api(system.url, '/api/cases?lane=reply')).body.cases as CareCase[];
  assert.deepEqual(
    reply.map((c) => c.caseId),
    [COMPLAINT],
  );
  const byTopic = (await api(system.url, '/api/cases?topic=baggage')).body.cases as CareCase[];
  assert.deepEqual(
    byTopic.map((c) => c.caseId),
    [COMPLAINT],
  );
  assert.equal((await api(system.url, '/api/cases?lane=later')).status, 400);

  // Reports count the lane and the topics.
  const report = (await api(system.url, '/api/reports')).body as {
    rows: Array<{ cases: number; noReply: number; channel: string }>;
    topics: Array<{ topic: string | null; cases: number; noReply: number }>;
  };
  const publicX = report.rows.find((r) => r.channel === 'x public')!;
  assert.deepEqual([publicX.cases, publicX.noReply], [3, 2]);
  assert.deepEqual(
    report.topics.map((t) => [t.topic, t.cases, t.noReply]),
    [
      ['praise', 2, 2],
      ['baggage', 1, 0],
    ],
  );
});

test('an agent moves a case between lanes (audited); a later complaint moves a thank-you case to the reply lane', async () => {
  const complaint = (await caseOf(COMPLAINT))!.case;
  const moved = await send('PUT', `/api/cases/${COMPLAINT}/lane`, {
    version: complaint.version,
    lane: 'no_reply',
  });
  assert.equal(moved.status, 200);
  const quiet = moved.body.case as CareCase;
  assert.deepEqual([quiet.lane, quiet.nextDeadlineAt, quiet.sla], ['no_reply', undefined, undefined]);
  assert.equal(
    (await send('PUT', `/api/cases/${COMPLAINT}/lane`, { version: complaint.version, lane: 'reply' })).status,
    409,
    'a stale version is refused',
  );
  assert.equal(
    (await send('PUT', `/api/cases/${COMPLAINT}/lane`, { version: quiet.version, lane: 'nowhere' })).status,
    400,
  );
  const back = await send('PUT', `/api/cases/${COMPLAINT}/lane`, { version: quiet.version, lane: 'reply' });
  assert.equal(back.status, 200);
  const owed = back.body.case as CareCase;
  assert.equal(owed.lane, 'reply');
  assert.ok(
    owed.nextDeadlineAt && owed.nextDeadlineAt > new Date().toISOString(),
    'a deadline from the move',
  );
  const audit = (await caseOf(COMPLAINT))!.audit.filter((e) => e.action === 'lane');
  assert.equal(audit.length, 2);

  // The customer who thanked us writes again with a problem: the case needs a reply from now.
  const before = Date.now();
  await postX(
    system.url,
    mention({
      id: '1910000000000000004',
      to: '4000001',
      author: '9101',
      text: '@DemoAir and now my return flight is delayed by 5 hours, what are my options?',
    }),
  );
  const joined = await waitFor('the thank-you case in the reply lane', async () => {
    const found = await caseOf(THANKS);
    return found?.case.lane === 'reply' ? found.case : undefined;
  });
  assert.equal(joined.messageCount, 2);
  assert.ok(Date.parse(joined.replyLaneSince!) >= before - 1000);
  assert.equal(joined.awaitingReplySince, joined.replyLaneSince);
  assert.ok(
    joined.firstResponseDueAt && Date.parse(joined.firstResponseDueAt) > Date.parse(joined.replyLaneSince!),
  );
  assert.equal(joined.topic, 'delay');
});

test('an agent corrects sentiment, topic and needs-a-reply; the correction is a labelled example, exported masked', async () => {
  const id = '1910000000000000009';
  await postX(
    system.url,
    mention({
      id,
      to: '4000001',
      author: '9109',
      text: '@DemoAir love being stuck on the tarmac, write me at jo.doe@example.com',
    }),
  );
  const opened = (await waitFor('the sarcastic case', () => caseOf(`x-${id}`))).case;
  const corrected = await send('PUT', `/api/cases/x-${id}/correction`, {
    version: opened.version,
    sentiment: 'NEGATIVE',
    topic: 'delay',
    needsReply: true,
  });
  assert.equal(corrected.status, 200, JSON.stringify(corrected.body));
  const after = corrected.body.case as CareCase;
  assert.deepEqual([after.sentiment, after.topic, after.lane], ['NEGATIVE', 'delay', 'reply']);
  assert.ok(after.nextDeadlineAt);
  assert.equal(
    (await send('PUT', `/api/cases/x-${id}/correction`, { version: after.version, topic: 'weather' })).status,
    400,
  );
  assert.equal((await caseOf(`x-${id}`))!.audit.filter((e) => e.action === 'correction').length, 1);

  const jsonl = await fetch(`${system.url}/api/labels?brand=demoair&format=jsonl`, {
    headers: { authorization: `Bearer ${API_TOKEN}` },
  });
  assert.equal(jsonl.status, 200);
  const [example] = (await jsonl.text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.equal(example.caseId, `x-${id}`);
  assert.equal(example.platformMessageId, id);
  assert.deepEqual(example.corrected, { sentiment: 'NEGATIVE', topic: 'delay', needsReply: true });
  assert.equal(example.read.needsReply, opened.lane === 'reply');
  assert.match(example.text, /love being stuck on the tarmac/);
  assert.doesNotMatch(example.text, /jo\.doe@example\.com/, 'the text is masked as stored');

  // The command-line export, as a supervisor runs it.
  const chunks: string[] = [];
  await exportLabels({
    url: system.url,
    token: API_TOKEN,
    brand: 'demoair',
    format: 'tsv',
    output: {
      write: (chunk: Uint8Array | string) => chunks.push(String(Buffer.from(chunk))) > 0,
      once: () => undefined,
    } as never,
  });
  const [header, row] = chunks.join('').trim().split('\n');
  assert.match(
    header!,
    /^at\tbrandId\tcaseId\tplatform\tplatformMessageId\tagentId\tsentiment\ttopic\tneedsReply/,
  );
  assert.match(row!, new RegExp(`\\tx-${id}\\tx\\t${id}\\t.+\\tNEGATIVE\\tdelay\\ttrue\\t`));
  assert.doesNotMatch(row!, /jo\.doe@example\.com/);
});
