import { addDays, localDateOf } from '../calendar';
import { meaningfulText } from '../triage';
import {
  COMMON_WORDS,
  type CompiledKnowledgeBase,
  compileKnowledgeBase,
  foldText,
  fuzzyLookup,
  type KnowledgeBase,
} from './knowledge-base';

/**
 * Intent and entity detection for the FAQ bot: "how much AMS-JFK", "is the lounge open now",
 * "opening times schiphol desk tomorrow". Rules, not a model: every answer can be explained by the
 * reasons it returns, and anything the rules are unsure of scores low so that a person answers.
 */

export type FaqIntent = 'fare' | 'hours';
export type FaqWhen = { kind: 'now' } | { kind: 'date'; date: string; label: string };

export interface FaqEntities {
  from?: string;
  to?: string;
  location?: string;
  when?: FaqWhen;
}

export interface FaqDetection {
  intent: FaqIntent | null;
  /** 0..1; the bot answers only at or above FAQ_ANSWER_THRESHOLD. */
  confidence: number;
  entities: FaqEntities;
  reasons: string[];
}

export interface DetectOptions {
  now: Date;
  /** Where "today" and "Sunday" are read when no location is named (a named location's own timezone wins). */
  timezone: string;
}

/**
 * Confidence the bot needs to answer in public. A clean question (an explicit cue and every entity
 * named) scores 0.9 to 0.95; each soft assumption (a misspelt name, an origin filled in because the
 * brand flies from one place only, a weaker cue such as "tickets") costs 0.05 to 0.1. At 0.8 the bot
 * answers with at most one such assumption, and always restates what it understood in the reply
 * (route, location, date), so a misreading is visible; two assumptions or any unresolved part
 * (unknown place, unparsed date, two locations, two questions) go to a person.
 */
export const FAQ_ANSWER_THRESHOLD = 0.8;

// ---------------------------------------------------------------------------------------------
// Tokens

interface Token {
  /** Folded: lower case, no accents, no apostrophes. */
  text: string;
  /** As written (accents and apostrophes removed), for telling "SAT" the code from "sat". */
  raw: string;
  /** The word without a possessive "'s" ("Amsterdam's" → "amsterdam"), tried when the whole word is unknown. */
  stem?: string;
}

const TOKEN =
  /\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?|\d{1,2}[:.]\d{2}|[\p{L}\p{N}]+(?:\uE000s)?/gu;

