import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { RefreshLease, UserTokens, UserTokenVault } from '../../core/x-admin/ports';

const safe = (accountId: string) => accountId.replace(/[^A-Za-z0-9_.-]/g, '_');

/**
 * Locally, each X account's OAuth 2.0 grant is a 0600 file under `<data dir>/x-oauth-tokens/` (the
 * folder 0700). A write goes to a temporary file, is flushed to disk and renamed over the old one: a
 * crash leaves the old grant or the new one, never half of either.
 */
export class FileTokenVault implements UserTokenVault {
  readonly dir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, 'x-oauth-tokens');
  }

  fileOf(accountId: string): string {
    return join(this.dir, `${safe(accountId)}.json`);
  }

  async read(accountId: string): Promise<UserTokens | undefined> {
    try {
      return JSON.parse(await readFile(this.fileOf(accountId), 'utf8')) as UserTokens;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async write(accountId: string, tokens: UserTokens): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temporary = join(this.dir, `.${safe(accountId)}.${randomUUID()}.tmp`);
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(JSON.stringify(tokens));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.fileOf(accountId));
  }
}

/**
 * The refresh lease as a lock file (created exclusively) holding its owner and expiry, for the
 * command line when no table is at hand. An expired lock is taken over by renaming a fresh one over
 * it after reading it again, so two takers do not both think they won for long: the loser's read-back
 * shows another owner.
 */
const UNWRITTEN_LOCK_GRACE_MS = 10_000;

export class FileRefreshLease implements RefreshLease {
  constructor(private readonly dir: string) {}

  private fileOf(accountId: string) {
    return join(this.dir, `${safe(accountId)}.lease`);
  }

  async acquire(accountId: string, owner: string, until: Date, now: Date): Promise<boolean> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = this.fileOf(accountId);
    const content = JSON.stringify({ owner, until: until.toISOString() });
    try {
      const file = await open(path, 'wx', 0o600);
      await file.writeFile(content);
      await file.close();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = await this.holder(path);
    if (held && new Date(held.until).getTime() >= now.getTime()) return false;
    // A lock file just created and not yet written reads as nothing: it is held, unless it has stayed
    // empty long enough to be a crashed taker's.
    if (!held && (await this.youngerThan(path, UNWRITTEN_LOCK_GRACE_MS))) return false;
    // Unique per call: two takers (even of one owner) never rename each other's file away.
    const temporary = `${path}.${safe(owner)}.${randomUUID()}.tmp`;
    const file = await open(temporary, 'w', 0o600);
    await file.writeFile(content);
    await file.close();
    await rename(temporary, path);
    return (await this.holder(path))?.owner === owner;
  }

  private async youngerThan(path: string, ms: number): Promise<boolean> {
    try {
      return Date.now() - (await stat(path)).mtimeMs < ms;
    } catch {
      return false;
    }
  }

  private async holder(path: string): Promise<{ owner: string; until: string } | undefined> {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as { owner: string; until: string };
    } catch {
      return undefined;
    }
  }

  async release(accountId: string, owner: string): Promise<void> {
    const path = this.fileOf(accountId);
    if ((await this.holder(path))?.owner === owner) await unlink(path).catch(() => undefined);
  }
}
