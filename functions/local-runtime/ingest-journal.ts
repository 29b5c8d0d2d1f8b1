import { type FileHandle, mkdir, open, readFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { logger } from '../commons/logger';
import { type CaseStore, recordedKey } from '../core/cases';
import { type IngestItem as Interaction, ingestKeyOf, parseIngestItem } from '../core/interaction';
import type { DeadLetters, InteractionQueue } from '../core/queues';

export const INGEST_JOURNAL_FILE = 'ingest-journal.jsonl';

/** As long as the stack's ingest queue keeps a message: what was never recorded by then is dropped. */
const DEFAULT_RETENTION_MS = 4 * 24 * 3600 * 1000;
const DEFAULT_COMPACT_EVERY_MS = 60_000;
/** Re-enqueued in slices so a long journal does not become one huge burst of SendMessageBatch calls. */
const REPLAY_SLICE = 100;
/** Interactions handed to the queue per call once journaled (the queue sends them 10 per batch, in parallel). */
const FORWARD_SLICE = 100;
/**
 * Starts that may replay one entry. One not recorded after this many was tried by triage each time and
 * kept failing (the queue's redrive moved it to the dead-letter queue, which is in memory and gone at the
 * next start): it is parked once, with its reason, instead of replayed at every start.
 */
export const MAX_JOURNAL_REPLAYS = 3;

interface JournalEntry {
  /** When the webhook accepted it (epoch ms): entries past the retention are dropped. */
  at: number;
  interaction: Interaction;
  /** Starts that replayed it so far. */
  replays?: number;
}

export interface IngestJournalOptions {
  /** The runtime's data folder; the journal is one file in it. */
  dataDir: string;
  /** The real ingest queue (embedded SQS). */
  queue: InteractionQueue;
  /** Tells which interactions triage has recorded: those leave the journal. */
  recorded: Pick<CaseStore, 'findRecorded'>;
  /** Where an entry that kept failing is parked once (the embedded DLQ). */
  deadLetters: DeadLetters;
  /** @default 4 days, the ingest queue's retention in the stack */
  retentionMs?: number;
  /** How often recorded entries are dropped from the file. @default one minute */
  compactEveryMs?: number;
  now?: () => number;
}

export interface IngestJournal extends InteractionQueue {
  /** What the start found in the journal and put back on the queue. */
  readonly replayed: number;
  /** Drops recorded (and expired) entries and rewrites the file with the rest. */
  compact(): Promise<{ kept: number; dropped: number }>;
  /** Resolves when everything accepted so far has been handed to the queue. */
  forwarded(): Promise<void>;
  /** Interactions accepted and not yet known to be recorded. */
  pending(): number;
  /** Stops the timer, compacts a last time and closes the file. */
  stop(): Promise<void>;
}

/**
 * The embedded SQS (fauxqs) keeps messages in memory only, so a crash of `socialcare start` would lose
 * what the webhook had accepted and not yet triaged. This wraps the ingest queue: every accepted
 * interaction is appended to a file in the data folder and fsynced before the webhook answers 200, then
 * enqueued (right after the answer, batched with what concurrent webhooks accepted). At start, whatever
 * the journal holds that the case store has not recorded is enqueued again (triage is idempotent, so a
 * message both replayed and still queued is recorded once). Concurrent webhooks share one write and one
 * fsync (group commit).
 */
export async function openIngestJournal(options: IngestJournalOptions): Promise<IngestJournal> {
  const dir = resolve(options.dataDir);
  await mkdir(dir, { recursive: true });
  const path = join(dir, INGEST_JOURNAL_FILE);
  const now = options.now ?? Date.now;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const keyOf = (i: Interaction) => {
    const key = ingestKeyOf(i);
    return recordedKey(key.platform, key.platformMessageId);
  };

  const pending = new Map<string, JournalEntry>();
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const entry = parseEntry(line);
    if (!entry) {
      // A torn last line is a write that was never fsynced, so never acknowledged: safe to drop.
      unreadable++;
      continue;
    }
    if (!pending.has(keyOf(entry.interaction))) pending.set(keyOf(entry.interaction), entry);
  }
  if (unreadable) logger.warn('ingest journal: unreadable lines dropped', { lines: unreadable });

  let handle: FileHandle | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  /** Runs file operations one at a time: appends never interleave with a rewrite. */
  const exclusive = <T>(operation: () => Promise<T>): Promise<T> => {
    const result = chain.then(operation);
    chain = result.catch(() => undefined);
    return result;
  };

  const rewrite = async () => {
    const tmp = `${path}.tmp`;
    const out = await open(tmp, 'w');
    try {
      await out.writeFile([...pending.values()].map(line).join(''));
      await out.sync();
    } finally {
      await out.close();
    }
    await handle?.close();
    handle = undefined;
    await rename(tmp, path);
    await syncFolder(dir);
    handle = await open(path, 'a');
  };

  let waiting: Array<{ text: string; resolve: () => void; reject: (error: unknown) => void }> = [];
  let flushQueued = false;
  const flush = async () => {
    flushQueued = false;
    const batch = waiting;
    waiting = [];
    if (!batch.length) return;
    try {
      if (!handle) throw new Error('ingest journal is closed');
      await handle.appendFile(batch.map((b) => b.text).join(''));
      await handle.datasync();
      for (const b of batch) b.resolve();
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  };
  const append = (interactions: Interaction[]): Promise<void> => {
    const at = now();
    const entries = interactions.map((interaction) => ({ at, interaction }));
    for (const entry of entries) {
      if (!pending.has(keyOf(entry.interaction))) pending.set(keyOf(entry.interaction), entry);
    }
    const written = new Promise<void>((resolve, reject) =>
      waiting.push({ text: entries.map(line).join(''), resolve, reject }),
    );
    if (!flushQueued) {
      flushQueued = true;
      void exclusive(flush);
    }
    return written;
  };

  // Forwarding to the queue happens after the answer: the journal already holds the interactions, and
  // what concurrent webhooks accepted goes out together (10 per SendMessageBatch) instead of one call each.
  const toForward: Interaction[] = [];
  let forwarding: Promise<void> | undefined;
  let stopping = false;
  const forwardLoop = async () => {
    for (let failures = 0; toForward.length; ) {
      const slice = toForward.slice(0, FORWARD_SLICE);
      try {
        await options.queue.enqueue(slice);
        toForward.splice(0, slice.length);
        failures = 0;
      } catch (error) {
        failures++;
        logger.warn('ingest journal: enqueue failed; retrying (the journal keeps the interactions)', {
          error: error as Error,
          interactions: slice.length,
          failures,
        });
        // At stop the next start replays them from the journal; while running, keep trying.
        if (stopping && failures >= 3) return;
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** failures)));
      }
    }
  };
  const forward = (interactions: Interaction[]) => {
    toForward.push(...interactions);
    forwarding ??= forwardLoop().finally(() => {
      forwarding = undefined;
    });
  };

  let compacting: Promise<{ kept: number; dropped: number }> | undefined;
  const compact = () => {
    compacting ??= (async () => {
      const snapshot = [...pending.entries()];
      const recorded = await options.recorded.findRecorded(
        snapshot.map(([, e]) => ingestKeyOf(e.interaction)),
      );
      const cutoff = now() - retentionMs;
      let dropped = 0;
      let expired = 0;
      for (const [key, entry] of snapshot) {
        const done = recorded.has(key);
        if (done || entry.at < cutoff) {
          if (pending.get(key) === entry) pending.delete(key);
          dropped++;
          if (!done) expired++;
        }
      }
      if (expired) {
        // Posts triage skipped or parked are never recorded; like SQS, the journal keeps them for the retention only.
        logger.warn('ingest journal: interactions not recorded within the retention were dropped', {
          expired,
        });
      }
      await exclusive(rewrite);
      return { kept: pending.size, dropped };
    })().finally(() => {
      compacting = undefined;
    });
    return compacting;
  };

  // Start: drop what was recorded, keep the file clean (no torn tail to append after), park what kept
  // failing, put the rest back.
  await compact();
  const worn = [...pending.entries()].filter(([, e]) => (e.replays ?? 0) >= MAX_JOURNAL_REPLAYS);
  if (worn.length) {
    try {
      await options.deadLetters.park(
        worn.map(([, e]) => ({
          source: 'ingest-journal',
          reason: `not recorded after ${e.replays} starts replayed it (triage kept failing; see the log); parked instead of replayed again`,
          body: JSON.stringify(e.interaction),
        })),
      );
      for (const [key] of worn) pending.delete(key);
      logger.warn('ingest journal: interactions that kept failing were parked in the dead-letter queue', {
        parked: worn.length,
      });
    } catch (error) {
      logger.error('ingest journal: could not park what kept failing; the next start tries again', {
        error: error as Error,
      });
    }
  }
  for (const entry of pending.values()) entry.replays = (entry.replays ?? 0) + 1;
  if (worn.length || pending.size) await exclusive(rewrite);
  const toReplay = [...pending.values()]
    .filter((e) => (e.replays ?? 0) <= MAX_JOURNAL_REPLAYS)
    .map((e) => e.interaction);
  for (let start = 0; start < toReplay.length; start += REPLAY_SLICE) {
    await options.queue.enqueue(toReplay.slice(start, start + REPLAY_SLICE));
  }
  if (toReplay.length) {
    logger.info('ingest journal: accepted interactions not yet recorded were enqueued again', {
      replayed: toReplay.length,
    });
  }

  const timer = setInterval(() => {
    compact().catch((error) => logger.warn('ingest journal compaction failed', { error: error as Error }));
  }, options.compactEveryMs ?? DEFAULT_COMPACT_EVERY_MS);
  timer.unref();

  let stopped = false;
  return {
    replayed: toReplay.length,
    async enqueue(interactions) {
      if (!interactions.length) return;
      if (stopped) throw new Error('ingest journal is closed');
      await append(interactions);
      forward(interactions);
    },
    async forwarded() {
      while (forwarding) await forwarding;
    },
    compact,
    pending: () => pending.size,
    async stop() {
      if (stopped) return;
      stopped = true;
      stopping = true;
      clearInterval(timer);
      while (forwarding) await forwarding;
      await compact().catch((error) =>
        logger.warn('ingest journal: last compaction failed; the next start replays more', {
          error: error as Error,
        }),
      );
      await exclusive(async () => {
        await handle?.close();
        handle = undefined;
      });
    },
  };
}

function line(entry: JournalEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

function parseEntry(text: string): JournalEntry | undefined {
  try {
    const value = JSON.parse(text) as { at?: unknown; interaction?: unknown; replays?: unknown };
    if (typeof value.at !== 'number') return undefined;
    // Interactions and account events (an account event is never "recorded": it stays for the retention,
    // and a replay is harmless: its page has a fixed id and an older revocation never undoes a newer re-authorization).
    return {
      at: value.at,
      interaction: parseIngestItem(JSON.stringify(value.interaction)),
      ...(typeof value.replays === 'number' ? { replays: value.replays } : {}),
    };
  } catch {
    return undefined;
  }
}

/** A rename is durable only once the folder itself is synced. */
async function syncFolder(dir: string): Promise<void> {
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } catch {
    // Some file systems refuse fsync on a folder; the rename is then as durable as they make it.
  } finally {
    await folder.close();
  }
}
