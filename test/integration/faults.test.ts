import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, test } from '@jest/globals';
import { dynamoLocalPids, type SystemProcess, startSystemProcess } from '../../bench/system-process';
import { listDeadLetters, localDlqQueues } from '../../functions/cli/dlq-command';
import { LocalSentimentClassifier } from '../../functions/core/local-sentiment';
import type { Sentiment, SentimentClassifier, SentimentInput } from '../../functions/core/sentiment';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { demoConfig, fixture } from '../helpers';
import { API_TOKEN, api, postX, waitFor, X_SECRET } from './support';

// Faults on the embedded stack, each bounded in time and count, loopback only. The process-level fault
// runs `socialcare start` in a child process group that is killed however the test ends.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'socialcare-faults-'));
const children: SystemProcess[] = [];
afterAll(async () => {
  for (const child of children) await child.kill();
  rmSync(work, { recursive: true, force: true });
});

function mention(id: string, author: string, text: string, to: '4000001' | '4000002' = '4000001'): string {
  const payload = JSON.parse(fixture('x/mention.json'));
  payload.for_user_id = to;
  const tweet = payload.tweet_create_events[0];
  tweet.id_str = id;
  tweet.id = Number(id);
  tweet.user.id_str = author;
  tweet.user.id = Number(author);
  tweet.user.screen_name = `customer${author}`;
  tweet.text = text;
  tweet.timestamp_ms = String(Date.now());
  return JSON.stringify(payload);
}

/** POSTs a signed body; a refused connection or reset is "not accepted", as the platform sees it. */
async function deliver(url: string, body: string): Promise<number | 'network'> {
  try {
    return (await postX(url, body)).status;
  } catch {
    return 'network';
  }
}

async function caseOf(url: string, tweetId: string) {
  const { status, body } = await api(url, `/api/cases/x-${tweetId}`);
  if (status !== 200) return undefined;
  return body as {
    case: { messageCount: number };
    messages: Array<{ direction: string; platformMessageId: string }>;
  };
}

test('kill -9 of socialcare start mid-load, then a restart: every accepted mention is exactly one case', async () => {
  const dataDir = join(work, 'kill-data');
  const logFile = join(work, 'kill-system.log');
  const start = async () => {
    const system = await startSystemProcess({
      dataDir,
      secret: X_SECRET,
      token: API_TOKEN,
      logFile,
      env: { POWERTOOLS_LOG_LEVEL: 'INFO' },
    });
    children.push(system);
    return system;
  };
  const first = await start();
  const total = 150;
  const ids = Array.from({ length: total }, (_, i) => String(1_870_000_000_000_000_000n + BigInt(i)));
  const bodyOf = (i: number) =>
    mention(ids[i] as string, String(41_000 + i), `@DemoAir my bag is missing, flight ${i} — nobody answers`);
  const accepted: string[] = [];
  const notAccepted: number[] = [];
  let next = 0;
  let killed: Promise<void> | undefined;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < total) {
        const i = next++;
        const status = await deliver(first.url, bodyOf(i));
        if (status === 200) accepted.push(ids[i] as string);
        else notAccepted.push(i);
        // Kill the whole process group (node, tsx, DynamoDB Local) while mentions are still queued.
        if (accepted.length >= 60 && !killed) killed = first.kill();
      }
    }),
  );
  await killed;
  assert.ok(accepted.length >= 60, `accepted before the kill: ${accepted.length}`);

  const second = await start();
  // What was never acknowledged, the platform delivers again.
  for (const i of notAccepted) assert.equal(await deliver(second.url, bodyOf(i)), 200);
  const everyone = [...accepted, ...notAccepted.map((i) => ids[i] as string)];
  const found = new Map<string, NonNullable<Awaited<ReturnType<typeof caseOf>>>>();
  await waitFor(
    'a case for every accepted mention',
    async () => {
      for (const id of everyone) {
        if (found.has(id)) continue;
        const c = await caseOf(second.url, id);
        if (c) found.set(id, c);
      }
      return found.size === everyone.length || undefined;
    },
    120_000,
  );
  for (const [id, c] of found) {
    const inbound = c.messages.filter((m) => m.direction === 'in');
    assert.deepEqual(
      inbound.map((m) => m.platformMessageId),
      [id],
      `case x-${id} holds exactly its one mention`,
    );
    assert.equal(c.case.messageCount, 1);
  }
  // The journal put back what the kill took from the in-memory queue.
  const replayed = [...readFileSync(logFile, 'utf8').matchAll(/"replayed":(\d+)/g)].map((m) => Number(m[1]));
  assert.ok(
    replayed.some((n) => n > 0),
    'the restart re-enqueued accepted mentions from the journal',
  );
  await second.stop();
});

