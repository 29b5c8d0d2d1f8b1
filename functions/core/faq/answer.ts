import {
  addDays,
  type Calendar,
  closesAt,
  type DayHours,
  isOpen,
  localDateOf,
  localTimeOf,
  nextOpenAt,
  openingHoursOn,
  weekdayOf,
} from '../calendar';
import { type ReplyLimit, replyLength, URL_IN_TEXT, X_REPLY_LIMIT } from '../reply-rules';
import type { SentimentLabel } from '../sentiment';
import { meaningfulText } from '../triage';
import {
  complaintCues,
  detectFaqIntent,
  FAQ_ANSWER_THRESHOLD,
  type FaqDetection,
  type FaqIntent,
} from './detect';
import {
  compileKnowledgeBase,
  type FaqLocation,
  isAllowedLink,
  type KnowledgeBase,
  parseTemplate,
  placeLabel,
  type TemplateValues,
  type Voice,
  type VoiceTemplateName,
} from './knowledge-base';

/**
 * The FAQ bot's reply policy and its replies. Pure and synchronous: the fare is looked up before
 * (through the FareSource port, see `answerFaq`) and passed in, and "now" is an input.
 * Publicly, precision beats recall: every doubt becomes a hand-off to the care account.
 */

// ---------------------------------------------------------------------------------------------
// Fares: the port and the static table

export interface FareQuote {
  amount: number;
  /** ISO 4217. */
  currency: string;
  deepLink: string;
  /** ISO 8601: when the price was last seen, stated in the reply. */
  checkedAt: string;
}

/** Where the lowest return fare of a route comes from: the knowledge base table or a brand's fare service. */
export interface FareSource {
  lowestReturnFare(from: string, to: string): Promise<FareQuote | undefined>;
}

/** The lowest return fare from the knowledge base table; the reverse route counts when the fare says so. */
export function lookupStaticFare(kb: KnowledgeBase, from: string, to: string): FareQuote | undefined {
  const fare = compileKnowledgeBase(kb).fareByRoute.get(`${from}-${to}`);
  if (!fare) return undefined;
  return {
    amount: fare.lowestReturnFare.amount,
    currency: fare.lowestReturnFare.currency,
    deepLink: fare.deepLink,
    checkedAt: fare.checkedAt,
  };
}

export class StaticFareSource implements FareSource {
  constructor(private readonly kb: KnowledgeBase) {}

  async lowestReturnFare(from: string, to: string): Promise<FareQuote | undefined> {
    return lookupStaticFare(this.kb, from, to);
  }
}

// ---------------------------------------------------------------------------------------------
// Length

// How X and the others count a reply's length is shared with the agent desk and the console.
export { type ReplyLimit, replyLength, X_REPLY_LIMIT };

/**
 * A template filled in, dropping [[optional]] parts from the last one first until it fits.
 * Required parts (the fare, the link, when it was checked) are never cut: no fit, no reply.
 */
export function renderTemplate(
  template: string,
  values: Record<string, string>,
  limit: ReplyLimit,
): string | undefined {
  const segments = parseTemplate(template).map((segment) => ({
    optional: segment.optional,
    text: segment.parts
      .map((part) => (part.kind === 'text' ? part.text : (values[part.name] ?? '')))
      .join(''),
  }));
  const tidy = (parts: typeof segments) =>
    parts
      .map((s) => s.text)
      .join('')
      .replace(/[ \t]{2,}/g, ' ')
      .trim();
  let text = tidy(segments);
  for (let i = segments.length - 1; i >= 0 && replyLength(text, limit) > limit.maxLength; i--) {
    if (!segments[i]!.optional) continue;
    segments.splice(i, 1);
    text = tidy(segments);
  }
  return replyLength(text, limit) <= limit.maxLength ? text : undefined;
}

function fill<T extends VoiceTemplateName>(
  voice: Voice,
  name: T,
  values: TemplateValues<T>,
  limit: ReplyLimit,
): string | undefined {
  return renderTemplate(voice[name], values, limit);
}

// ---------------------------------------------------------------------------------------------
// Formatting: money, checked times, days and windows, always in the right timezone

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAY_NAMES: Record<DayHours['weekday'], string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

export function formatMoney(amount: number, currency: string): string {
  const text = Number.isInteger(amount) ? String(amount) : amount.toFixed(2);
  return `${currency} ${text}`;
}

/** "Sun 29 Mar", with the year when it is not the current one. */
function shortDate(date: string, today: string): string {
  const weekday = WEEKDAY_NAMES[weekdayOf(date)];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const yearText = date.slice(0, 4) === today.slice(0, 4) ? '' : ` ${year}`;
  return `${weekday} ${day} ${MONTHS[month - 1]}${yearText}`;
}

