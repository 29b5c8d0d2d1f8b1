import type { Calendar } from '../calendar';
import type * as z from '../schema';
import type { knowledgeBaseSchema, voiceSchema } from './knowledge-base-schema';

/**
 * The FAQ bot's knowledge base (fares between places, opening hours of locations) and its voice
 * (reply templates). Both are plugged into the brand config; every object is strict so a typo in a
 * field name is refused rather than silently ignored.
 */

export type Issue = { path: PropertyKey[]; message: string };

/** A knowledge base as validated by knowledgeBaseSchema (knowledge-base-schema.ts), where the config enters. */
export type KnowledgeBase = z.infer<typeof knowledgeBaseSchema>;
export type KnowledgeBaseInput = z.input<typeof knowledgeBaseSchema>;
export type Place = KnowledgeBase['places'][number];
export type Fare = KnowledgeBase['fares'][number];
export type FaqLocation = KnowledgeBase['locations'][number];
export type FareSourceConfig = NonNullable<KnowledgeBase['fareSource']>;
export type { Calendar };

/** True when the link is https and its host is an allowed domain or a subdomain of one. */
export function isAllowedLink(link: string, allowedDomains: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return allowedDomains.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

// ---------------------------------------------------------------------------------------------
// Matching keys and the compiled knowledge base

/** Case, accents and apostrophes folded away: "A'dam" → "adam", "Zürich" → "zurich". */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '');
}

/** The key a name is matched by: its folded words joined by single spaces. */
export function matchKey(text: string): string {
  return (foldText(text).match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');
}

/**
 * Short everyday words never read as place codes when written in lower case ("sun", "man", "can"),
 * and never bent into a place name by the misspelling tolerance ("parts" is not "Paris").
 */
export const COMMON_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but not no nor yes you your our ours his her its they them their who whom what when where why how ' +
    'all any are can could did does had has have him may might must one out own say she too two use was way were will ' +
    'get got let put see set sit run man men new now old off per via day days bag bags car cab bus fly eat sun sat ' +
    'mon tue wed thu fri jan feb mar apr jun jul aug sep oct nov dec pay fee fees tax far few end big top hot low ' +
    'air art bar bed box boy cut dog cat fun god job kid lot map mix net oil pet pin pop raw red row sea ski son spa ' +
    'tea ten tip toy van war web win yet ago age aid aim ask bad bit buy cup due ear egg eye fat fit fix gap gas hat ' +
    'ice ill key lay leg lie mad met mid nut odd pen pie pot ran rat sad saw sir six sky tin van wet zip ' +
    'about after again along hours price prices fares parts pairs place plane plans trips train trains route routes ' +
    'there their these those where which while whole world would could should today night nights later close ' +
    'lounge desk open opens closed times ticket tickets return cheap cheapest lowest flight flights'
  ).split(/\s+/),
);

export interface CompiledKnowledgeBase {
  readonly kb: KnowledgeBase;
  readonly placesByCode: ReadonlyMap<string, Place>;
  /** Folded name (words joined by spaces) → place code. */
  readonly placeByName: ReadonlyMap<string, string>;
  readonly maxPlaceWords: number;
  /** One-deletion variants of single-word names of 5+ letters → names, for misspellings. */
  readonly placeFuzzy: ReadonlyMap<string, string[]>;
  readonly locationsById: ReadonlyMap<string, FaqLocation>;
  /** Folded alias → location ids (the same alias may name locations at different places). */
  readonly locationsByAlias: ReadonlyMap<string, string[]>;
  readonly maxLocationWords: number;
  readonly locationFuzzy: ReadonlyMap<string, string[]>;
  /** Dated exceptions by folded name ("christmas day" → dates), for "open on Christmas Day?". */
  readonly exceptionDatesByName: ReadonlyMap<string, string[]>;
  readonly maxExceptionWords: number;
  /** "AMS-JFK" → the fare answering that route, listed or reversed. */
  readonly fareByRoute: ReadonlyMap<string, Fare>;
  /** Origins as the brand listed them: a missing origin is assumed only when there is exactly one. */
  readonly listedOrigins: ReadonlySet<string>;
}

const MIN_FUZZY_NAME_LENGTH = 5;

function deletions(word: string): string[] {
  const variants: string[] = [];
  for (let i = 0; i < word.length; i++) variants.push(word.slice(0, i) + word.slice(i + 1));
  return variants;
}

function addFuzzy(index: Map<string, string[]>, name: string): void {
  if (name.includes(' ') || [...name].length < MIN_FUZZY_NAME_LENGTH || /\d/.test(name)) return;
  for (const key of [name, ...deletions(name)]) {
    const names = index.get(key);
    if (!names) index.set(key, [name]);
    else if (!names.includes(name)) names.push(name);
  }
}

/** Optimal string alignment distance, bounded: stops early once it is certain to exceed `max`. */
export function editDistanceAtMost(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    rows.push(row);
  }
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let best = Number.POSITIVE_INFINITY;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
      best = Math.min(best, value);
    }
    if (best > max) return false;
  }
  return rows[a.length]![b.length]! <= max;
}

