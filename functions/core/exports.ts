import type { AuditEntry, AuditLog } from './access/audit';
import type { CareCase, CaseMessage } from './cases';
import { buildReport, firstAnsweredByBot, type ReportRow } from './report';

/**
 * Exports: cases, messages (masked, as stored), the report and the audit trail of one brand and period,
 * as CSV (RFC 4180) or JSON lines. Rows are produced page by page and written out as they come, so a
 * year of cases never sits in memory: the table is read a page at a time, the text leaves a page at a
 * time into a sink (an S3 multipart upload in AWS, a file locally) and the caller gets a link to it.
 */

export const EXPORT_KINDS = ['cases', 'messages', 'report', 'audit'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type Cell = string | number | boolean | null | undefined | readonly string[] | Record<string, unknown>;

/** One column of an export: its header and how a row gives its value. CSV and JSON lines use the same list. */
export interface ExportColumn<T> {
  name: string;
  value: (row: T) => Cell;
}

const seconds = (from: string, to: string | undefined) =>
  to ? Math.round((Date.parse(to) - Date.parse(from)) / 1000) : undefined;

/**
 * The columns of a case export, in order. Add a column here (a team, a topic) and both formats carry
 * it. No names or handles: a customer is their platform id, which the team links to its CRM.
 */
export const CASE_COLUMNS: ExportColumn<CareCase>[] = [
  { name: 'caseId', value: (c) => c.caseId },
  { name: 'brandId', value: (c) => c.brandId },
  { name: 'channel', value: (c) => `${c.platform} ${c.visibility}` },
  { name: 'status', value: (c) => c.status },
  { name: 'priority', value: (c) => c.priority },
  { name: 'sentiment', value: (c) => c.sentiment },
  { name: 'intent', value: (c) => c.intent },
  { name: 'action', value: (c) => c.action },
  { name: 'accountRole', value: (c) => c.accountRole },
  { name: 'source', value: (c) => c.source },
  { name: 'customer', value: (c) => `${c.customer.platform}:${c.customer.id}` },
  { name: 'openedAt', value: (c) => c.openedAt },
  { name: 'firstRespondedAt', value: (c) => c.firstRespondedAt },
  {
    name: 'firstResponseBy',
    value: (c) => (c.firstRespondedAt ? (firstAnsweredByBot(c) ? 'bot' : 'agent') : undefined),
  },
  { name: 'firstResponseSeconds', value: (c) => seconds(c.openedAt, c.firstRespondedAt) },
  { name: 'resolvedAt', value: (c) => c.resolvedAt },
  { name: 'resolvedBy', value: (c) => c.resolvedBy },
  { name: 'assignee', value: (c) => c.assignee },
  { name: 'tags', value: (c) => c.tags },
  { name: 'messageCount', value: (c) => c.messageCount },
  { name: 'breaches', value: (c) => (c.slaHistory ?? []).filter((h) => h.step === 'breach').length },
  { name: 'subject', value: (c) => c.subject },
];

/** A message with the brand of its case (a message alone does not name it). */
export type ExportedMessage = CaseMessage & { brandId: string };

/** Messages as stored: private data was masked before it was written, and stays masked here. */
export const MESSAGE_COLUMNS: ExportColumn<ExportedMessage>[] = [
  { name: 'caseId', value: (m) => m.caseId },
  { name: 'brandId', value: (m) => m.brandId },
  { name: 'platformMessageId', value: (m) => m.platformMessageId },
  { name: 'direction', value: (m) => m.direction },
  { name: 'channel', value: (m) => `${m.platform} ${m.visibility}` },
  { name: 'kind', value: (m) => m.kind },
  { name: 'createdAt', value: (m) => m.createdAt },
  { name: 'receivedAt', value: (m) => m.receivedAt },
  { name: 'lang', value: (m) => m.lang },
  { name: 'sentiment', value: (m) => m.sentiment },
  { name: 'sentBy', value: (m) => m.sentBy },
  { name: 'reason', value: (m) => m.reason },
  { name: 'inReplyToId', value: (m) => m.inReplyToId },
  { name: 'text', value: (m) => m.text },
];

export const REPORT_COLUMNS: ExportColumn<ReportRow>[] = [
  { name: 'brandId', value: (r) => r.brandId },
  { name: 'channel', value: (r) => r.channel },
  { name: 'cases', value: (r) => r.cases },
  { name: 'answered', value: (r) => r.answered },
  { name: 'responseRate', value: (r) => Math.round(r.responseRate * 10_000) / 10_000 },
  { name: 'autoAnswered', value: (r) => r.autoAnswered },
  { name: 'firstResponseP50Seconds', value: (r) => r.firstResponseSeconds.p50 },
  { name: 'firstResponseP90Seconds', value: (r) => r.firstResponseSeconds.p90 },
  { name: 'firstResponseP95Seconds', value: (r) => r.firstResponseSeconds.p95 },
  { name: 'agentsFirstResponseP50Seconds', value: (r) => r.firstResponseByAgents.p50 },
  { name: 'botFirstResponseP50Seconds', value: (r) => r.firstResponseByBot.p50 },
  { name: 'breaches', value: (r) => r.breaches },
  { name: 'negative', value: (r) => r.negative },
  { name: 'open', value: (r) => r.open },
];

/** The audit trail as the access issue defined it (texts are never in it). */
export const AUDIT_COLUMNS: ExportColumn<AuditEntry>[] = (
  [
    'at',
    'brandId',
    'agentId',
    'agentName',
    'role',
    'action',
    'caseId',
    'caseVersion',
    'target',
    'detail',
  ] as const
).map((name) => ({ name, value: (entry: AuditEntry) => entry[name] as Cell }));

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF, quotes doubled. A field
 * a spreadsheet would run as a formula (= + - @, a tab or CR first) is written with a leading '.
 * Lists are joined with `;`, objects written as JSON.
 */
export function csvField(value: Cell): string {
  if (value === undefined || value === null) return '';
  const text = Array.isArray(value)
    ? value.join(';')
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
  const safe = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvHeader<T>(columns: readonly ExportColumn<T>[]): string {
  return `${columns.map((c) => csvField(c.name)).join(',')}\r\n`;
}

export function exportLine<T>(columns: readonly ExportColumn<T>[], row: T, format: ExportFormat): string {
  if (format === 'csv') return `${columns.map((c) => csvField(c.value(row))).join(',')}\r\n`;
  const object: Record<string, Cell> = {};
  for (const column of columns) {
    const value = column.value(row);
    if (value !== undefined) object[column.name] = value;
  }
  return `${JSON.stringify(object)}\n`;
}

/** The text of an export, one chunk per page of rows (the header first for CSV). */
export async function* exportChunks<T>(
  columns: readonly ExportColumn<T>[],
  pages: AsyncIterable<readonly T[]>,
  format: ExportFormat,
): AsyncGenerator<string> {
  if (format === 'csv') yield csvHeader(columns);
  for await (const page of pages) {
    let chunk = '';
    for (const row of page) chunk += exportLine(columns, row, format);
    if (chunk) yield chunk;
  }
}

/** What an export reads: the case store's cases of a period a page at a time with their messages, the audit trail. */
export interface ExportSource {
  cases: {
    pageCasesOpenedBetween(brandId: string, from: string, to: string): AsyncIterable<CareCase[]>;
    listMessages(caseId: string): Promise<CaseMessage[]>;
  };
  audit: Pick<AuditLog, 'listForBrand'>;
}

/** Where an export's text goes, in order: an S3 object in AWS, a file locally; answers a link to it. */
export interface ExportSink {
  store(file: ExportFile, chunks: AsyncIterable<string>): Promise<StoredExport>;
}

export interface ExportFile {
  /** e.g. `cases-demo-air-2026-01-01-2026-12-31.csv` */
  name: string;
  contentType: string;
}

export interface StoredExport {
  /** Where to download it: no token needed, valid until expiresAt. */
  url: string;
  expiresAt: string;
  bytes: number;
}

export interface ExportRequest {
  kind: ExportKind;
  brandId: string;
  from: string;
  to: string;
  format: ExportFormat;
}

export class InvalidExportError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidExportError';
  }
}

