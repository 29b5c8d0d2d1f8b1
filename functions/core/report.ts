import { localDateOf } from './calendar';
import { type CareCase, laneOf } from './cases';

/** Response rate and response times per brand and channel: what a team lead reads first. */
export interface ReportRow {
  brandId: string;
  /** "x public", "x private", ... */
  channel: string;
  cases: number;
  answered: number;
  /** Share of cases that got a first response (bot or person). */
  responseRate: number;
  autoAnswered: number;
  /** Seconds from the post reaching us to the first response, over answered cases. */
  firstResponseSeconds: Percentiles;
  /**
   * The same, split by who answered first: the FAQ bot answers in seconds, people in minutes, and
   * one median over both says little about either.
   */
  firstResponseByAgents: Percentiles & { answered: number };
  firstResponseByBot: Percentiles & { answered: number };
  /** Deadlines missed (first breach per deadline). */
  breaches: number;
  negative: number;
  open: number;
  /**
   * Cases in the no-reply lane (thanks, praise, bare mentions, spam): counted in `cases`, never timed.
   * `responseRate` keeps its meaning over every case; `replyLaneResponseRate` is over the cases that
   * needed an answer.
   */
  noReply: number;
  replyLaneResponseRate: number;
}

/** Cases per brand and topic (the brand's config `topics`; `null`: no topic found). */
export interface TopicRow {
  brandId: string;
  topic: string | null;
  cases: number;
  noReply: number;
  negative: number;
  answered: number;
}

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Seconds from opening to the first response, of the cases answered, sorted. */
function firstResponseSeconds(group: CareCase[]): number[] {
  return (
    group
      .filter((c) => c.firstRespondedAt)
      // A case that started in the no-reply lane owed an answer only from when it entered the reply lane.
      .map((c) => (Date.parse(c.firstRespondedAt!) - Date.parse(c.replyLaneSince ?? c.openedAt)) / 1000)
      .sort((a, b) => a - b)
  );
}

/** Whether the FAQ bot gave the case its first response (cases before firstResponseBy: it resolved them). */
export function firstAnsweredByBot(careCase: CareCase): boolean {
  return careCase.firstResponseBy ? careCase.firstResponseBy === 'bot' : careCase.resolvedBy === 'bot';
}

function percentiles(times: number[]): Percentiles {
  return { p50: percentile(times, 50), p90: percentile(times, 90), p95: percentile(times, 95) };
}

function splitFirstResponses(group: CareCase[]) {
  const bot = firstResponseSeconds(group.filter(firstAnsweredByBot));
  const agents = firstResponseSeconds(group.filter((c) => !firstAnsweredByBot(c)));
  return {
    firstResponseByAgents: { ...percentiles(agents), answered: agents.length },
    firstResponseByBot: { ...percentiles(bot), answered: bot.length },
  };
}

function breachCount(group: CareCase[]): number {
  return group.reduce((n, c) => n + (c.slaHistory ?? []).filter((h) => h.step === 'breach').length, 0);
}

export function buildReport(cases: CareCase[]): ReportRow[] {
  const groups = new Map<string, CareCase[]>();
  for (const careCase of cases) {
    const key = `${careCase.brandId}|${careCase.platform} ${careCase.visibility}`;
    groups.set(key, [...(groups.get(key) ?? []), careCase]);
  }
  return [...groups]
    .map(([key, group]) => {
      const [brandId, channel] = key.split('|') as [string, string];
      const times = firstResponseSeconds(group);
      return {
        brandId,
        channel,
        cases: group.length,
        answered: times.length,
        responseRate: group.length ? times.length / group.length : 0,
        autoAnswered: group.filter((c) => c.resolvedBy === 'bot').length,
        firstResponseSeconds: percentiles(times),
        ...splitFirstResponses(group),
        breaches: breachCount(group),
        negative: group.filter((c) => c.sentiment === 'NEGATIVE' || c.sentiment === 'MIXED').length,
        open: group.filter((c) => c.status !== 'resolved').length,
        noReply: group.filter((c) => laneOf(c) === 'no_reply').length,
        replyLaneResponseRate: rateOf(group.filter((c) => laneOf(c) === 'reply')),
      };
    })
    .sort((a, b) => a.brandId.localeCompare(b.brandId) || a.channel.localeCompare(b.channel));
}

function rateOf(group: CareCase[]): number {
  return group.length ? group.filter((c) => c.firstRespondedAt).length / group.length : 0;
}

