import type { Brand, Priority } from './brand-config';
import type { FaqReply } from './faq/answer';
import type { AccountRole } from './interaction';
import type { Sentiment } from './sentiment';

export const TRIAGE_ACTIONS = ['auto_reply', 'agent', 'escalate', 'ignore'] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

export interface TriageInput {
  text: string;
  sentiment: Sentiment;
  addressedTo: AccountRole;
  authorFollowers?: number;
  authorVerified?: boolean;
  /** What the FAQ bot would do with the post, when the brand has a knowledge base. */
  faq?: FaqReply;
  /** Cases this customer had with the brand before this one. */
  earlierCases?: number;
  /** Minutes the customer has already waited on an answer whose deadline has passed. */
  overdueMinutes?: number;
  /** The team marked this customer as abusive: recorded, never escalated. */
  abusive?: { by: string; note?: string };
}

export interface TriageDecision {
  priority: Priority;
  /** Plain-language reasons, stored on the case so an agent sees why it ranks where it does. */
  priorityReasons: string[];
  /** Risk words found (legal, safety, media): each one pages on-call in a later step. */
  risks: string[];
  intent: string | null;
  action: TriageAction;
  /** The FAQ bot's answer: sent when action is auto_reply, else offered to the agent. */
  suggestedReply?: string;
  /** Why the bot did not answer a post addressed to it (risk, complaint, unclear, ...). */
  botDeclined?: string;
  /** The brand location the post is about (core/locations.ts): routing and local managers read it. */
  location?: string;
  /** How the location was found: the review site's place, the account it came to, or its text. */
  locationBy?: 'review_place' | 'account' | 'text';
}

/** Built-in risk signals. Brands add their own in `riskTerms`. Whole words or phrases, case-insensitive. */
const RISK_TERMS: Record<string, string[]> = {
  legal: [
    'lawyer',
    'lawyers',
    'attorney',
    'solicitor',
    'sue',
    'suing',
    'lawsuit',
    'legal action',
    'court',
    'small claims',
    'ombudsman',
    'regulator',
  ],
  safety: [
    'injured',
    'injury',
    'unsafe',
    'safety',
    'fire',
    'smoke',
    'emergency',
    'ambulance',
    'hospital',
    'bleeding',
    'assault',
    'assaulted',
    'harassed',
    'harassment',
    'threatened',
    'food poisoning',
    'allergic reaction',
  ],
  media: ['journalist', 'reporter', 'press', 'the news', 'going viral', 'go viral', 'bbc', 'cnn', 'watchdog'],
  discrimination: ['racist', 'racism', 'discriminated', 'discrimination', 'sexist'],
};

