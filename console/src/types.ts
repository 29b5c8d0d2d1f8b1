/** The agent API's shapes, as the console reads them (functions/agent-api/agent-api.ts). */
export type Platform = 'x' | 'facebook' | 'instagram' | 'generic';
export type Sentiment = 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL' | 'MIXED';
export type CaseStatus = 'open' | 'waiting_on_customer' | 'resolved';
export type Priority = 'urgent' | 'high' | 'normal' | 'low';

export interface Agent {
  id: string;
  name: string;
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
  agentDesk?: {
    signature: 'none' | 'initials' | 'name';
    allowedLinkDomains: string[];
    cannedReplies: CannedReply[];
    movedToPrivateNote: string;
  };
}

export interface CustomerRef {
  platform: Platform;
  id: string;
  handle?: string;
  name?: string;
}

export interface SlaRecord {
  kind: string;
  dueAt: string;
  step: 'warning' | 'breach' | 'repeat';
  at: string;
}

export interface CareCase {
  caseId: string;
  brandId: string;
  platform: Platform;
  status: CaseStatus;
  version: number;
  priority: Priority;
  priorityReasons: string[];
  risks: string[];
  sentiment: Sentiment;
  sentimentScores?: Record<string, number>;
  sentimentSource?: string;
  intent: string | null;
  action?: string;
  customer: CustomerRef;
  accountRole?: 'care' | 'bot';
  visibility: 'public' | 'private';
  subject: string;
  openedAt: string;
  lastInboundAt?: string;
  messageCount?: number;
  awaitingReplySince?: string;
  firstResponseDueAt?: string;
  nextResponseDueAt?: string;
  resolutionDueAt?: string;
  nextDeadlineAt?: string;
  nextDeadlineKind?: string;
  sla?: { kind: string; dueAt: string; startedAt: string; step?: string; checkAt?: string };
  slaHistory?: SlaRecord[];
  pausedAt?: string;
  firstRespondedAt?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  suggestedReply?: string;
  botDeclined?: string;
  assignee?: string;
  tags?: string[];
  lastAgentReplyAt?: string;
  deliveryProblem?: string;
}

export interface CaseMessage {
  caseId: string;
  direction: 'in' | 'out';
  platform: Platform;
  platformMessageId: string;
  kind: string;
  visibility: 'public' | 'private';
  authorId: string;
  text: string;
  createdAt: string;
  url?: string;
  sentiment?: Sentiment;
  sentBy?: string;
  reason?: string;
}

export interface CaseNote {
  noteId: string;
  author: string;
  text: string;
  at: string;
}

export interface CaseDetail {
  case: CareCase;
  messages: CaseMessage[];
  notes: CaseNote[];
  viewers: string[];
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
}

export interface ReportRow {
  brandId: string;
  channel: string;
  cases: number;
  answered: number;
  responseRate: number;
  autoAnswered: number;
  firstResponseSeconds: { p50: number | null; p90: number | null; p95: number | null };
  breaches: number;
  negative: number;
  open: number;
}

export interface SeriesPoint {
  date: string;
  cases: number;
  answered: number;
  responseRate: number;
  firstResponseP50: number | null;
  breaches: number;
  positive: number;
  negative: number;
  neutral: number;
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
}