/**
 * The misspelt single-word name a word stands for, if exactly one is within one edit.
 * Short words, common words and words starting with another letter are never bent into a name.
 */
export function fuzzyLookup(index: ReadonlyMap<string, string[]>, word: string): string | undefined {
  if ([...word].length < MIN_FUZZY_NAME_LENGTH - 1 || COMMON_WORDS.has(word) || /\d/.test(word))
    return undefined;
  const candidates = new Set<string>();
  for (const key of [word, ...deletions(word)]) {
    for (const name of index.get(key) ?? []) {
      if (name[0] === word[0] && editDistanceAtMost(word, name, 1)) candidates.add(name);
    }
  }
  return candidates.size === 1 ? [...candidates][0] : undefined;
}

const compiled = new WeakMap<KnowledgeBase, CompiledKnowledgeBase>();

/** Indices over a parsed knowledge base, built once per knowledge base object and cached. */
export function compileKnowledgeBase(kb: KnowledgeBase): CompiledKnowledgeBase {
  const cached = compiled.get(kb);
  if (cached) return cached;

  const placesByCode = new Map<string, Place>();
  const placeByName = new Map<string, string>();
  const placeFuzzy = new Map<string, string[]>();
  let maxPlaceWords = 1;
  for (const place of kb.places) {
    placesByCode.set(place.code, place);
    for (const name of place.names) {
      const key = matchKey(name);
      if (!key) continue;
      placeByName.set(key, place.code);
      maxPlaceWords = Math.max(maxPlaceWords, key.split(' ').length);
      addFuzzy(placeFuzzy, key);
    }
  }

  const locationsById = new Map<string, FaqLocation>();
  const locationsByAlias = new Map<string, string[]>();
  const locationFuzzy = new Map<string, string[]>();
  const exceptionDatesByName = new Map<string, string[]>();
  let maxLocationWords = 1;
  let maxExceptionWords = 1;
  for (const location of kb.locations) {
    locationsById.set(location.id, location);
    for (const alias of [location.name, ...location.aliases]) {
      const key = matchKey(alias);
      if (!key) continue;
      const ids = locationsByAlias.get(key) ?? [];
      if (!ids.includes(location.id)) ids.push(location.id);
      locationsByAlias.set(key, ids);
      maxLocationWords = Math.max(maxLocationWords, key.split(' ').length);
      addFuzzy(locationFuzzy, key);
    }
    for (const exception of location.hours.exceptions ?? []) {
      if (!exception.name) continue;
      const key = matchKey(exception.name);
      if (!key) continue;
      const dates = exceptionDatesByName.get(key) ?? [];
      if (!dates.includes(exception.date)) dates.push(exception.date);
      dates.sort();
      exceptionDatesByName.set(key, dates);
      maxExceptionWords = Math.max(maxExceptionWords, key.split(' ').length);
    }
  }

  const fareByRoute = new Map<string, Fare>();
  for (const fare of kb.fares) fareByRoute.set(`${fare.from}-${fare.to}`, fare);
  for (const fare of kb.fares) {
    const reverse = `${fare.to}-${fare.from}`;
    if (fare.bothDirections && !fareByRoute.has(reverse)) fareByRoute.set(reverse, fare);
  }

  const result: CompiledKnowledgeBase = {
    kb,
    placesByCode,
    placeByName,
    maxPlaceWords,
    placeFuzzy,
    locationsById,
    locationsByAlias,
    maxLocationWords,
    locationFuzzy,
    exceptionDatesByName,
    maxExceptionWords,
    fareByRoute,
    listedOrigins: new Set(kb.fares.map((fare) => fare.from)),
  };
  compiled.set(kb, result);
  return result;
}

/** How a place is shown in a reply: "Amsterdam (AMS)", or just the code when it has no name. */
export function placeLabel(kb: KnowledgeBase, code: string): string {
  const name = compileKnowledgeBase(kb).placesByCode.get(code)?.names[0];
  return name ? `${name} (${code})` : code;
}

// ---------------------------------------------------------------------------------------------
// Voice: reply templates

/**
 * Templates use {placeholders}; text inside [[double brackets]] is optional and is dropped (last
 * first) when a reply would not fit the platform's length. The fare, the link and the checked time
 * can never be optional: they are the answer.
 */
const TEMPLATE_FIELDS = {
  fareAnswer: {
    allowed: ['from', 'to', 'fare', 'link', 'checkedAt'],
    required: ['from', 'to', 'fare', 'link', 'checkedAt'],
  },
  hoursOpenNow: {
    allowed: ['location', 'closesAt', 'timezone', 'day', 'date', 'hours', 'checkedAt'],
    required: ['location', 'closesAt', 'timezone', 'checkedAt'],
  },
  hoursOpenAroundTheClock: {
    allowed: ['location', 'timezone', 'checkedAt'],
    required: ['location', 'checkedAt'],
  },
  hoursClosedNow: {
    allowed: ['location', 'opensAt', 'timezone', 'day', 'date', 'hours', 'checkedAt'],
    required: ['location', 'opensAt', 'timezone', 'checkedAt'],
  },
  hoursOnDay: {
    allowed: ['location', 'day', 'date', 'hours', 'timezone', 'checkedAt'],
    required: ['location', 'day', 'hours', 'timezone', 'checkedAt'],
  },
  hoursClosedOnDay: {
    allowed: ['location', 'day', 'date', 'timezone', 'checkedAt'],
    required: ['location', 'day', 'checkedAt'],
  },
  hoursClosedOnHoliday: {
    allowed: ['location', 'holiday', 'day', 'date', 'timezone', 'checkedAt'],
    required: ['location', 'holiday', 'checkedAt'],
  },
  handOff: { allowed: ['careHandle'], required: ['careHandle'] },
} as const satisfies Record<string, { allowed: readonly string[]; required: readonly string[] }>;

