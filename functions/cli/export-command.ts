import type { Writable } from 'node:stream';
import { EXPORT_FORMATS, EXPORT_KINDS } from '../core/exports';

/**
 * `socialcare export cases|messages|report|audit --brand B [--from] [--to] [--format csv|jsonl]`: asks the
 * agent API of a running system (local or deployed) for the export, then streams the file its link names
 * to the output, chunk by chunk.
 */
export async function runExportCommand(options: {
  url: string;
  token: string;
  kind: string;
  brand: string;
  from?: string;
  to?: string;
  format?: string;
  output: Writable;
  fetchImpl?: typeof fetch;
}): Promise<{ name: string; bytes: number }> {
  if (!(EXPORT_KINDS as readonly string[]).includes(options.kind))
    throw new Error(`export what? one of ${EXPORT_KINDS.join(', ')}`);
  if (options.format && !(EXPORT_FORMATS as readonly string[]).includes(options.format))
    throw new Error(`--format must be ${EXPORT_FORMATS.join(' or ')}`);
  const doFetch = options.fetchImpl ?? fetch;
  const query = new URLSearchParams({ brand: options.brand, format: options.format ?? 'csv' });
  if (options.from) query.set('from', options.from);
  if (options.to) query.set('to', options.to);
  const url = `${options.url.replace(/\/$/, '')}/api/exports/${options.kind}?${query}`;
  let response: Response;
  try {
    response = await doFetch(url, { headers: { authorization: `Bearer ${options.token}` } });
  } catch (error) {
    throw new Error(`${url} did not answer (${(error as Error).message}): is socialcare running there?`);
  }
  const body = (await response.json().catch(() => ({}))) as { url?: string; name?: string; error?: string };
  if (!response.ok || !body.url)
    throw new Error(`the API answered ${response.status}: ${body.error ?? 'no detail'}`);
  const file = await doFetch(body.url);
  if (!file.ok || !file.body) throw new Error(`the export's link answered ${file.status}`);
  let bytes = 0;
  for await (const chunk of file.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    if (!options.output.write(chunk)) await new Promise((r) => options.output.once('drain', r));
  }
  return { name: body.name ?? '', bytes };
}
