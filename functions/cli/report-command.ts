import type { Writable } from 'node:stream';
import { formatReport, type ReportRow, type TopicRow } from '../core/report';

/**
 * `socialcare report`: response rate and first-response percentiles per brand and channel (with the
 * no-reply lane's count), then cases per topic, from the
 * stored cases, through the agent API of a running system (local or deployed).
 */
export async function runReportCommand(options: {
  url: string;
  token: string;
  from?: string;
  to?: string;
  brand?: string;
  json?: boolean;
  output: Writable;
  fetchImpl?: typeof fetch;
}): Promise<void> {
  const query = new URLSearchParams();
  if (options.from) query.set('from', options.from);
  if (options.to) query.set('to', options.to);
  if (options.brand) query.set('brand', options.brand);
  const url = `${options.url.replace(/\/$/, '')}/api/reports${query.size ? `?${query}` : ''}`;
  const response = await (options.fetchImpl ?? fetch)(url, {
    headers: { authorization: `Bearer ${options.token}` },
  });
  const body = (await response.json().catch(() => ({}))) as {
    from: string;
    to: string;
    rows: ReportRow[];
    topics?: TopicRow[];
    error?: string;
  };
  if (!response.ok) throw new Error(`the API answered ${response.status}: ${body.error ?? 'no detail'}`);
  options.output.write(
    `${options.json ? JSON.stringify(body, null, 2) : formatReport(body.rows, body, body.topics)}\n`,
  );
}
