import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, test } from '@jest/globals';
import { recordedKey } from '../../functions/core/cases';
import { type IngestItem, type Interaction, ingestKeyOf } from '../../functions/core/interaction';
import {
  INGEST_JOURNAL_FILE,
  MAX_JOURNAL_REPLAYS,
  openIngestJournal,
} from '../../functions/local-runtime/ingest-journal';
import { RecordingDeadLetters, RecordingQueue } from '../fakes/in-memory';

const root = mkdtempSync(join(tmpdir(), 'socialcare-journal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const freshDir = () => join(root, String(folders++));

function interaction(id: string): Interaction {
  return {
    schemaVersion: 1,
    platform: 'x',
    visibility: 'public',
    kind: 'mention',
    platformMessageId: id,
    brandId: 'demoair',
    account: { id: '4000001', role: 'care' },
    author: { id: `a${id}` },
    text: `@DemoAir help with ${id} 😀`,
    createdAt: '2026-11-23T09:00:00.000Z',
    receivedAt: '2026-11-23T09:00:01.000Z',
  };
}

/** What the case store has recorded, by platform message id. */
class Recorded {
  readonly ids = new Set<string>();
  calls = 0;
  async findRecorded(items: Array<{ platform: 'x'; platformMessageId: string }>) {
    this.calls++;
    return new Set(
      items
        .filter((i) => this.ids.has(i.platformMessageId))
        .map((i) => recordedKey(i.platform, i.platformMessageId)),
    );
  }
}

const lines = (dir: string) =>
  readFileSync(join(dir, INGEST_JOURNAL_FILE), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { interaction: Interaction });

test('accepted interactions are on disk when enqueue returns, then forwarded to the queue', async () => {
  const dataDir = freshDir();
  const queue = new RecordingQueue();
  const journal = await openIngestJournal({
    deadLetters: new RecordingDeadLetters(),
    dataDir,
    queue,
    recorded: new Recorded(),
  });
  // Concurrent webhooks share writes: every one of them is in the file once its promise resolves.
  await Promise.all(Array.from({ length: 50 }, (_, i) => journal.enqueue([interaction(String(i))])));
  assert.equal(lines(dataDir).length, 50);
  await journal.forwarded();
  assert.deepEqual(
    queue.sent.map((i) => i.platformMessageId).sort(),
    Array.from({ length: 50 }, (_, i) => String(i)).sort(),
  );
  assert.equal(journal.pending(), 50);
  await journal.stop();
});

test('a start re-enqueues what was accepted and not recorded, and drops what was recorded', async () => {
  const dataDir = freshDir();
  const recorded = new Recorded();
  const first = await openIngestJournal({
    deadLetters: new RecordingDeadLetters(),
    dataDir,
    queue: new RecordingQueue(),
    recorded,
  });
  await first.enqueue([interaction('1'), interaction('2')]);
  await first.enqueue([interaction('3')]);
  await first.enqueue([interaction('3')]); // delivered twice by the platform
  recorded.ids.add('2');
  // No stop: the process died. A write that was cut off leaves a torn last line.
  appendFileSync(join(dataDir, INGEST_JOURNAL_FILE), '{"at":17,"interaction":{"schemaVers');

  const queue = new RecordingQueue();
  const second = await openIngestJournal({
    deadLetters: new RecordingDeadLetters(),
    dataDir,
    queue,
    recorded,
  });
  assert.equal(second.replayed, 2);
  assert.deepEqual(queue.sent.map((i) => i.platformMessageId).sort(), ['1', '3']);
  assert.equal(queue.sent[0]?.text.includes('😀'), true);
  // The start rewrote the file: no torn line, nothing recorded, no duplicate.
  assert.deepEqual(
    lines(dataDir)
      .map((l) => l.interaction.platformMessageId)
      .sort(),
    ['1', '3'],
  );
  await second.stop();
});

test('compaction keeps only what is not recorded, and drops what outlived the retention', async () => {
  const dataDir = freshDir();
  const recorded = new Recorded();
  let now = 1_000_000;
  const journal = await openIngestJournal({
    deadLetters: new RecordingDeadLetters(),
    dataDir,
    queue: new RecordingQueue(),
    recorded,
    retentionMs: 60_000,
    now: () => now,
  });
  await journal.enqueue([interaction('old')]);
  now += 120_000;
  await journal.enqueue([interaction('a'), interaction('b')]);
  recorded.ids.add('a');
  const result = await journal.compact();
  assert.deepEqual(result, { kept: 1, dropped: 2 });
  assert.deepEqual(
    lines(dataDir).map((l) => l.interaction.platformMessageId),
    ['b'],
  );
  // Appends after a compaction go to the new file.
  await journal.enqueue([interaction('c')]);
  assert.deepEqual(
    lines(dataDir).map((l) => l.interaction.platformMessageId),
    ['b', 'c'],
  );
  recorded.ids.add('b');
  recorded.ids.add('c');
  await journal.stop();
  assert.equal(readFileSync(join(dataDir, INGEST_JOURNAL_FILE), 'utf8'), '');
});

test('a queue that fails is retried; the interactions stay in the journal meanwhile', async () => {
  const dataDir = freshDir();
  let failures = 2;
  const sent: IngestItem[] = [];
  const journal = await openIngestJournal({
    deadLetters: new RecordingDeadLetters(),
    dataDir,
    queue: {
      async enqueue(items) {
        if (failures-- > 0) throw new Error('queue unavailable');
        sent.push(...items);
      },
    },
    recorded: new Recorded(),
  });
  await journal.enqueue([interaction('x1')]);
  assert.equal(lines(dataDir).length, 1);
  await journal.forwarded();
  assert.deepEqual(
    sent.map((i) => ingestKeyOf(i).platformMessageId),
    ['x1'],
  );
  await journal.stop();
});

test('unreadable lines in an old journal are skipped, the readable ones replayed', async () => {
  const dataDir = freshDir();
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    join(dataDir, INGEST_JOURNAL_FILE),
    [
      'not json',
      JSON.stringify({ at: 1, interaction: { schemaVersion: 2 } }),
      JSON.stringify({ at: Date.now(), interaction: interaction('ok') }),
      '',
    ].join('\n'),
  );
  const queue = new RecordingQueue();
  const journal = await openIngestJournal({
    deadLetters: new RecordingDeadLetters(),
    dataDir,
    queue,
    recorded: new Recorded(),
  });
  assert.deepEqual(
    queue.sent.map((i) => i.platformMessageId),
    ['ok'],
  );
  await journal.stop();
});

test('an entry that keeps failing is replayed at a few starts, then parked once with its reason, never replayed again', async () => {
  const dataDir = freshDir();
  const recorded = new Recorded();
  const first = await openIngestJournal({
    dataDir,
    queue: new RecordingQueue(),
    recorded,
    deadLetters: new RecordingDeadLetters(),
  });
  await first.enqueue([interaction('poison'), interaction('fine')]);
  await first.forwarded();
  await first.stop();
  // Triage records the good one; the poison one fails every time and is never recorded.
  recorded.ids.add('fine');
  const replayedAt: number[] = [];
  const parked = new RecordingDeadLetters();
  for (let start = 1; start <= MAX_JOURNAL_REPLAYS + 3; start++) {
    const queue = new RecordingQueue();
    const journal = await openIngestJournal({ dataDir, queue, recorded, deadLetters: parked });
    if (queue.sent.some((i) => i.platformMessageId === 'poison')) replayedAt.push(start);
    await journal.stop();
  }
  assert.deepEqual(
    replayedAt,
    Array.from({ length: MAX_JOURNAL_REPLAYS }, (_, i) => i + 1),
  );
  assert.equal(parked.parked.length, 1, 'parked once');
  assert.equal(parked.parked[0]?.source, 'ingest-journal');
  assert.match(parked.parked[0]!.reason, /not recorded after 3 starts replayed it/);
  assert.equal(JSON.parse(parked.parked[0]!.body).platformMessageId, 'poison');
  assert.equal(lines(dataDir).length, 0, 'gone from the journal');
});