/** Cases per brand and topic, most cases first (cases opened before topics count as no topic). */
export function buildTopicReport(cases: CareCase[]): TopicRow[] {
  const groups = new Map<string, { brandId: string; topic: string | null; group: CareCase[] }>();
  for (const careCase of cases) {
    const topic = careCase.topic ?? null;
    const key = `${careCase.brandId}|${topic ?? ''}`;
    const entry = groups.get(key) ?? { brandId: careCase.brandId, topic, group: [] };
    entry.group.push(careCase);
    groups.set(key, entry);
  }
  return [...groups.values()]
    .map(({ brandId, topic, group }) => ({
      brandId,
      topic,
      cases: group.length,
      noReply: group.filter((c) => laneOf(c) === 'no_reply').length,
      negative: group.filter((c) => c.sentiment === 'NEGATIVE' || c.sentiment === 'MIXED').length,
      answered: group.filter((c) => c.firstRespondedAt).length,
    }))
    .sort(
      (a, b) =>
        a.brandId.localeCompare(b.brandId) ||
        b.cases - a.cases ||
        Number(a.topic === null) - Number(b.topic === null) ||
        (a.topic ?? '').localeCompare(b.topic ?? ''),
    );
}

function duration(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

/** The report as a plain-text table. */
export function formatReport(
  rows: ReportRow[],
  period: { from: string; to: string },
  topics?: TopicRow[],
): string {
  const header = [
    'brand',
    'channel',
    'cases',
    'answered',
    'rate',
    'auto',
    'FRT p50',
    'p90',
    'p95',
    'agents p50',
    'bot p50',
    'breaches',
    'negative',
    'open',
    'no reply',
  ];
  const body = rows.map((r) => [
    r.brandId,
    r.channel,
    String(r.cases),
    String(r.answered),
    `${Math.round(r.responseRate * 100)}%`,
    String(r.autoAnswered),
    duration(r.firstResponseSeconds.p50),
    duration(r.firstResponseSeconds.p90),
    duration(r.firstResponseSeconds.p95),
    duration(r.firstResponseByAgents.p50),
    duration(r.firstResponseByBot.p50),
    String(r.breaches),
    String(r.negative),
    String(r.open),
    String(r.noReply ?? 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const table = [`Cases opened ${period.from} – ${period.to}`, line(header), ...body.map(line)];
  if (!topics?.length) return table.join('\n');
  const topicHeader = ['brand', 'topic', 'cases', 'no reply', 'negative', 'answered'];
  const topicBody = topics.map((t) => [
    t.brandId,
    t.topic ?? '(none)',
    String(t.cases),
    String(t.noReply),
    String(t.negative),
    String(t.answered),
  ]);
  const topicWidths = topicHeader.map((h, i) =>
    Math.max(h.length, ...topicBody.map((row) => (row[i] as string).length)),
  );
  const topicLine = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(topicWidths[i] as number))
      .join('  ')
      .trimEnd();
  return [...table, '', 'By topic', topicLine(topicHeader), ...topicBody.map(topicLine)].join('\n');
}

export interface SeriesPoint {
  /** The local date in the brand's timezone. */
  date: string;
  cases: number;
  answered: number;
  responseRate: number;
  firstResponseP50: number | null;
  /** Medians by who answered first (people, the FAQ bot): the chart shows them apart. */
  agentFirstResponseP50: number | null;
  botFirstResponseP50: number | null;
  breaches: number;
  positive: number;
  negative: number;
  neutral: number;
}

/** Day by day, for the reports page's charts. */
export function buildSeries(cases: CareCase[], timezone: string): SeriesPoint[] {
  const days = new Map<string, CareCase[]>();
  for (const careCase of cases) {
    const day = localDateOf({ timezone }, new Date(careCase.openedAt));
    days.set(day, [...(days.get(day) ?? []), careCase]);
  }
  return [...days]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, group]) => {
      const times = firstResponseSeconds(group);
      return {
        date,
        cases: group.length,
        answered: times.length,
        responseRate: times.length / group.length,
        firstResponseP50: percentile(times, 50),
        agentFirstResponseP50: percentile(
          firstResponseSeconds(group.filter((c) => !firstAnsweredByBot(c))),
          50,
        ),
        botFirstResponseP50: percentile(firstResponseSeconds(group.filter(firstAnsweredByBot)), 50),
        breaches: breachCount(group),
        positive: group.filter((c) => c.sentiment === 'POSITIVE').length,
        negative: group.filter((c) => c.sentiment === 'NEGATIVE' || c.sentiment === 'MIXED').length,
        neutral: group.filter((c) => c.sentiment === 'NEUTRAL').length,
      };
    });
}