/** "today (Sun 29 Mar)", "tomorrow (Mon 30 Mar)", "on Fri 25 Dec"; a holiday by name: "on Thu 24 Dec (Christmas Eve)". */
function dayPhrase(day: DayHours, today: string): string {
  const date = shortDate(day.date, today);
  if (day.date === today) return `today (${day.exception ? `${date}, ${day.exception}` : date})`;
  if (day.date === addDays(today, 1))
    return `tomorrow (${day.exception ? `${date}, ${day.exception}` : date})`;
  return day.exception ? `on ${date} (${day.exception})` : `on ${date}`;
}

const zoneNames = new Map<string, Intl.DateTimeFormat>();
function zoneAbbreviation(timezone: string, at: Date): string {
  let format = zoneNames.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, timeZoneName: 'short' });
    zoneNames.set(timezone, format);
  }
  return format.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? timezone;
}

/** "Amsterdam time" for Europe/Amsterdam, "New York time" for America/New_York. */
export function timezoneLabel(timezone: string): string {
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return 'UTC';
  const city = timezone.split('/').pop() ?? timezone;
  return /^[A-Za-z_]+$/.test(city) && timezone.includes('/') ? `${city.replace(/_/g, ' ')} time` : timezone;
}

/** "23 Nov, 09:00 CET" (fares) or "1 Nov" (hours), with the year when it is not the current one. */
function checkedText(checkedAt: string, timezone: string, now: Date, withTime: boolean): string | undefined {
  const at = new Date(checkedAt);
  if (Number.isNaN(at.getTime())) return undefined;
  const calendar = { timezone };
  const date = localDateOf(calendar, at);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const yearText = year === Number(localDateOf(calendar, now).slice(0, 4)) ? '' : ` ${year}`;
  const dayText = `${day} ${MONTHS[month - 1]}${yearText}`;
  return withTime ? `${dayText}, ${localTimeOf(calendar, at)} ${zoneAbbreviation(timezone, at)}` : dayText;
}

/** "05:30–13:00 and 15:00–22:00"; overnight as "18:00 until 02:00 (next day)". */
export function windowsText(day: DayHours): string {
  if (day.closed) return 'closed';
  const parts = day.windows.map((w) => {
    if (w.from === '00:00' && w.to === '24:00') return 'open 24 hours';
    return w.overnight ? `${w.from} until ${w.to} (next day)` : `${w.from}–${w.to}`;
  });
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0]!;
}

/** A moment in the calendar's timezone, as short as is unambiguous from now: "22:00" or "Tue 31 Mar 06:00". */
/** "today at 08:00", "tomorrow at 08:00", "on Mon 30 Nov at 08:00" (`opens`); "02:00" or "Tue 1 Dec 02:00" (`until`). */
export function momentText(calendar: Calendar, at: Date, now: Date, style: 'until' | 'opens'): string {
  const today = localDateOf(calendar, now);
  const date = localDateOf(calendar, at);
  const time = localTimeOf(calendar, at);
  if (style === 'until') {
    // "until 02:00" reads right at 23:00 (the window runs past midnight); later than a day needs the day.
    if (date === today || (date === addDays(today, 1) && time <= localTimeOf(calendar, now))) return time;
    return `${shortDate(date, today)} ${time}`;
  }
  if (date === today) return `today at ${time}`;
  if (date === addDays(today, 1)) return `tomorrow at ${time}`;
  return `on ${shortDate(date, today)} at ${time}`;
}

// ---------------------------------------------------------------------------------------------
// The policy

export type HandOffReason =
  | 'risk'
  | 'negative_sentiment'
  | 'complaint'
  | 'not_faq'
  | 'unclear'
  | 'no_answer'
  | 'link_not_allowed'
  | 'too_long';

/** Why the bot says nothing at all (a hand-off would itself be an answer). */
export type NoReplyReason = 'own_account' | 'bot_author' | 'no_text' | 'hand_off_too_long' | HandOffReason;

export type FaqReply =
  | { decision: 'answer'; text: string; intent: FaqIntent; confidence: number; detection: FaqDetection }
  /** For a post to the staffed care account: the answer the bot would give, for an agent to use. Never sent automatically. */
  | { decision: 'suggest'; text: string; intent: FaqIntent; confidence: number; detection: FaqDetection }
  | { decision: 'hand_off'; text: string; reason: HandOffReason; detail?: string; detection?: FaqDetection }
  | { decision: 'none'; reason: NoReplyReason; detail?: string; detection?: FaqDetection };

