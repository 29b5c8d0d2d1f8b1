import { randomBytes } from 'node:crypto';

/**
 * The audit trail: every agent action, appended once (who, when, what, on which case at which
 * version) and never edited. Shown on the case and exported per brand and period.
 */
export const AUDITED = [
  'view',
  'claim',
  'assign',
  'reply',
  'private_reply',
  'note',
  'tag',
  'lane',
  'correction',
  'resolve',
  'abuse_mark',
  'abuse_unmark',
  'identity_link',
  'crm_id',
  'agent_created',
  'agent_removed',
  'account_reauthorized',
  'status_changed',
  'routing_changed',
  'export',
  'auto_close',
  /** An on-call page acknowledged (console, signed link, Slack or PagerDuty); the chain stops climbing. */
  'page_ack',
] as const;
export type AuditAction = (typeof AUDITED)[number];

export interface AuditEntry {
  /** Sorts by time: `<at>#<sequence>#<random>`. */
  auditId: string;
  at: string;
  brandId: string;
  agentId: string;
  /** The registry's display name at the time. */
  agentName: string;
  role: string;
  action: AuditAction;
  caseId?: string;
  /** The case's version after the action (for a view: the version seen). */
  caseVersion?: number;
  /** What the action was about: a customer (`platform:id`), an agent id. */
  target?: string;
  /** Short facts (the new assignee, the tags, a reply's request id); never message texts. */
  detail?: Record<string, string | number | boolean | string[] | null>;
}

/** The audit port: appends only. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  listForCase(caseId: string): Promise<AuditEntry[]>;
  /** Entries of a brand in [from, to] (ISO instants), oldest first, page by page. */
  listForBrand(brandId: string, from: string, to: string): AsyncIterable<AuditEntry[]>;
}

let sequence = 0;
export function newAuditId(at: string): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${at}#${String(sequence).padStart(6, '0')}#${randomBytes(4).toString('hex')}`;
}

export const AUDIT_FIELDS = [
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
] as const;

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A leading = + - @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const auditCsvHeader = () => `${AUDIT_FIELDS.join(',')}\n`;

export function auditLine(entry: AuditEntry, format: 'csv' | 'jsonl'): string {
  if (format === 'jsonl') return `${JSON.stringify(entry)}\n`;
  return `${AUDIT_FIELDS.map((field) => csvCell(entry[field])).join(',')}\n`;
}

/** The UTC days an audit period spans (the table keeps a brand's trail per day). */
export function auditDays(from: string, to: string): string[] {
  const days: string[] = [];
  const end = to.slice(0, 10);
  for (let day = new Date(`${from.slice(0, 10)}T00:00:00Z`); ; day = new Date(day.getTime() + 86_400_000)) {
    const text = day.toISOString().slice(0, 10);
    if (text > end) break;
    days.push(text);
    if (days.length > 3700) break;
  }
  return days;
}