export type VoiceTemplateName = keyof typeof TEMPLATE_FIELDS;
export type TemplateValues<T extends VoiceTemplateName> = Record<
  (typeof TEMPLATE_FIELDS)[T]['allowed'][number],
  string
>;

export const DEFAULT_VOICE = {
  fareAnswer:
    'Lowest return fare {from} – {to}: from {fare}. Book: {link} (fares checked {checkedAt})[[ Fares can change until you book.]]',
  hoursOpenNow:
    '{location} is open now, until {closesAt} ({timezone}).[[ Hours {day}: {hours}.]] Hours checked {checkedAt}.',
  hoursOpenAroundTheClock: '{location} is open now, 24 hours a day. Hours checked {checkedAt}.',
  hoursClosedNow:
    '{location} is closed now. It opens {opensAt} ({timezone}).[[ Hours {day}: {hours}.]] Hours checked {checkedAt}.',
  hoursOnDay: '{location} {day}: {hours} ({timezone}). Hours checked {checkedAt}.',
  hoursClosedOnDay: '{location} is closed {day}. Hours checked {checkedAt}.',
  hoursClosedOnHoliday: '{location} is closed on {holiday} ({date}). Hours checked {checkedAt}.',
  handOff:
    "Thanks for your message! I'm an automated account; a colleague at @{careHandle} will help you with this.",
} as const satisfies Record<VoiceTemplateName, string>;

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'field'; name: string };
export interface TemplateSegment {
  optional: boolean;
  parts: TemplatePart[];
}

export class TemplateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

/** Splits a template into required and [[optional]] segments of text and {fields}. */
export function parseTemplate(template: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  const pieces = template.split(/(\[\[|\]\])/);
  let optional = false;
  for (const piece of pieces) {
    if (piece === '[[') {
      if (optional) throw new TemplateSyntaxError('optional parts [[...]] cannot be nested');
      optional = true;
      continue;
    }
    if (piece === ']]') {
      if (!optional) throw new TemplateSyntaxError('"]]" without a matching "[["');
      optional = false;
      continue;
    }
    if (piece === '') continue;
    const parts: TemplatePart[] = [];
    for (const token of piece.split(/(\{[^{}]*\})/)) {
      if (token === '') continue;
      if (token.startsWith('{') && token.endsWith('}')) {
        const name = token.slice(1, -1);
        if (!/^[a-zA-Z]+$/.test(name)) throw new TemplateSyntaxError(`"${token}" is not a placeholder name`);
        parts.push({ kind: 'field', name });
      } else {
        if (/[{}]/.test(token)) throw new TemplateSyntaxError('unbalanced "{" or "}"');
        parts.push({ kind: 'text', text: token });
      }
    }
    segments.push({ optional, parts });
  }
  if (optional) throw new TemplateSyntaxError('"[[" without a matching "]]"');
  return segments;
}

export function templateProblems(name: VoiceTemplateName, template: string): string[] {
  let segments: TemplateSegment[];
  try {
    segments = parseTemplate(template);
  } catch (error) {
    return [(error as Error).message];
  }
  const { allowed, required } = TEMPLATE_FIELDS[name];
  const problems: string[] = [];
  const requiredFound = new Set<string>();
  for (const segment of segments) {
    for (const part of segment.parts) {
      if (part.kind !== 'field') continue;
      if (!(allowed as readonly string[]).includes(part.name)) {
        problems.push(
          `unknown placeholder {${part.name}}; this template can use ${allowed.map((f) => `{${f}}`).join(', ')}`,
        );
      } else if (!segment.optional) requiredFound.add(part.name);
    }
  }
  for (const field of required) {
    if (!requiredFound.has(field)) problems.push(`needs {${field}} outside any [[optional]] part`);
  }
  return problems;
}

export type Voice = z.infer<typeof voiceSchema>;
export type VoiceInput = z.input<typeof voiceSchema>;

/** Links written into the voice templates themselves that the knowledge base does not allow, with paths. */
export function voiceLinkProblems(voice: Voice, kb: KnowledgeBase): Issue[] {
  const issues: Issue[] = [];
  for (const [name, template] of Object.entries(voice)) {
    for (const link of template.match(/https?:\/\/[^\s\])}]+/g) ?? []) {
      if (!isAllowedLink(link, kb.allowedLinkDomains)) {
        issues.push({ path: [name], message: `link ${link} is not on an allowed link domain` });
      }
    }
  }
  return issues;
}
