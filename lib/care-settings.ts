import type { Construct } from 'constructs';
import { SENTIMENT_MODES, type SentimentMode } from '../functions/adapters/sentiment-mode';
import type { PageSeverity } from '../functions/core/paging';
import { type OncallSubscribers, oncallSubscriberProblems } from './constructs/oncall-topic';

/** Deploy-time settings of the stack, each a stack prop or else a context value (`-c name=value`). */
export interface CareSettingsProps {
  /**
   * The URL every page links to, followed by the case id (`https://console.example.com/cases/`).
   * @default context `caseLinkBase`, else the agent API: `<ApiUrl>api/cases/`
   */
  readonly caseLinkBase?: string;
  /** On-call e-mail addresses: every page. @default context `oncallEmails` (comma-separated), else none */
  readonly oncallEmails?: string[];
  /** On-call phone numbers (E.164): pages of `oncallSmsSeverities`. @default context `oncallSms`, else none */
  readonly oncallSms?: string[];
  /** Severities that go to SMS. @default context `oncallSmsSeverities`, else ['critical'] */
  readonly oncallSmsSeverities?: PageSeverity[];
  /**
   * How triage reads sentiment: `comprehend` (every post), `hybrid` (the local reader when confident,
   * Comprehend for the rest) or `local` (no Comprehend call, no Comprehend permission).
   * @default context `sentiment`, else 'comprehend'
   */
  readonly sentiment?: SentimentMode;
}

export interface CareSettings extends OncallSubscribers {
  /** Undefined: the stack links pages to the agent API. */
  readonly caseLinkBase?: string;
  readonly sentiment: SentimentMode;
}

export class CareSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CareSettingsError';
  }
}

/** A context value given on the command line is a comma-separated string; in cdk.json it may be an array. */
function listFrom(scope: Construct, name: string, problems: string[]): string[] | undefined {
  const value: unknown = scope.node.tryGetContext(name);
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  problems.push(`context "${name}" must be a comma-separated list, not ${JSON.stringify(value)}`);
  return [];
}

/**
 * Reads and validates every deploy-time setting before any resource is created; all problems are
 * reported together, each naming the setting.
 */
export function readCareSettings(scope: Construct, props: CareSettingsProps): CareSettings {
  const problems: string[] = [];

  const linkContext: unknown = scope.node.tryGetContext('caseLinkBase');
  if (linkContext !== undefined && typeof linkContext !== 'string') {
    problems.push(`context "caseLinkBase" must be a URL, not ${JSON.stringify(linkContext)}`);
  }
  const caseLinkBase = props.caseLinkBase ?? (typeof linkContext === 'string' ? linkContext : undefined);
  if (caseLinkBase !== undefined && !isHttpsUrl(caseLinkBase)) {
    problems.push(
      `caseLinkBase must be an https URL to which a case id is appended, not ${JSON.stringify(caseLinkBase)}`,
    );
  }

  const subscribers: OncallSubscribers = {
    emails: props.oncallEmails ?? listFrom(scope, 'oncallEmails', problems) ?? [],
    smsNumbers: props.oncallSms ?? listFrom(scope, 'oncallSms', problems) ?? [],
    smsSeverities: (props.oncallSmsSeverities ??
      listFrom(scope, 'oncallSmsSeverities', problems) ?? ['critical']) as PageSeverity[],
  };
  problems.push(...oncallSubscriberProblems(subscribers));

  const sentiment: unknown = props.sentiment ?? scope.node.tryGetContext('sentiment') ?? 'comprehend';
  if (!(SENTIMENT_MODES as readonly unknown[]).includes(sentiment)) {
    problems.push(`sentiment must be one of ${SENTIMENT_MODES.join(', ')}, not ${JSON.stringify(sentiment)}`);
  }

  if (problems.length) throw new CareSettingsError(problems);
  return {
    ...subscribers,
    ...(caseLinkBase !== undefined ? { caseLinkBase } : {}),
    sentiment: sentiment as SentimentMode,
  };
}

function isHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}
