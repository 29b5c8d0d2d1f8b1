import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, test } from '@jest/globals';
import { normalizeXActivity } from '../../functions/channels/x/normalize';
import { mentionPayload, parseCsv, readReplayTweets } from '../../functions/cli/replay-command';
import { demoDirectory } from '../helpers';

const dir = mkdtempSync(join(tmpdir(), 'socialcare-replay-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rows(text: string, chunkSize = text.length) {
  const chunks = (async function* () {
    for (let i = 0; i < text.length; i += chunkSize) yield text.slice(i, i + chunkSize);
  })();
  const out: string[][] = [];
  for await (const row of parseCsv(chunks)) out.push(row);
  return out;
}

const SAMPLE = [
  'a,b,c',
  '1,"two, with a comma","three ""quoted"""',
  '4,"five',
  'on two lines",',
  '"",,"x"\r',
  'last,row,without newline',
].join('\n');

const EXPECTED = [
  ['a', 'b', 'c'],
  ['1', 'two, with a comma', 'three "quoted"'],
  ['4', 'five\non two lines', ''],
  ['', '', 'x'],
  ['last', 'row', 'without newline'],
];

test('the CSV reader handles quotes, doubled quotes, commas and line breaks in fields, CRLF', async () => {
  assert.deepEqual(await rows(SAMPLE), EXPECTED);
});

test('the CSV reader gives the same rows whatever the chunk boundaries', async () => {
  for (const size of [1, 2, 3, 7, 64])
    assert.deepEqual(await rows(SAMPLE, size), EXPECTED, `chunks of ${size}`);
});

test('the CSV reader keeps a character whole when bytes split it across chunks', async () => {
  const bytes = Buffer.from('id,text\n1,"ご案内, thanks"\n', 'utf8');
  for (const size of [1, 2, 3, 5]) {
    const chunks = (async function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    })();
    const out: string[][] = [];
    for await (const row of parseCsv(chunks)) out.push(row);
    assert.deepEqual(
      out,
      [
        ['id', 'text'],
        ['1', 'ご案内, thanks'],
      ],
      `chunks of ${size} bytes`,
    );
  }
});

test('blank lines are skipped and a trailing newline adds no row', async () => {
  assert.deepEqual(await rows('a,b\n\n1,2\n'), [
    ['a', 'b'],
    ['1', '2'],
  ]);
});

test('the corpus format: inbound tweets only, pandas-style ids, replies keep their parent', async () => {
  const file = join(dir, 'twcs.csv');
  writeFileSync(
    file,
    [
      'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id',
      '1,sprintcare,False,Tue Oct 31 22:10:47 +0000 2017,@115712 I understand.,2,3.0',
      '2,115712,True,Tue Oct 31 22:11:45 +0000 2017,"@sprintcare and how, exactly?",,1.0',
      '3,115712,True,Tue Oct 31 22:08:27 +0000 2017,"@sprintcare line one',
      'line two ""quoted""",1,',
      'x,115713,True,Tue Oct 31 22:08:27 +0000 2017,bad id,,',
      '5,115714,True,too,few',
    ].join('\n'),
  );
  const counts = { read: 0, inbound: 0, skipped: 0 };
  const tweets = [];
  for await (const tweet of readReplayTweets(file, counts)) tweets.push(tweet);
  assert.deepEqual(tweets, [
    { id: '2', author: '115712', text: '@sprintcare and how, exactly?', inReplyToId: '1', answered: false },
    { id: '3', author: '115712', text: '@sprintcare line one\nline two "quoted"', answered: true },
  ]);
  assert.deepEqual(counts, { format: 'csv', read: 5, inbound: 3, skipped: 2 });
});

test('JSON lines: id and text required, author and to optional, bad lines counted', async () => {
  const file = join(dir, 'posts.jsonl');
  writeFileSync(
    file,
    [
      '{"id":"10","text":"@DemoAirFares fare to London?","to":"bot"}',
      '{"id":11,"text":"hello","author":"77"}',
      'not json',
      '{"id":"12"}',
      '{"id":"13","text":"x","to":"nobody"}',
    ].join('\n'),
  );
  const counts = { read: 0, inbound: 0, skipped: 0 };
  const tweets = [];
  for await (const tweet of readReplayTweets(file, counts)) tweets.push(tweet);
  assert.deepEqual(tweets, [
    { id: '10', author: 'replay-10', text: '@DemoAirFares fare to London?', to: 'bot' },
    { id: '11', author: '77', text: 'hello' },
  ]);
  assert.equal(counts.skipped, 3);
});

test('the webhook payload is a mention the X normalizer turns into one interaction', () => {
  const payload = mentionPayload(
    { id: '123', author: '456', text: '@DemoAir help', inReplyToId: '100' },
    { id: '4000001', handle: 'DemoAir' },
    new Date('2026-11-23T09:14:02Z'),
  );
  const { interactions, rejected } = normalizeXActivity(payload, demoDirectory(), '2026-11-23T09:14:03.000Z');
  assert.equal(rejected.length, 0);
  assert.equal(interactions.length, 1);
  assert.equal(interactions[0]?.kind, 'reply');
  assert.equal(interactions[0]?.createdAt, '2026-11-23T09:14:02.000Z');
  assert.equal(
    (payload.tweet_create_events as Array<{ created_at: string }>)[0]?.created_at,
    'Mon Nov 23 09:14:02 +0000 2026',
  );
});
