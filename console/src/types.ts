/** The agent API's shapes, as the console reads them (functions/agent-api/agent-api.ts). */
// The records the API returns as they are are the domain's own types: one definition, so a change
// there fails the console's typecheck instead of its users. Type-only imports: nothing is bundled.
import type { CareCase, CaseMessage, CaseNote, CaseStatus, CustomerRef } from '../../functions/core/cases';
import type { ReportRow, SeriesPoint } from '../../functions/core/report';

export type { CareCase, CaseMessage, CaseNote, CaseStatus, CustomerRef, ReportRow, SeriesPoint };
export type Platform = 'x' | 'facebook' | 'instagram' | 'generic';
export type Sentiment = 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL' | 'MIXED';
export type Priority = 'urgent' | 'high' | 'normal' | 'low';

export interface Agent {
  id: string;
  name: string;
  initials?: string;
  /** agent, supervisor or admin (from the agent registry). */
  role: string;
  brands: string[];
  /** The actions the role may take on the agent's brands (the API's access policy decides). */
  allowed: string[];
  /** Whether routing may give the agent new cases (PUT /api/me/status), and their load. */
  status?: 'available' | 'away';
  openCases?: number;
  capacity?: number;
}

/** An agent the case may be assigned to: the case team's members with their presence and load. */
export interface Assignee {
  id: string;
  name: string;
  status: 'available' | 'away';
  openCases: number;
  capacity: number;
}

/** One line of the case's audit trail: who did what, at which case version. */
export interface AuditEntry {
  auditId: string;
  at: string;
  agentId: string;
  agentName: string;
  action: string;
  caseVersion?: number;
}

export interface CannedReply {
  id: string;
  title: string;
  text: string;
}

export interface Brand {
  id: string;
  name: string;
  timezone: string;
  accounts: Array<{ platform: Platform; handle?: string; role: 'care' | 'bot' }>;
  /** The brand's locations (airports, hotels): a case may be tagged with one. */
  locations?: Array<{ code: string; name: string; timezone: string }>;
  /** The brand's topic names (config `topics`), for the queue's topic filter. */
  topics?: string[];
  agentDesk?: {
    signature: 'none' | 'initials' | 'name';
    allowedLinkDomains: string[];
    cannedReplies: CannedReply[];
    movedToPrivateNote: string;
  };
}

export interface SlaRecord {
  kind: string;
  dueAt: string;
  step: 'warning' | 'breach' | 'repeat';
  at: string;
}

export interface CaseDetail {
  case: CareCase;
  /** Set when the platform refuses a public reply (X: a post found by keyword search), with the reason. */
  publicReply?: { allowed: boolean; reason: string };
  /** What on-call was paged about this case (a risky post, deadline warnings and breaches). */
  pages?: Page[];
  messages: CaseMessage[];
  notes: CaseNote[];
  viewers: string[];
  audit?: AuditEntry[];
  customer: CustomerRef & {
    caseCount: number;
    abusive?: { by: string; at: string; note?: string };
    cases: Array<{
      caseId: string;
      status: CaseStatus;
      openedAt: string;
      subject: string;
      platform: Platform;
    }>;
  };
}

export interface QueueCounts {
  open: number;
  waiting_on_customer: number;
  unassigned: number;
  breached: number;
  /** Cases per lane: owed an answer, or nothing to answer. */
  reply?: number;
  no_reply?: number;
}

/** A reply the API accepted and queued; the case shows it as sending until it is posted. */
export interface QueuedReply {
  outboxId: string;
  text: string;
  visibility: 'public' | 'private';
  reason: string;
  createdAt: string;
}

export interface Page {
  pageId: string;
  kind: string;
  severity: string;
  brandId: string;
  caseId?: string;
  title: string;
  text: string;
  createdAt: string;
  status?: string;
  /** Its place in the brand's escalation chain. */
  level?: number;
  levelName?: string;
  levels?: number;
  acknowledgedBy?: string;
  acknowledgedByName?: string;
  acknowledgedVia?: 'console' | 'link' | 'slack' | 'pagerduty';
  acknowledgedAt?: string;
  stoppedAt?: string;
  stopReason?: 'answered' | 'resolved';
}
