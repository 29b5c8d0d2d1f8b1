import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from '@jest/globals';
import { formatReplayReport, runReplayCommand } from '../../functions/cli/replay-command';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { demoConfig } from '../helpers';
import { API_TOKEN, loadScale, X_SECRET } from './support';

const dir = mkdtempSync(join(tmpdir(), 'socialcare-replay-'));
let system: LocalSystem;

beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: demoConfig(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
  });
});
afterAll(async () => {
  await system?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('replay of a corpus-format CSV: cases, joined messages, a page and no loss', async () => {
  const file = join(dir, 'care.csv');
  // Written for this test in the public corpus's columns; brand replies (inbound False) are not sent.
  writeFileSync(
    file,
    [
      'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id',
      '1880000000000000001,91001,True,Tue Oct 31 22:10:47 +0000 2017,"@DemoAir my flight got cancelled, again. Nobody answers",1880000000000000002,',
      '1880000000000000002,DemoAir,False,Tue Oct 31 22:12:00 +0000 2017,@91001 Sorry to hear that! Please DM us.,,1880000000000000001',
      '1880000000000000003,91001,True,Tue Oct 31 22:15:00 +0000 2017,"@DemoAir DM sent, still waiting",,1880000000000000002',
      '1880000000000000004,91002,True,Tue Oct 31 22:16:00 +0000 2017,"@DemoAir thanks for the ""great"" crew today',
      'really lovely",,',
      '1880000000000000005,91003,True,Tue Oct 31 22:17:00 +0000 2017,@DemoAir there was a fire in the cabin and an emergency landing,,',
    ].join('\n'),
  );
  const report = await runReplayCommand({
    file,
    url: system.url,
    secret: X_SECRET,
    token: API_TOKEN,
    config: demoConfig(),
    rate: 50,
    // Without progress for this long the replay stops waiting: longer on a loaded machine.
    settleMs: 15_000 * loadScale(),
  });
  assert.equal(report.format, 'csv');
  assert.equal(report.inbound, 4);
  assert.equal(report.sent, 4);
  assert.equal(report.accepted, 4);
  assert.equal(report.recorded, 4);
  assert.equal(report.lost, 0);
  // The second post of customer 91001 joins the case the first one opened.
  assert.equal(report.casesOpened, 3);
  assert.ok(report.pages >= 1, 'the risky post paged on-call');
  assert.equal(report.corpusResponseRate, 0.25);
  const text = formatReplayReport(report, 'care.csv');
  assert.match(text, /accepted: +4/);
  assert.match(text, /loss: +0/);
});

test('replay of JSON lines to the bot: automatic answers and the response rate', async () => {
  const file = join(dir, 'questions.jsonl');
  writeFileSync(
    file,
    [
      {
        id: '1880000000000000101',
        text: '@DemoAirFares what is the cheapest fare from Amsterdam to London?',
        to: 'bot',
      },
      {
        id: '1880000000000000102',
        text: '@DemoAirFares how much is a return Amsterdam to New York?',
        to: 'bot',
      },
      { id: '1880000000000000103', text: '@DemoAir my suitcase is broken', author: '92003' },
      { id: '1880000000000000104', text: '@DemoAir never sent' },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n'),
  );
  const report = await runReplayCommand({
    file,
    url: system.url,
    secret: X_SECRET,
    token: API_TOKEN,
    config: demoConfig(),
    rate: 0,
    limit: 3,
    settleMs: 15_000,
  });
  assert.equal(report.format, 'jsonl');
  assert.equal(report.sent, 3);
  assert.equal(report.casesOpened, 3);
  assert.equal(report.autoAnswers, 2);
  assert.equal(report.autoAnswersBy.faq_answer, 2);
  assert.ok(Math.abs(report.responseRate - 2 / 3) < 1e-9);
  assert.equal(report.lost, 0);
});

test('a wrong secret: nothing accepted, every refusal counted', async () => {
  const file = join(dir, 'one.jsonl');
  writeFileSync(file, '{"id":"1880000000000000201","text":"@DemoAir hello"}\n');
  const report = await runReplayCommand({
    file,
    url: system.url,
    secret: 'wrong',
    token: API_TOKEN,
    config: demoConfig(),
    settleMs: 1000,
  });
  assert.equal(report.accepted, 0);
  assert.deepEqual(report.refused, { 401: 1 });
  assert.equal(report.lost, 0);
});