export interface FaqReplyInput {
  /** The post as written (handles, links and hashtags are ignored). */
  text: string;
  /** Which of our accounts the post was addressed to: the bot answers only its own. */
  addressedTo: 'bot' | 'care';
  sentiment: SentimentLabel;
  /** Risk signals found by triage ("legal: lawyer"); any one stops the bot. */
  risks: string[];
  author: { isOwnAccount: boolean; isBot: boolean };
  kb: KnowledgeBase;
  voice: Voice;
  /** The staffed care account's handle on this platform, named in a hand-off. */
  careHandle: string;
  limit: ReplyLimit;
  now: Date;
  /** The brand's timezone: fare check times are shown in it, and days are read in it when no location is named. */
  timezone: string;
  /** The fare already looked up through the FareSource port; null when it found none; absent: the static table. */
  fare?: FareQuote | null;
  /** Detection already run (triage runs it once); absent: run here. */
  detection?: FaqDetection;
}

type Refusal = { reason: HandOffReason; detail?: string };

/** The checks before any answer is built, in order; the first that applies refuses. */
function policyRefusal(input: FaqReplyInput, detection: FaqDetection): Refusal | undefined {
  if (input.risks.length > 0) return { reason: 'risk', detail: input.risks.join(', ') };
  if (input.sentiment === 'NEGATIVE' || input.sentiment === 'MIXED') {
    return { reason: 'negative_sentiment', detail: input.sentiment };
  }
  const cues = complaintCues(input.text);
  if (cues.length > 0) return { reason: 'complaint', detail: cues.join(', ') };
  if (detection.intent === null) return { reason: 'not_faq', detail: detection.reasons.join('; ') };
  if (detection.confidence < FAQ_ANSWER_THRESHOLD) {
    return {
      reason: 'unclear',
      detail: `confidence ${detection.confidence}: ${detection.reasons.join('; ')}`,
    };
  }
  return undefined;
}

function isValidQuote(quote: FareQuote): boolean {
  return (
    Number.isFinite(quote.amount) &&
    quote.amount > 0 &&
    /^[A-Z]{3}$/.test(quote.currency) &&
    !Number.isNaN(new Date(quote.checkedAt).getTime())
  );
}

function fareReply(input: FaqReplyInput, detection: FaqDetection): { text: string } | Refusal {
  const { from, to } = detection.entities;
  if (!from || !to) return { reason: 'unclear', detail: 'route incomplete' };
  const quote = input.fare === undefined ? lookupStaticFare(input.kb, from, to) : (input.fare ?? undefined);
  if (!quote || !isValidQuote(quote)) return { reason: 'no_answer', detail: `no fare for ${from}-${to}` };
  if (!isAllowedLink(quote.deepLink, input.kb.allowedLinkDomains)) {
    return { reason: 'link_not_allowed', detail: quote.deepLink };
  }
  const checkedAt = checkedText(quote.checkedAt, input.timezone, input.now, true)!;
  const text = fill(
    input.voice,
    'fareAnswer',
    {
      from: placeLabel(input.kb, from),
      to: placeLabel(input.kb, to),
      fare: formatMoney(quote.amount, quote.currency),
      link: quote.deepLink,
      checkedAt,
    },
    input.limit,
  );
  return text === undefined ? { reason: 'too_long' } : { text };
}

/**
 * The local date whose windows hold `at`: yesterday's when `at` is in an overnight window that began
 * then (also in the DST hours, when the window's end is moved or repeated: then the end tells).
 */
function dayOfStretch(calendar: Calendar, at: Date, end: Date): string {
  const today = localDateOf(calendar, at);
  const time = localTimeOf(calendar, at);
  const endsToday = localDateOf(calendar, end) === today;
  const endTime = localTimeOf(calendar, end);
  const yesterday = openingHoursOn(calendar, addDays(today, -1));
  const fromYesterday = yesterday.windows.some(
    (w) => w.overnight && (time < w.to || (endsToday && endTime === w.to)),
  );
  return fromYesterday ? yesterday.date : today;
}

