import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { ExportFile, ExportSink, StoredExport } from '../../core/exports';

const LINK_MS = 15 * 60 * 1000;

/**
 * Exports on this machine: the text is written to a file as it is read (backpressure respected), under
 * `<dir>/<random>/<name>`, and served at `/exports/<random>/<name>` until the link expires, like a
 * pre-signed S3 link: whoever holds the link may fetch it, nobody can guess it.
 */
export class FileExportSink implements ExportSink {
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly dir: string,
    private readonly baseUrl: () => string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async store(file: ExportFile, chunks: AsyncIterable<string>): Promise<StoredExport> {
    await this.sweep();
    const token = randomBytes(18).toString('base64url');
    await mkdir(join(this.dir, token), { recursive: true });
    const out = createWriteStream(join(this.dir, token, file.name));
    let bytes = 0;
    try {
      for await (const chunk of chunks) {
        bytes += Buffer.byteLength(chunk);
        if (!out.write(chunk)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
    } catch (error) {
      out.destroy();
      await rm(join(this.dir, token), { recursive: true, force: true });
      throw error;
    }
    const expiresAt = this.now().getTime() + LINK_MS;
    this.expiries.set(token, expiresAt);
    return {
      url: `${this.baseUrl()}/exports/${token}/${encodeURIComponent(file.name)}`,
      expiresAt: new Date(expiresAt).toISOString(),
      bytes,
    };
  }

  /** Serves `GET /exports/<token>/<name>`, streamed from the file. */
  async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const match = /^\/exports\/([A-Za-z0-9_-]{24})\/([A-Za-z0-9._-]+)$/.exec(path);
    const expiresAt = match ? this.expiries.get(match[1] as string) : undefined;
    if (!match || !expiresAt || expiresAt < this.now().getTime() || request.method !== 'GET') {
      response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      response.end('{"error":"no such export, or its link expired"}');
      return;
    }
    const [, token, name] = match as unknown as [string, string, string];
    const file = join(this.dir, token, name);
    const size = await stat(file).then(
      (s) => s.size,
      () => undefined,
    );
    if (size === undefined) {
      response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      response.end('{"error":"no such export"}');
      return;
    }
    response.writeHead(200, {
      'content-type': name.endsWith('.csv')
        ? 'text/csv; charset=utf-8'
        : 'application/x-ndjson; charset=utf-8',
      'content-length': String(size),
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(response);
  }

  /** Deletes exports whose link expired. */
  async sweep(): Promise<void> {
    const now = this.now().getTime();
    for (const [token, expiresAt] of this.expiries) {
      if (expiresAt >= now) continue;
      this.expiries.delete(token);
      await rm(join(this.dir, token), { recursive: true, force: true });
    }
  }

  /** Deletes every export (at stop: the links die with the server). */
  async clear(): Promise<void> {
    this.expiries.clear();
    await rm(this.dir, { recursive: true, force: true });
  }
}