/** Checks an export request (from the API's query or the CLI's options); throws with the field at fault. */
export function parseExportRequest(input: {
  kind: string | undefined;
  brand: string | undefined;
  from: string | undefined;
  to: string | undefined;
  format: string | undefined;
  now: Date;
}): ExportRequest {
  if (!EXPORT_KINDS.includes(input.kind as ExportKind))
    throw new InvalidExportError('kind', `one of ${EXPORT_KINDS.join(', ')}`);
  if (!input.brand) throw new InvalidExportError('brand', 'the brand to export');
  const format = input.format ?? 'csv';
  if (!EXPORT_FORMATS.includes(format as ExportFormat))
    throw new InvalidExportError('format', 'csv or jsonl');
  if (input.to !== undefined && Number.isNaN(Date.parse(input.to)))
    throw new InvalidExportError('to', 'an ISO instant');
  const to = input.to ?? input.now.toISOString();
  const from = input.from ?? new Date(Date.parse(to) - 30 * 86_400_000).toISOString();
  if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)) || from > to)
    throw new InvalidExportError('from', 'from and to must be ISO instants, from before to');
  return { kind: input.kind as ExportKind, brandId: input.brand, from, to, format: format as ExportFormat };
}

export function exportFileOf(request: ExportRequest): ExportFile {
  return {
    name: `${request.kind}-${request.brandId}-${request.from.slice(0, 10)}-${request.to.slice(0, 10)}.${request.format}`,
    contentType: request.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
  };
}