function hoursReply(input: FaqReplyInput, detection: FaqDetection): { text: string } | Refusal {
  const id = detection.entities.location;
  const location: FaqLocation | undefined = id
    ? compileKnowledgeBase(input.kb).locationsById.get(id)
    : undefined;
  const when = detection.entities.when;
  if (!location || !when) return { reason: 'unclear', detail: 'location or day missing' };
  const calendar = location.hours;
  const { now, voice, limit } = input;
  const today = localDateOf(calendar, now);
  const common = {
    location: location.name,
    timezone: timezoneLabel(calendar.timezone),
    checkedAt: checkedText(location.checkedAt, calendar.timezone, now, false)!,
  };

  let text: string | undefined;
  if (when.kind === 'now') {
    if (isOpen(calendar, now)) {
      const end = closesAt(calendar, now);
      if (!end) return { reason: 'no_answer', detail: 'open, but no closing time found' };
      if (end.getTime() - now.getTime() >= 7 * 86_400_000) {
        text = fill(voice, 'hoursOpenAroundTheClock', common, limit);
      } else {
        const day = openingHoursOn(calendar, dayOfStretch(calendar, now, end));
        text = fill(
          voice,
          'hoursOpenNow',
          {
            ...common,
            closesAt: momentText(calendar, end, now, 'until'),
            day: dayPhrase(day, today),
            date: shortDate(day.date, today),
            hours: windowsText(day),
          },
          limit,
        );
      }
    } else {
      const next = nextOpenAt(calendar, now);
      if (!next) return { reason: 'no_answer', detail: 'does not open within a year' };
      // Closed for a holiday today: say so; otherwise show the hours of the day it opens.
      const todayHours = openingHoursOn(calendar, today);
      const day =
        todayHours.closed && todayHours.exception
          ? todayHours
          : openingHoursOn(calendar, localDateOf(calendar, next));
      text = fill(
        voice,
        'hoursClosedNow',
        {
          ...common,
          opensAt: momentText(calendar, next, now, 'opens'),
          day: dayPhrase(day, today),
          date: shortDate(day.date, today),
          hours: windowsText(day),
        },
        limit,
      );
    }
  } else {
    const day = openingHoursOn(calendar, when.date);
    const dayValues = { ...common, day: dayPhrase(day, today), date: shortDate(day.date, today) };
    if (day.closed && day.exception) {
      text = fill(voice, 'hoursClosedOnHoliday', { ...dayValues, holiday: day.exception }, limit);
    } else if (day.closed) {
      text = fill(voice, 'hoursClosedOnDay', dayValues, limit);
    } else {
      text = fill(voice, 'hoursOnDay', { ...dayValues, hours: windowsText(day) }, limit);
    }
  }
  return text === undefined ? { reason: 'too_long' } : { text };
}

function handOff(input: FaqReplyInput, refusal: Refusal, detection?: FaqDetection): FaqReply {
  const extra = {
    ...(refusal.detail ? { detail: refusal.detail } : {}),
    ...(detection ? { detection } : {}),
  };
  // Posts to the care account are already with a person: the bot neither answers nor hands off.
  if (input.addressedTo !== 'bot') return { decision: 'none', reason: refusal.reason, ...extra };
  const careHandle = input.careHandle.replace(/^@/, '');
  const text = fill(input.voice, 'handOff', { careHandle }, input.limit);
  if (text === undefined) return { decision: 'none', reason: 'hand_off_too_long', ...extra };
  return { decision: 'hand_off', text, reason: refusal.reason, ...extra };
}

/**
 * What the FAQ bot does with a post: answer it, hand it to the care account, suggest an answer to
 * an agent (posts to the care account), or nothing at all (our own accounts, other bots, no text).
 */
export function composeFaqReply(input: FaqReplyInput): FaqReply {
  if (input.author.isOwnAccount) return { decision: 'none', reason: 'own_account' };
  if (input.author.isBot) return { decision: 'none', reason: 'bot_author' };
  if (meaningfulText(input.text) === '') return { decision: 'none', reason: 'no_text' };
  const detection =
    input.detection ?? detectFaqIntent(input.text, input.kb, { now: input.now, timezone: input.timezone });
  const refusal = policyRefusal(input, detection);
  if (refusal) return handOff(input, refusal, detection);

  const intent = detection.intent!;
  const reply = intent === 'fare' ? fareReply(input, detection) : hoursReply(input, detection);
  if (!('text' in reply)) return handOff(input, reply, detection);
  for (const link of reply.text.match(URL_IN_TEXT) ?? []) {
    if (!isAllowedLink(link, input.kb.allowedLinkDomains)) {
      return handOff(input, { reason: 'link_not_allowed', detail: link }, detection);
    }
  }
  const decision = input.addressedTo === 'bot' ? 'answer' : 'suggest';
  return { decision, text: reply.text, intent, confidence: detection.confidence, detection };
}

/**
 * composeFaqReply with the fare looked up through the port, only when the post passed every other
 * check (a fare service is not asked about complaints). A failing fare service means a hand-off.
 */
export async function answerFaq(
  input: Omit<FaqReplyInput, 'fare' | 'detection'>,
  fares: FareSource,
): Promise<FaqReply> {
  const detection = detectFaqIntent(input.text, input.kb, { now: input.now, timezone: input.timezone });
  const base: FaqReplyInput = { ...input, detection };
  if (
    detection.intent !== 'fare' ||
    input.author.isOwnAccount ||
    input.author.isBot ||
    policyRefusal(base, detection) ||
    !detection.entities.from ||
    !detection.entities.to
  ) {
    return composeFaqReply({ ...base, fare: null });
  }
  let fare: FareQuote | null;
  try {
    fare = (await fares.lowestReturnFare(detection.entities.from, detection.entities.to)) ?? null;
  } catch {
    fare = null;
  }
  return composeFaqReply({ ...base, fare });
}