test('Ctrl-C (SIGINT to the whole process group, as a terminal sends it) drains what was accepted, then stops', async () => {
  const dataDir = join(work, 'interrupt-data');
  const logFile = join(work, 'interrupt-system.log');
  const options = {
    dataDir,
    secret: X_SECRET,
    token: API_TOKEN,
    logFile,
    env: { POWERTOOLS_LOG_LEVEL: 'INFO' },
  };
  const first = await startSystemProcess(options);
  children.push(first);
  const ids = Array.from({ length: 20 }, (_, i) => String(1_871_000_000_000_000_000n + BigInt(i)));
  for (const [i, id] of ids.entries()) {
    assert.equal(
      await deliver(first.url, mention(id, String(42_000 + i), `@DemoAir where is my bag ${i}`)),
      200,
    );
  }
  process.kill(-first.pid, 'SIGINT');
  assert.equal(await first.exited, 0, 'socialcare start exits cleanly');
  await first.stop(5000);
  const log = readFileSync(logFile, 'utf8');
  assert.match(log, /SIGINT: finishing queued work and stopping/);
  assert.doesNotMatch(log, /ECONNREFUSED|not recorded; will retry/, 'DynamoDB Local outlived the Ctrl-C');
  // The journal's last compaction reads DynamoDB: it runs before DynamoDB stops, so it never fails.
  assert.doesNotMatch(log, /compaction failed/, 'the journal compacted at stop without an error');

  const second = await startSystemProcess(options);
  children.push(second);
  for (const id of ids) assert.ok(await caseOf(second.url, id), `case x-${id} was recorded before the stop`);
  const replayed = [...readFileSync(logFile, 'utf8').matchAll(/"replayed":(\d+)/g)];
  assert.equal(replayed.length, 0, 'nothing was left for the journal to replay');
  await second.stop();
});

/** The local classifier, failing while `failing` is set for posts that carry the marker. */
class FlakySentiment implements SentimentClassifier {
  failing = true;
  private readonly inner = new LocalSentimentClassifier();
  async classify(inputs: SentimentInput[]): Promise<Sentiment[]> {
    if (this.failing && inputs.some((i) => i.text.includes('POISON-PILL'))) {
      throw new Error('sentiment service unavailable (simulated)');
    }
    return this.inner.classify(inputs);
  }
}

let system: LocalSystem;
const sentiment = new FlakySentiment();
beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: demoConfig(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
    sentiment,
    // Failed records come back after 1 s: five receives, then the DLQ, within seconds.
    visibilityTimeoutSeconds: 1,
  });
});
afterAll(async () => {
  await system?.stop();
});

/** The CLI in a child process; asynchronously, since the queues it talks to live in this process. */
async function cli(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/socialcare.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  assert.equal(code, 0, `socialcare ${args.join(' ')}: ${stderr}`);
  return stdout;
}

test('a poison message lands in the DLQ with its reason, and `socialcare dlq redrive` sends it back', async () => {
  const queues = await localDlqQueues(system.queues.client);
  // A record triage cannot read (a buggy producer) and a mention that keeps failing.
  await system.queues.client.send(
    new SendMessageCommand({ QueueUrl: system.queues.ingestQueueUrl, MessageBody: '{"schemaVersion":1}' }),
  );
  const poisonId = '1870000000000009001';
  assert.equal(
    (await postX(system.url, mention(poisonId, '42001', '@DemoAir POISON-PILL my refund never came'))).status,
    200,
  );
  const letters = await waitFor(
    'both in the DLQ',
    async () => {
      const found = await listDeadLetters(queues);
      return found.length >= 2 ? found : undefined;
    },
    60_000,
  );
  const malformed = letters.find((l) => l.source === 'triage');
  assert.match(malformed?.reason ?? '', /^interaction field/);
  const poison = letters.find((l) => l.kind === 'interaction');
  assert.equal(poison?.source, 'redrive-policy');
  assert.ok((poison?.receiveCount ?? 0) > 5, 'moved after five failed receives');
  assert.equal(await caseOf(system.url, poisonId), undefined);

  // The documented command shows the reasons...
  const listed = await cli(['dlq', 'list', '--endpoint', system.queues.endpoint]);
  assert.match(listed, /source=triage/);
  assert.match(listed, /reason: interaction field/);
  assert.match(listed, /source=redrive-policy/);

  // ...and once the cause is fixed, sends the interaction back; what is still unreadable stays.
  sentiment.failing = false;
  const redriven = JSON.parse(await cli(['dlq', 'redrive', '--endpoint', system.queues.endpoint, '--json']));
  assert.equal(redriven.toIngest, 1);
  assert.equal(redriven.left, 1);
  const opened = await waitFor('the redriven case', () => caseOf(system.url, poisonId));
  assert.equal(opened.case.messageCount, 1);

  // --all sends the unreadable one through triage again, which parks it again with the same reason.
  const forced = JSON.parse(
    await cli(['dlq', 'redrive', '--endpoint', system.queues.endpoint, '--all', '--json']),
  );
  // At least the unreadable one; on a busy machine a slow good record may have been moved there too (1 s
  // visibility, five receives): it goes back and is recorded once, as the duplicate test shows.
  assert.ok(forced.toIngest >= 1, `sent back ${forced.toIngest}`);
  const again = await waitFor(
    'the record parked again',
    async () => {
      const found = await listDeadLetters(queues);
      return found.length === 1 && found[0]?.source === 'triage' ? found : undefined;
    },
    30_000,
  );
  assert.match(again[0]?.reason ?? '', /^interaction field/);
  // ...and keeps what it was first parked for: the redrive carried the DLQ's notes along as history.
  assert.equal(again[0]?.earlier?.[0]?.source, 'triage');
  assert.match(again[0]?.earlier?.[0]?.reason ?? '', /^interaction field/);
  assert.ok(again[0]?.earlier?.[0]?.parkedAt, 'the first parking time is kept');
  assert.match(
    await cli(['dlq', 'list', '--endpoint', system.queues.endpoint]),
    /first parked: source=triage {2}parkedAt=\S+ {2}reason: interaction field/,
  );
});