/** Customer text without handles, links and hashtags. */
export function questionText(text: string): string {
  return meaningfulText(text)
    .replace(/(^|\s)#[\p{L}\p{N}_]+/gu, ' ')
    .trim();
}

function tokenize(text: string): Token[] {
  // A possessive "'s" is marked (\uE000) before apostrophes go, so "Amsterdam's" can still be read as Amsterdam.
  const cased = questionText(text)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/(\p{L})['’]s(?![\p{L}\p{N}])/gu, '$1\uE000s')
    .replace(/['’‘`´]/g, '');
  return (cased.match(TOKEN) ?? []).map((marked) => {
    const raw = marked.replace('\uE000', '');
    const token: Token = { raw, text: raw.toLowerCase() };
    if (marked !== raw) token.stem = token.text.slice(0, -1);
    return token;
  });
}

function phraseIndex<T>(entries: Array<[string, T]>): { map: Map<string, T>; maxWords: number } {
  const map = new Map<string, T>();
  let maxWords = 1;
  for (const [phrase, value] of entries) {
    map.set(phrase, value);
    maxWords = Math.max(maxWords, phrase.split(' ').length);
  }
  return { map, maxWords };
}

function spansUsed(used: boolean[], start: number, length: number): boolean {
  for (let k = start; k < start + length; k++) if (used[k]) return true;
  return false;
}

/** First words of every phrase of an index, so most tokens are passed over without building a key. */
const firstWordsOf = new WeakMap<ReadonlyMap<string, unknown>, Set<string>>();
function firstWords(map: ReadonlyMap<string, unknown>): Set<string> {
  let words = firstWordsOf.get(map);
  if (!words) {
    words = new Set([...map.keys()].map((key) => key.split(' ')[0]!));
    firstWordsOf.set(map, words);
  }
  return words;
}

/** The longest phrase of the index starting at token i that overlaps no token already read. */
function longestAt<T>(
  tokens: Token[],
  i: number,
  map: ReadonlyMap<string, T>,
  maxWords: number,
  used?: boolean[],
): { value: T; length: number } | undefined {
  const first = tokens[i]!;
  const starts = firstWords(map);
  if (!starts.has(first.text) && !(first.stem && starts.has(first.stem))) return undefined;
  for (let n = Math.min(maxWords, tokens.length - i); n >= 1; n--) {
    if (used && spansUsed(used, i, n)) continue;
    let key = '';
    for (let k = 0; k < n - 1; k++) key += `${tokens[i + k]!.text} `;
    const last = tokens[i + n - 1]!;
    const value = map.get(key + last.text) ?? (last.stem ? map.get(key + last.stem) : undefined);
    if (value !== undefined) return { value, length: n };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary: cue words, each phrase tagged with what it signals

type Tag =
  | 'fareStrong'
  | 'fareMedium'
  | 'hoursStrong'
  | 'hoursNoun'
  | 'hoursMedium'
  | 'fareOffTopic'
  | 'hoursOffTopic'
  | 'personal';

const VOCABULARY: Record<Tag, string> = {
  fareStrong:
    'fare|fares|airfare|airfares|price|prices|pricing|priced|cost|costs|how much|cheapest|cheap|lowest|lowest fare|ticket price|ticket prices|best price',
  fareMedium: 'ticket|tickets|return|returns|return ticket|return tickets|roundtrip|round trip|return fare',
  hoursStrong:
    'open|opens|opened|opening|close|closes|closing|closed|hours|opening hours|opening times|opening time|what time|until when|till when|til when|business hours',
  hoursNoun: 'hours|opening hours|opening times|opening time|times|schedule|business hours',
  hoursMedium: 'times|time|schedule',
  fareOffTopic:
    'baggage|luggage|bag|bags|suitcase|suitcases|seat|seats|seating|upgrade|upgrades|miles|points|meal|meals|wifi|pet|pets|dog|dogs|' +
    'cat|cats|insurance|parking|hotel|hotels|car|rental|visa|visas|passport|change|changes|change fee|fee|fees|surcharge|tax|taxes|' +
    'business|business class|first class|premium|comfort|one way|oneway|single|child|children|kid|kids|infant|infants|baby|' +
    'student|students|senior|seniors|group|groups|status|award|voucher|vouchers|gift card|when|time|times|schedule|timetable|' +
    'departure|departures|arrival|arrivals|duration|how long|direct|nonstop|non stop|stopover|layover|connection|lounge|access|' +
    'extra|weight|overweight|excess|sport|bike|ski|golf|instrument|check in|checkin|boarding|gate|terminal|' +
    'adult|adults|people|persons|passenger|passengers|family|couple',
  hoursOffTopic:
    'wifi|shower|showers|food|drink|drinks|guest|guests|pet|pets|dog|dogs|membership|member|members|parking|phone|number|' +
    'email|address|where|located|location|how long|queue|wait|price|cost|fee|fees|smoking|wheelchair|assistance|lost and found|' +
    'how far|directions|walk|how much|terminal|gate|pier|economy|passenger|passengers|public|everyone|anyone|child|' +
    'children|kids|visitor|visitors|non members|allowed|bring|entry|access',
  personal:
    'my booking|my flight|my flights|my ticket|my tickets|my reservation|my bag|my bags|my luggage|my suitcase|my seat|' +
    'my card|my account|my miles|my refund|my money|my order|booking reference|booking code|booking number|pnr|' +
    'i booked|i paid|we booked|we paid|i bought|we bought|i ordered',
};

const vocabulary = phraseIndex(
  (() => {
    const byPhrase = new Map<string, Tag[]>();
    for (const [tag, phrases] of Object.entries(VOCABULARY) as Array<[Tag, string]>) {
      for (const phrase of phrases.split('|')) byPhrase.set(phrase, [...(byPhrase.get(phrase) ?? []), tag]);
    }
    // A longer phrase carries the tags of the shorter phrases it contains ("opening hours" is also "hours").
    for (const [phrase, tags] of byPhrase) {
      for (const word of phrase.split(' ')) {
        for (const tag of byPhrase.get(word) ?? []) if (!tags.includes(tag)) tags.push(tag);
      }
    }
    return [...byPhrase];
  })(),
);

/** Cue words outside the names already read: "business" in "business lounge" is the lounge's name. */
function scanVocabulary(tokens: Token[], used: boolean[]): Set<Tag> {
  const tags = new Set<Tag>();
  for (let i = 0; i < tokens.length; i++) {
    if (used[i]) continue;
    const found = longestAt(tokens, i, vocabulary.map, vocabulary.maxWords, used);
    if (!found) continue;
    // "2 hours on hold", "three times": a length of time or a count, not opening hours or a timetable.
    if (found.length === 1 && DURATION_WORDS.has(tokens[i]!.text) && isQuantity(tokens[i - 1])) continue;
    for (const tag of found.value) tags.add(tag);
    i += found.length - 1;
  }
  return tags;
}

const DURATION_WORDS = new Set(['hours', 'times', 'time']);
const QUANTITY_WORDS = new Set(
  'a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|few|couple|several|many|some|more|extra|additional|48|72'.split(
    '|',
  ),
);
function isQuantity(token: Token | undefined): boolean {
  return token !== undefined && (/^\d+([.,]\d+)?\+?$/.test(token.text) || QUANTITY_WORDS.has(token.text));
}

// ---------------------------------------------------------------------------------------------
// Complaints: cues that a post reports a bad experience rather than asks a question

const COMPLAINT_PHRASES = (
  'why|refused|refuse|refusing|denied|deny|was|were|wasnt|werent|didnt|did not|doesnt work|dont work|couldnt|could not|' +
  'cant believe|wont let|again|still|never|refund|refunds|refunded|compensation|compensate|claim|delay|delayed|delays|' +
  'cancel|cancelled|canceled|cancellation|cancelling|lost|missing|missed|broken|damaged|complaint|complain|complaining|' +
  'terrible|awful|horrible|worst|ridiculous|disgrace|disgraceful|disgusting|shocking|appalling|pathetic|useless|joke|' +
  'unacceptable|disappointed|disappointing|disappointment|rude|scam|rip off|ripoff|overpriced|expensive|overcharged|' +
  'charged|thanks for nothing|supposed to|it said|you said|told me|told us|promised|waited|waiting|nobody|no one|' +
  'stranded|stuck|angry|furious|annoyed|upset|fed up|wtf|seriously|shame|shameful|incompetent|mess|chaos|fault|blame'
).split('|');

const complaintIndex = phraseIndex(COMPLAINT_PHRASES.map((phrase) => [phrase, phrase] as [string, string]));
const POLITE_PAST = /\b(i|we) (was|were) wondering\b/g;
const ANGRY_EMOJI = /[😡😠🤬👎😤🙄💩😒😞😩😫]/u;

/**
 * Complaint cues found in a post ("why", "refused", "was closed", "again", "refund", "?!"...).
 * One is enough to keep the bot from answering: a complaint goes to a person however it is phrased.
 */
export function complaintCues(text: string): string[] {
  const cleaned = questionText(text);
  const folded = (foldText(cleaned).match(/[\p{L}\p{N}]+/gu) ?? []).join(' ').replace(POLITE_PAST, ' ');
  const tokens = folded
    .split(' ')
    .filter(Boolean)
    .map((word) => ({ text: word, raw: word }));
  const cues: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const found = longestAt(tokens, i, complaintIndex.map, complaintIndex.maxWords);
    if (!found) continue;
    if (!cues.includes(found.value)) cues.push(found.value);
    i += found.length - 1;
  }
  if (/\?!|!\?|!!/.test(cleaned)) cues.push('"!!" or "?!"');
  if (ANGRY_EMOJI.test(cleaned)) cues.push('angry emoji');
  const shouted = cleaned.match(/\b[A-Z]{4,}\b/g) ?? [];
  if (shouted.length >= 2) cues.push('shouting');
  return cues;
}

// ---------------------------------------------------------------------------------------------
// Dates and times

const WEEKDAY_NUMBERS: Record<string, number> = {};
for (const [day, names] of Object.entries({
  0: 'sunday sundays sun',
  1: 'monday mondays mon',
  2: 'tuesday tuesdays tue tues',
  3: 'wednesday wednesdays wed',
  4: 'thursday thursdays thu thur thurs',
  5: 'friday fridays fri',
  6: 'saturday saturdays sat',
})) {
  for (const name of names.split(' ')) WEEKDAY_NUMBERS[name] = Number(day);
}

const MONTH_NUMBERS: Record<string, number> = {};
'january february march april may june july august september october november december'
  .split(' ')
  .forEach((name, index) => {
    MONTH_NUMBERS[name] = index + 1;
    MONTH_NUMBERS[name.slice(0, 3)] = index + 1;
  });
MONTH_NUMBERS.sept = 9;

/** Month words that on their own ("in December") name a month, not a day: the bot cannot answer those. */
const STANDALONE_MONTHS = new Set([
  ...'january february march april june july august september october november december'.split(' '),
  ...'feb apr aug sept oct nov dec'.split(' '),
]);

type DateSpec =
  | { kind: 'now' }
  | { kind: 'offset'; days: number }
  | { kind: 'weekday'; day: number; strictlyAfterToday: boolean }
  | { kind: 'monthDay'; month: number; day: number; year?: number }
  | { kind: 'dates'; dates: string[] };

const BUILT_IN_HOLIDAYS = phraseIndex<DateSpec>([
  ['christmas eve', { kind: 'monthDay', month: 12, day: 24 }],
  ['christmas', { kind: 'monthDay', month: 12, day: 25 }],
  ['christmas day', { kind: 'monthDay', month: 12, day: 25 }],
  ['xmas', { kind: 'monthDay', month: 12, day: 25 }],
  ['xmas day', { kind: 'monthDay', month: 12, day: 25 }],
  ['xmas eve', { kind: 'monthDay', month: 12, day: 24 }],
  ['first christmas day', { kind: 'monthDay', month: 12, day: 25 }],
  ['boxing day', { kind: 'monthDay', month: 12, day: 26 }],
  ['second christmas day', { kind: 'monthDay', month: 12, day: 26 }],
  ['new years eve', { kind: 'monthDay', month: 12, day: 31 }],
  ['new year eve', { kind: 'monthDay', month: 12, day: 31 }],
  ['nye', { kind: 'monthDay', month: 12, day: 31 }],
  ['new years day', { kind: 'monthDay', month: 1, day: 1 }],
  ['new year day', { kind: 'monthDay', month: 1, day: 1 }],
  ['new years', { kind: 'monthDay', month: 1, day: 1 }],
  ['new year', { kind: 'monthDay', month: 1, day: 1 }],
]);

const RELATIVE_DAYS = phraseIndex<{ spec: DateSpec; timeOfDay?: boolean }>([
  ['now', { spec: { kind: 'now' } }],
  ['right now', { spec: { kind: 'now' } }],
  ['currently', { spec: { kind: 'now' } }],
  ['at the moment', { spec: { kind: 'now' } }],
  ['atm', { spec: { kind: 'now' } }],
  ['today', { spec: { kind: 'offset', days: 0 } }],
  ['tonight', { spec: { kind: 'offset', days: 0 }, timeOfDay: true }],
  ['this evening', { spec: { kind: 'offset', days: 0 }, timeOfDay: true }],
  ['this morning', { spec: { kind: 'offset', days: 0 }, timeOfDay: true }],
  ['this afternoon', { spec: { kind: 'offset', days: 0 }, timeOfDay: true }],
  ['tomorrow', { spec: { kind: 'offset', days: 1 } }],
  ['tomorow', { spec: { kind: 'offset', days: 1 } }],
  ['tommorow', { spec: { kind: 'offset', days: 1 } }],
  ['tommorrow', { spec: { kind: 'offset', days: 1 } }],
  ['tmrw', { spec: { kind: 'offset', days: 1 } }],
  ['tmr', { spec: { kind: 'offset', days: 1 } }],
  ['tomorrow morning', { spec: { kind: 'offset', days: 1 }, timeOfDay: true }],
  ['tomorrow evening', { spec: { kind: 'offset', days: 1 }, timeOfDay: true }],
  ['tomorrow night', { spec: { kind: 'offset', days: 1 }, timeOfDay: true }],
  ['day after tomorrow', { spec: { kind: 'offset', days: 2 } }],
]);

/** Time words the bot does not resolve to one day: a question using them is not answered. */
const UNRESOLVED_TIME = new Set(
  'yesterday weekend weekends week weeks month months easter pentecost whitsun holiday holidays summer winter spring autumn fall season later soon'.split(
    ' ',
  ),
);
const TIME_OF_DAY = new Set('morning afternoon evening night noon midday midnight oclock am pm'.split(' '));

interface TimeScan {
  specs: Array<{ spec: DateSpec; label: string }>;
  timeOfDay: boolean;
  unresolved: string[];
}

const DAY_NUMBER = /^(\d{1,2})(st|nd|rd|th)?$/;

function dayNumber(token: Token | undefined): number | undefined {
  const match = token && DAY_NUMBER.exec(token.text);
  if (!match) return undefined;
  const day = Number(match[1]);
  return day >= 1 && day <= 31 ? day : undefined;
}

function yearNumber(token: Token | undefined): number | undefined {
  return token && /^20\d{2}$/.test(token.text) ? Number(token.text) : undefined;
}

function numericDate(text: string): DateSpec | 'time' | undefined {
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (match)
    return { kind: 'monthDay', year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  match = /^(\d{1,2})([/.-])(\d{1,2})(?:[/.-](\d{2,4}))?$/.exec(text);
  if (match) {
    const a = Number(match[1]);
    const b = Number(match[3]);
    const year = match[4] ? Number(match[4].length === 2 ? `20${match[4]}` : match[4]) : undefined;
    // Day first, as in most of the world; month first only when the day-first reading is impossible.
    if (a >= 1 && a <= 31 && b >= 1 && b <= 12)
      return { kind: 'monthDay', day: a, month: b, ...(year ? { year } : {}) };
    if (a >= 1 && a <= 12 && b >= 1 && b <= 31)
      return { kind: 'monthDay', day: b, month: a, ...(year ? { year } : {}) };
    if (match[2] === '.' && !match[4] && a <= 23 && b <= 59) return 'time';
    return undefined;
  }
  if (/^\d{1,2}:\d{2}$/.test(text)) return 'time';
  return undefined;
}

function scanTime(tokens: Token[], used: boolean[], compiled: CompiledKnowledgeBase): TimeScan {
  const scan: TimeScan = { specs: [], timeOfDay: false, unresolved: [] };
  const take = (i: number, length: number, spec: DateSpec | undefined) => {
    const label = tokens
      .slice(i, i + length)
      .map((t) => t.text)
      .join(' ');
    for (let k = i; k < i + length; k++) used[k] = true;
    if (spec) scan.specs.push({ spec, label });
    return length;
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    // A holiday the brand lists by name ("King's Day"), then the common ones.
    const exception = longestAt(tokens, i, compiled.exceptionDatesByName, compiled.maxExceptionWords, used);
    const builtIn = longestAt(tokens, i, BUILT_IN_HOLIDAYS.map, BUILT_IN_HOLIDAYS.maxWords, used);
    if (exception && exception.length >= (builtIn?.length ?? 0)) {
      i += take(i, exception.length, { kind: 'dates', dates: exception.value }) - 1;
      continue;
    }
    if (builtIn) {
      i += take(i, builtIn.length, builtIn.value) - 1;
      continue;
    }
    const relative = longestAt(tokens, i, RELATIVE_DAYS.map, RELATIVE_DAYS.maxWords, used);
    if (relative) {
      if (relative.value.timeOfDay) scan.timeOfDay = true;
      i += take(i, relative.length, relative.value.spec) - 1;
      continue;
    }
    const modifier =
      token.text === 'this' || token.text === 'coming' || token.text === 'next' ? token.text : undefined;
    const weekdayToken = modifier ? next : token;
    // "SAT" in capitals is the place code when the brand knows one; "sat" and "Sat" are Saturday.
    const isCode = weekdayToken !== undefined && compiled.placesByCode.has(weekdayToken.raw);
    const weekday = weekdayToken && !isCode ? WEEKDAY_NUMBERS[weekdayToken.text] : undefined;
    if (weekday !== undefined) {
      i +=
        take(i, modifier ? 2 : 1, {
          kind: 'weekday',
          day: weekday,
          strictlyAfterToday: modifier === 'next',
        }) - 1;
      continue;
    }
    if (token.text === '24/7') {
      scan.unresolved.push('24/7');
      used[i] = true;
      continue;
    }
    const numeric = numericDate(token.text);
    if (numeric === 'time') {
      scan.timeOfDay = true;
      used[i] = true;
      continue;
    }
    if (numeric) {
      const year = yearNumber(next);
      i +=
        take(
          i,
          year ? 2 : 1,
          year && numeric.kind === 'monthDay' && !numeric.year ? { ...numeric, year } : numeric,
        ) - 1;
      continue;
    }
    // "25 December", "25th of Dec 2026"
    const day = dayNumber(token);
    if (day !== undefined) {
      const of = next?.text === 'of' ? 1 : 0;
      const month = MONTH_NUMBERS[tokens[i + 1 + of]?.text ?? ''];
      if (month) {
        const year = yearNumber(tokens[i + 2 + of]);
        i +=
          take(i, 2 + of + (year ? 1 : 0), { kind: 'monthDay', month, day, ...(year ? { year } : {}) }) - 1;
        continue;
      }
      if (next && (next.text === 'am' || next.text === 'pm' || next.text === 'oclock')) {
        scan.timeOfDay = true;
        used[i] = true;
        used[i + 1] = true;
        i += 1;
        continue;
      }
    }
    // "Dec 25", "December 25th 2026", "december the 25th"
    const month = MONTH_NUMBERS[token.text];
    if (month) {
      const the = next?.text === 'the' ? 1 : 0;
      const monthDay = dayNumber(tokens[i + 1 + the]);
      if (monthDay !== undefined) {
        const year = yearNumber(tokens[i + 2 + the]);
        i +=
          take(i, 2 + the + (year ? 1 : 0), {
            kind: 'monthDay',
            month,
            day: monthDay,
            ...(year ? { year } : {}),
          }) - 1;
        continue;
      }
      const previous = tokens[i - 1]?.text ?? '';
      if (
        STANDALONE_MONTHS.has(token.text) ||
        (token.text === 'may' && /^(in|during|until|till|through|of)$/.test(previous))
      ) {
        scan.unresolved.push(token.text);
      }
      continue;
    }
    if (TIME_OF_DAY.has(token.text) && tokens[i - 1]?.text === 'good') continue; // "good morning" greets
    if (/^\d{1,2}(am|pm|h)$/.test(token.text) || TIME_OF_DAY.has(token.text)) {
      scan.timeOfDay = true;
      continue;
    }
    if (UNRESOLVED_TIME.has(token.text) || /^\d{1,2}(st|nd|rd|th)$/.test(token.text)) {
      scan.unresolved.push(token.text);
    }
  }
  return scan;
}

function resolveDate(spec: DateSpec, today: string): string | undefined {
  switch (spec.kind) {
    case 'now':
      return today;
    case 'offset':
      return addDays(today, spec.days);
    case 'weekday': {
      const current = new Date(`${today}T00:00:00Z`).getUTCDay();
      let ahead = (spec.day - current + 7) % 7;
      if (ahead === 0 && spec.strictlyAfterToday) ahead = 7;
      return addDays(today, ahead);
    }
    case 'monthDay': {
      const thisYear = Number(today.slice(0, 4));
      const build = (year: number) => {
        const date = `${year}-${String(spec.month).padStart(2, '0')}-${String(spec.day).padStart(2, '0')}`;
        return addDays(date, 0) === date ? date : undefined; // 31 February does not round-trip
      };
      if (spec.year) {
        const date = build(spec.year);
        return date && date >= today ? date : undefined;
      }
      const date = build(thisYear);
      if (date === undefined) return spec.month === 2 && spec.day === 29 ? build(thisYear + 1) : undefined;
      return date >= today ? date : build(thisYear + 1);
    }
    case 'dates':
      return spec.dates.find((date) => date >= today);
  }
}

// ---------------------------------------------------------------------------------------------
// Places and locations

interface PlaceMention {
  code: string;
  start: number;
  length: number;
  fuzzy: boolean;
}

interface LocationMention {
  ids: string[];
  start: number;
  length: number;
  fuzzy: boolean;
}

function scanLocations(tokens: Token[], used: boolean[], compiled: CompiledKnowledgeBase): LocationMention[] {
  const mentions: LocationMention[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (used[i]) continue;
    const exact = longestAt(tokens, i, compiled.locationsByAlias, compiled.maxLocationWords, used);
    if (exact) {
      mentions.push({ ids: exact.value, start: i, length: exact.length, fuzzy: false });
      for (let k = i; k < i + exact.length; k++) used[k] = true;
      i += exact.length - 1;
      continue;
    }
    const fuzzy = fuzzyLookup(compiled.locationFuzzy, tokens[i]!.text);
    if (fuzzy) {
      mentions.push({ ids: compiled.locationsByAlias.get(fuzzy) ?? [], start: i, length: 1, fuzzy: true });
      used[i] = true;
    }
  }
  return mentions;
}

function scanPlaces(tokens: Token[], used: boolean[], compiled: CompiledKnowledgeBase): PlaceMention[] {
  const mentions: PlaceMention[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (used[i]) continue;
    const token = tokens[i]!;
    const exact = longestAt(tokens, i, compiled.placeByName, compiled.maxPlaceWords, used);
    if (exact) {
      mentions.push({ code: exact.value, start: i, length: exact.length, fuzzy: false });
      for (let k = i; k < i + exact.length; k++) used[k] = true;
      i += exact.length - 1;
      continue;
    }
    // Codes exactly, never fuzzily; a lower-case code that is also an everyday word ("sun") is that word.
    const code = token.text.toUpperCase();
    if (
      compiled.placesByCode.has(code) &&
      (token.raw === code || (!COMMON_WORDS.has(token.text) && WEEKDAY_NUMBERS[token.text] === undefined))
    ) {
      mentions.push({ code, start: i, length: 1, fuzzy: false });
      used[i] = true;
      continue;
    }
    const fuzzy = fuzzyLookup(compiled.placeFuzzy, token.text);
    const fuzzyCode = fuzzy ? compiled.placeByName.get(fuzzy) : undefined;
    if (fuzzyCode) {
      mentions.push({ code: fuzzyCode, start: i, length: 1, fuzzy: true });
      used[i] = true;
    }
  }
  return mentions;
}

// ---------------------------------------------------------------------------------------------
// Scoring

const ORIGIN_CUES = new Set(['from', 'ex', 'departing', 'leaving', 'between']);
const DESTINATION_CUES = new Set(['to', 'into', 'towards', 'toward']);
/** Words that may follow "to" without naming a destination: "how much to fly to London". */
const NOT_A_DESTINATION = new Set(
  (
    'fly go get travel book buy pay visit be the a an and return come see make reach spend check know find me us it you ' +
    'your do have take'
  ).split(' '),
);
/** Words that may stand before "to <destination>" when the origin is left out: "fares to NYC". */
const BEFORE_ASSUMED_DESTINATION = new Set(
  (
    'fare fares airfare airfares price prices cost costs much cheap cheapest lowest ticket tickets return returns trip trips ' +
    'flight flights fly flying go going get travel deal deals is a the me us it roundtrip'
  ).split(' '),
);

interface Candidate {
  intent: FaqIntent;
  score: number;
  entities: FaqEntities;
  reasons: string[];
}

function cap(candidate: Candidate, max: number, reason: string): void {
  if (candidate.score > max) candidate.score = max;
  candidate.reasons.push(reason);
}

function scoreFare(
  tokens: Token[],
  tags: Set<Tag>,
  places: PlaceMention[],
  locations: LocationMention[],
  time: TimeScan,
  compiled: CompiledKnowledgeBase,
): Candidate | undefined {
  const strong = tags.has('fareStrong');
  const medium = tags.has('fareMedium');
  if (!strong && !medium && places.length < 2) return undefined;
  const candidate: Candidate = {
    intent: 'fare',
    score: strong ? 0.95 : medium ? 0.85 : 0.5,
    entities: {},
    reasons: [strong ? 'fare cue' : medium ? 'weak fare cue (ticket, return)' : 'two places but no fare cue'],
  };
  const placeStarts = new Set(places.map((p) => p.start));
  for (let i = 0; i < tokens.length; i++) {
    const next = tokens[i + 1];
    if (!next || placeStarts.has(i + 1)) continue;
    const word = tokens[i]!.text;
    if ((word === 'from' || word === 'ex') && !NOT_A_DESTINATION.has(next.text)) {
      cap(candidate, 0.3, `"${word} ${next.text}": not a place in the knowledge base`);
    } else if (DESTINATION_CUES.has(word) && !NOT_A_DESTINATION.has(next.text) && !placeStarts.has(i + 1)) {
      if (!/^\p{N}/u.test(next.text))
        cap(candidate, 0.3, `"${word} ${next.text}": not a place in the knowledge base`);
    }
  }

  // One direction per code, in order of first mention; "from"/"to" before a name decide, else order does.
  const order: string[] = [];
  const roles = new Map<string, Set<'origin' | 'destination'>>();
  let fuzzy = 0;
  let listed = false;
  for (const [index, mention] of places.entries()) {
    if (!order.includes(mention.code)) order.push(mention.code);
    if (mention.fuzzy) fuzzy++;
    const cue = tokens[mention.start - 1]?.text ?? '';
    // "to London and New York" asks two routes; "between London and Amsterdam" names one.
    const previous = places[index - 1];
    if ((cue === 'and' || cue === 'or') && previous && tokens[previous.start - 1]?.text !== 'between')
      listed = true;
    const role = ORIGIN_CUES.has(cue) ? 'origin' : DESTINATION_CUES.has(cue) ? 'destination' : undefined;
    if (role) roles.set(mention.code, new Set([...(roles.get(mention.code) ?? []), role]));
  }
  const roleOf = (code: string) => {
    const set = roles.get(code);
    return set?.size === 1 ? [...set][0] : set?.size === 2 ? 'both' : undefined;
  };
  if (listed) {
    cap(candidate, 0.3, 'places listed with "and"/"or": more than one route');
  } else if (order.length === 2) {
    const [a, b] = order as [string, string];
    const ra = roleOf(a);
    const rb = roleOf(b);
    if (ra === 'both' || rb === 'both' || (ra && ra === rb)) {
      cap(candidate, 0.3, 'conflicting from/to');
    } else if (ra === 'destination' || rb === 'origin') {
      candidate.entities = { from: b, to: a };
    } else {
      candidate.entities = { from: a, to: b };
      if (!ra && !rb) candidate.reasons.push('no from/to: first place read as the origin');
    }
  } else if (order.length === 1) {
    const [only] = order as [string];
    const mention = places.find((p) => p.code === only)!;
    const role = roleOf(only);
    const before = tokens[mention.start - 2]?.text;
    const origins = [...compiled.listedOrigins];
    if (role === 'destination' && origins.length === 1 && origins[0] !== only) {
      if (before === undefined || BEFORE_ASSUMED_DESTINATION.has(before)) {
        candidate.entities = { from: origins[0]!, to: only };
        candidate.score -= 0.05;
        candidate.reasons.push(`origin not named: ${origins[0]} is the only origin`);
      } else {
        cap(candidate, 0.4, `origin unclear ("${before} to …")`);
        candidate.entities = { to: only };
      }
    } else {
      cap(candidate, 0.4, role === 'origin' ? 'destination not named' : 'origin not named');
      candidate.entities = role === 'origin' ? { from: only } : { to: only };
    }
  } else if (order.length === 0) {
    cap(candidate, 0.3, 'no known place named');
  } else {
    cap(candidate, 0.3, `more than two places named (${order.join(', ')})`);
  }
  if (fuzzy > 0) {
    candidate.score -= 0.05 * fuzzy;
    candidate.reasons.push('place name read with a misspelling');
  }
  if (locations.length > 0) cap(candidate, 0.4, 'names a location, not a route');
  if (time.specs.length > 0 || time.timeOfDay || time.unresolved.length > 0) {
    cap(candidate, 0.6, 'asks about a date or time; only the lowest fare is known');
  }
  return candidate;
}

function scoreHours(
  tags: Set<Tag>,
  places: PlaceMention[],
  locations: LocationMention[],
  compiled: CompiledKnowledgeBase,
): Candidate | undefined {
  const strong = tags.has('hoursStrong');
  const medium = tags.has('hoursMedium');
  if (locations.length === 0 && !strong) return undefined;
  if (locations.length === 0) {
    return { intent: 'hours', score: 0.3, entities: {}, reasons: ['hours cue but no known location'] };
  }
  const candidate: Candidate = {
    intent: 'hours',
    score: strong ? 0.95 : medium ? 0.85 : 0.5,
    entities: {},
    reasons: [
      strong ? 'hours cue' : medium ? 'weak hours cue (times, schedule)' : 'location but no hours cue',
    ],
  };
  const placeCodes = [...new Set(places.map((p) => p.code))];
  const ids = [...new Set(locations.flatMap((m) => m.ids))];
  let chosen: string[] = ids;
  if (ids.length > 1) {
    const atPlace = ids.filter((id) => placeCodes.includes(compiled.locationsById.get(id)?.place ?? ''));
    // Several mentions of distinct locations is two questions; one alias at several places needs the place.
    if (new Set(locations.map((m) => m.ids.join(','))).size > 1) {
      cap(candidate, 0.3, `more than one location named (${ids.join(', ')})`);
    } else if (atPlace.length === 1) {
      chosen = atPlace;
      candidate.reasons.push('location told apart by the place named');
    } else {
      cap(candidate, 0.4, `which location is meant is unclear (${ids.join(', ')})`);
    }
  }
  const [id] = chosen;
  if (chosen.length === 1 && id) {
    candidate.entities.location = id;
    const place = compiled.locationsById.get(id)?.place;
    const others = placeCodes.filter((code) => code !== place);
    if (others.length > 0)
      cap(candidate, 0.3, `names ${others.join(', ')}, but ${id} is at ${place ?? 'no known place'}`);
  }
  if (locations.some((m) => m.fuzzy)) {
    candidate.score -= 0.05;
    candidate.reasons.push('location read with a misspelling');
  }
  return candidate;
}

const todays = new Map<string, string>();
/** The local date at an instant, memoized by minute: triage reads thousands of posts with the same "now". */
function todayIn(timezone: string, now: Date): string {
  const key = `${timezone}|${Math.floor(now.getTime() / 60_000)}`;
  let today = todays.get(key);
  if (today === undefined) {
    if (todays.size > 1_000) todays.clear();
    today = localDateOf({ timezone }, now);
    todays.set(key, today);
  }
  return today;
}

function resolveWhen(
  candidate: Candidate,
  tags: Set<Tag>,
  time: TimeScan,
  timezone: string,
  now: Date,
): FaqWhen | undefined {
  if (time.unresolved.length > 0) {
    cap(candidate, 0.4, `a time the bot cannot pin to one day (${time.unresolved.join(', ')})`);
    return undefined;
  }
  const today = todayIn(timezone, now);
  const resolved = new Map<string, { date: string; label: string; now: boolean }>();
  for (const { spec, label } of time.specs) {
    const date = resolveDate(spec, today);
    if (!date) {
      cap(candidate, 0.4, `"${label}" is not a coming date`);
      return undefined;
    }
    const key = spec.kind === 'now' ? 'now' : date;
    if (!resolved.has(key)) resolved.set(key, { date, label, now: spec.kind === 'now' });
  }
  const dates = [...resolved.values()];
  if (dates.length > 1) {
    // "now" and "today" together are one question about now.
    const onlyToday = dates.every((d) => d.date === today);
    if (!onlyToday) {
      cap(candidate, 0.3, `more than one day named (${dates.map((d) => d.label).join(', ')})`);
      return undefined;
    }
    return { kind: 'now' };
  }
  const [single] = dates;
  if (single) {
    if (single.now && !time.timeOfDay) return { kind: 'now' };
    candidate.reasons.push(`day: ${single.label} → ${single.date}`);
    return { kind: 'date', date: single.date, label: single.label };
  }
  // No day named: "is the lounge open" is about now, "lounge hours" and "open at 5am" about today.
  if (time.timeOfDay || tags.has('hoursNoun')) return { kind: 'date', date: today, label: 'today' };
  return { kind: 'now' };
}

const OFF_TOPIC_REASON = 'also asks about something the bot does not know';

const QUESTION_STARTERS = new Set(
  'how what whats when which where who is are does do can could will would any anyone tell show give pls please'.split(
    ' ',
  ),
);
const ASKING_WORDS = new Set('know wondering looking need want tell please pls plz'.split(' '));
/** Up to this many words, a post without a question word is a query typed in shorthand ("price ams jfk return"). */
const SHORTHAND_WORDS = 8;

/**
 * Whether a post asks something: a question mark, a clause opening like a question, a word of
 * asking, or shorthand. "I love flying to New York, best price ever" mentions a price but asks nothing.
 */
function asksSomething(text: string, tokens: Token[]): boolean {
  if (text.includes('?') || tokens.length <= SHORTHAND_WORDS) return true;
  if (tokens.some((token) => ASKING_WORDS.has(token.text))) return true;
  return questionText(text)
    .split(/[.!,;:\n]+/)
    .some((clause) => QUESTION_STARTERS.has(foldText(clause.trim().split(/\s+/)[0] ?? '')));
}

/** Reads what a post asks and about what; see FAQ_ANSWER_THRESHOLD for what the confidence means. */
export function detectFaqIntent(text: string, kb: KnowledgeBase, options: DetectOptions): FaqDetection {
  const compiled = compileKnowledgeBase(kb);
  const tokens = tokenize(text);
  if (tokens.length === 0)
    return { intent: null, confidence: 0, entities: {}, reasons: ['no words to read'] };
  const used = new Array<boolean>(tokens.length).fill(false);
  const time = scanTime(tokens, used, compiled);
  const locations = scanLocations(tokens, used, compiled);
  const places = scanPlaces(tokens, used, compiled);
  const tags = scanVocabulary(tokens, used);

  const fare = scoreFare(tokens, tags, places, locations, time, compiled);
  const hours = scoreHours(tags, places, locations, compiled);
  if (!fare && !hours)
    return { intent: null, confidence: 0, entities: {}, reasons: ['neither a fare nor an hours question'] };

  if (tags.has('personal')) {
    return {
      intent: null,
      confidence: 0,
      entities: {},
      reasons: ['about the customer’s own booking: a person answers'],
    };
  }
  if (fare && tags.has('fareOffTopic')) cap(fare, 0.2, OFF_TOPIC_REASON);
  if (hours && tags.has('hoursOffTopic')) cap(hours, 0.2, OFF_TOPIC_REASON);

  let best: Candidate;
  if (fare && hours) {
    const [first, second] = fare.score >= hours.score ? [fare, hours] : [hours, fare];
    best = first;
    if (second.score >= 0.3) cap(best, 0.5, 'asks about fares and opening hours at once');
  } else {
    best = (fare ?? hours)!;
  }
  if (best.score <= 0.2 && best.reasons.includes(OFF_TOPIC_REASON)) {
    return { intent: null, confidence: 0, entities: {}, reasons: best.reasons };
  }
  if (!asksSomething(text, tokens)) cap(best, 0.6, 'a statement, not a question');
  if (best.intent === 'hours') {
    // Days are read in the location's own timezone: "today" at Schiphol is Amsterdam's today.
    const location = best.entities.location ? compiled.locationsById.get(best.entities.location) : undefined;
    const timezone = location?.hours.timezone ?? options.timezone;
    const when = resolveWhen(best, tags, time, timezone, options.now);
    if (when) best.entities.when = when;
  }
  const confidence = Math.round(Math.max(0, Math.min(1, best.score)) * 100) / 100;
  return { intent: best.intent, confidence, entities: best.entities, reasons: best.reasons };
}