const HIGH_REACH_FOLLOWERS = 10_000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class RiskDetector {
  private readonly patterns: Array<{ category: string; term: string; pattern: RegExp }>;

  constructor(extraTerms: string[] = []) {
    const entries = Object.entries(RISK_TERMS).flatMap(([category, terms]) =>
      terms.map((term) => ({ category, term })),
    );
    for (const term of extraTerms) entries.push({ category: 'brand', term: term.toLowerCase() });
    this.patterns = entries.map(({ category, term }) => ({
      category,
      term,
      pattern: new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(term)}($|[^\\p{L}\\p{N}])`, 'iu'),
    }));
  }

  /** Risk categories with the term that triggered them, e.g. "legal: lawyer". */
  detect(text: string): string[] {
    const found = new Map<string, string>();
    for (const { category, term, pattern } of this.patterns) {
      if (!found.has(category) && pattern.test(text)) found.set(category, term);
    }
    return [...found].map(([category, term]) => `${category}: ${term}`);
  }
}

const detectors = new WeakMap<Brand, RiskDetector>();
export function riskDetectorFor(brand: Brand): RiskDetector {
  let detector = detectors.get(brand);
  if (!detector) {
    detector = new RiskDetector(brand.riskTerms);
    detectors.set(brand, detector);
  }
  return detector;
}

/** Text without handles and links: what the customer actually wrote. */
export function meaningfulText(text: string): string {
  return text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/(^|\s)@[A-Za-z0-9_]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Repeat contacts from this many earlier cases on raise the priority one step. */
export const REPEAT_CONTACT_CASES = 2;
const ONE_UP: Record<Priority, Priority> = { low: 'normal', normal: 'high', high: 'high', urgent: 'urgent' };

/**
 * Decides priority and action from what triage read. The rule, in order:
 * risk words → urgent and escalate; negative from a high-reach or verified author → urgent;
 * negative → high; positive with nothing to answer → low; otherwise normal. Then one step up (never
 * to urgent: not everyone can be a VIP) for a repeat contact or a customer already waiting past a
 * deadline. A customer marked abusive is low, whatever the post says, and never escalated. `found` is
 * what the brand's risk detector found in the text (read once per post by the caller).
 */
export function decideTriage(input: TriageInput, found: string[]): TriageDecision {
  const reasons: string[] = [];
  if (meaningfulText(input.text) === '') {
    return {
      priority: 'low',
      priorityReasons: ['no text beyond handles and links'],
      risks: [],
      intent: null,
      action: 'ignore',
    };
  }
  const negative = input.sentiment.label === 'NEGATIVE' || input.sentiment.label === 'MIXED';
  const highReach = (input.authorFollowers ?? 0) >= HIGH_REACH_FOLLOWERS || input.authorVerified === true;
  let priority: Priority;
  if (found.length > 0) {
    priority = 'urgent';
    reasons.push(`risk (${found.join(', ')})`);
  } else if (negative && highReach) {
    priority = 'urgent';
    reasons.push(`${input.sentiment.label.toLowerCase()} sentiment`, 'high-reach author');
  } else if (negative) {
    priority = 'high';
    reasons.push(`${input.sentiment.label.toLowerCase()} sentiment`);
  } else if (input.sentiment.label === 'POSITIVE' && !input.text.includes('?')) {
    priority = 'low';
    reasons.push('positive, no question');
  } else {
    priority = 'normal';
    reasons.push(`${input.sentiment.label.toLowerCase()} sentiment`);
  }
  const bumps: string[] = [];
  if ((input.earlierCases ?? 0) >= REPEAT_CONTACT_CASES)
    bumps.push(`repeat contact (${input.earlierCases} earlier cases)`);
  if ((input.overdueMinutes ?? 0) > 0)
    bumps.push(`already waiting ${input.overdueMinutes}m past the deadline`);
  if (bumps.length && ONE_UP[priority] !== priority) {
    priority = ONE_UP[priority];
    reasons.push(...bumps);
  }
  if (input.abusive) {
    return {
      priority: 'low',
      priorityReasons: [
        `marked abusive by ${input.abusive.by}${input.abusive.note ? `: ${input.abusive.note}` : ''}`,
      ],
      risks: found,
      intent: null,
      action: 'agent',
      botDeclined: 'abusive',
    };
  }
  const faq = input.faq;
  const intent = faq && 'detection' in faq ? (faq.detection?.intent ?? null) : null;
  const answer = faq && (faq.decision === 'answer' || faq.decision === 'suggest') ? faq.text : undefined;
  const declined =
    input.addressedTo === 'bot' && faq && faq.decision !== 'answer' && 'reason' in faq
      ? faq.reason
      : undefined;
  const action: TriageAction =
    found.length > 0 ? 'escalate' : faq?.decision === 'answer' ? 'auto_reply' : 'agent';
  return {
    priority,
    priorityReasons: reasons,
    risks: found,
    intent,
    action,
    ...(answer ? { suggestedReply: answer } : {}),
    ...(declined ? { botDeclined: declined } : {}),
  };
}

const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
export function higherPriority(a: Priority, b: Priority): Priority {
  return PRIORITY_RANK[a] <= PRIORITY_RANK[b] ? a : b;
}