test('duplicate deliveries under load give one case per post and one reply per question', async () => {
  const posts = Array.from({ length: 40 }, (_, i) => {
    const id = String(1_870_000_000_000_010_000n + BigInt(i));
    const toBot = i % 2 === 0;
    return {
      id,
      toBot,
      body: toBot
        ? mention(
            id,
            String(43_000 + i),
            '@DemoAirFares what is the cheapest fare from Amsterdam to London?',
            '4000002',
          )
        : mention(id, String(43_000 + i), '@DemoAir my flight was delayed and the desk was closed'),
    };
  });
  // Every post three times (X retries, a proxy repeats), shuffled, 16 at a time.
  const deliveries = posts.flatMap((p) => [p, p, p]).sort((a, b) => (Number(a.id) % 7) - (Number(b.id) % 7));
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < deliveries.length) {
        const post = deliveries[next++] as (typeof deliveries)[number];
        assert.equal((await postX(system.url, post.body)).status, 200);
      }
    }),
  );
  for (const post of posts) {
    const c = await waitFor(`case x-${post.id}`, () => caseOf(system.url, post.id), 60_000);
    assert.equal(c.messages.filter((m) => m.direction === 'in').length, 1, `one message on x-${post.id}`);
  }
  const questions = posts.filter((p) => p.toBot).map((p) => p.id);
  const replies = await waitFor(
    'the bot answers',
    async () => {
      const sent = system.standIn.sent.filter((s) => s.inReplyToId && questions.includes(s.inReplyToId));
      return sent.length >= questions.length ? sent : undefined;
    },
    60_000,
  );
  await system.drained();
  await new Promise((r) => setTimeout(r, 1500));
  const perTweet = new Map<string, number>();
  for (const reply of system.standIn.sent) {
    if (reply.inReplyToId) perTweet.set(reply.inReplyToId, (perTweet.get(reply.inReplyToId) ?? 0) + 1);
  }
  assert.equal(replies.length, questions.length);
  for (const id of questions) assert.equal(perTweet.get(id), 1, `one reply to ${id}`);
});

test('DynamoDB stopping for a few seconds delays triage; nothing accepted is lost or doubled', async () => {
  const port = Number(new URL(system.dynamo.endpoint).port);
  const [java] = await dynamoLocalPids({ ppid: process.pid, port });
  assert.ok(java, 'found the DynamoDB Local process');
  const ids = Array.from({ length: 60 }, (_, i) => String(1_870_000_000_000_020_000n + BigInt(i)));
  const statuses: Array<number | 'network'> = [];
  let paused = false;
  let answeredWhilePaused = 0;
  try {
    for (const [i, id] of ids.entries()) {
      if (i === 15) {
        process.kill(java, 'SIGSTOP');
        paused = true;
      }
      // Resumed after ten answers given while it was stopped, however long they took.
      if (paused && answeredWhilePaused >= 10) {
        process.kill(java, 'SIGCONT');
        paused = false;
      }
      // The webhook never waits on the database: it keeps answering while DynamoDB is stopped. (Told by
      // state, not by a wall-clock bound, which a loaded machine would miss.)
      statuses.push(await deliver(system.url, mention(id, String(44_000 + i), '@DemoAir where is my bag?')));
      if (paused) answeredWhilePaused++;
    }
  } finally {
    if (paused) process.kill(java, 'SIGCONT');
  }
  assert.ok(statuses.every((s) => s === 200));
  assert.equal(answeredWhilePaused, 10, 'answered while DynamoDB was stopped');
  for (const id of ids) {
    const c = await waitFor(`case x-${id}`, () => caseOf(system.url, id), 60_000);
    assert.equal(c.messages.filter((m) => m.direction === 'in').length, 1);
    assert.equal(c.case.messageCount, 1);
  }
});