async function* messagePages(source: ExportSource, request: ExportRequest): AsyncIterable<ExportedMessage[]> {
  for await (const cases of source.cases.pageCasesOpenedBetween(request.brandId, request.from, request.to)) {
    for (const careCase of cases) {
      const messages = await source.cases.listMessages(careCase.caseId);
      if (messages.length) yield messages.map((m) => ({ ...m, brandId: careCase.brandId }));
    }
  }
}

/** What the report needs of a case: kept per case while reading, the rest of the case let go. */
function reportFacts(c: CareCase): CareCase {
  const slaHistory = (c.slaHistory ?? []).filter((h) => h.step === 'breach');
  return {
    brandId: c.brandId,
    platform: c.platform,
    visibility: c.visibility,
    status: c.status,
    sentiment: c.sentiment,
    openedAt: c.openedAt,
    ...(c.firstRespondedAt ? { firstRespondedAt: c.firstRespondedAt } : {}),
    ...(c.firstResponseBy ? { firstResponseBy: c.firstResponseBy } : {}),
    ...(c.resolvedBy ? { resolvedBy: c.resolvedBy } : {}),
    ...(slaHistory.length ? { slaHistory } : {}),
  } as CareCase;
}

async function* reportPages(source: ExportSource, request: ExportRequest): AsyncIterable<ReportRow[]> {
  const facts: CareCase[] = [];
  for await (const cases of source.cases.pageCasesOpenedBetween(request.brandId, request.from, request.to))
    for (const careCase of cases) facts.push(reportFacts(careCase));
  yield buildReport(facts);
}

/** The export's text, a chunk per page, as it is read. */
export function exportText(source: ExportSource, request: ExportRequest): AsyncGenerator<string> {
  const { brandId, from, to, format } = request;
  switch (request.kind) {
    case 'cases':
      return exportChunks(CASE_COLUMNS, source.cases.pageCasesOpenedBetween(brandId, from, to), format);
    case 'messages':
      return exportChunks(MESSAGE_COLUMNS, messagePages(source, request), format);
    case 'report':
      return exportChunks(REPORT_COLUMNS, reportPages(source, request), format);
    case 'audit':
      return exportChunks(AUDIT_COLUMNS, source.audit.listForBrand(brandId, from, to), format);
  }
}

/** Runs an export into the sink and answers where to fetch it. */
export async function runExport(
  source: ExportSource,
  sink: ExportSink,
  request: ExportRequest,
): Promise<StoredExport & { name: string }> {
  const file = exportFileOf(request);
  const stored = await sink.store(file, exportText(source, request));
  return { name: file.name, ...stored };
}
