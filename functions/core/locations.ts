import { COMMON_WORDS, matchKey, type Place } from './faq/knowledge-base';
import type { BrandLocation } from './locations-schema';

/**
 * A brand's locations: the airports, hotels or branches whose local managers see their own cases.
 * One list per brand, shared with the FAQ knowledge base (each location is also a place the bot knows
 * by the same names), and three ways a case finds its location: the review source's place id, the
 * page or account the post came to, or the location's names in the text.
 */

/** IATA-style codes (AMS, JFK) or a branch code; the knowledge base's place codes are the same. */
export const LOCATION_CODE = /^[A-Z][A-Z0-9]{2,4}$/;

export type { BrandLocation };

type Issue = { path: PropertyKey[]; message: string };

/** Problems across a brand's locations that a field schema cannot see, each with its path under the brand. */
export function locationProblems(brand: {
  locations: BrandLocation[];
  accounts: Array<{ platform: string; id: string }>;
}): Issue[] {
  const issues: Issue[] = [];
  const codes = new Set<string>();
  const names = new Map<string, string>();
  const places = new Map<string, string>();
  const accounts = new Map<string, string>();
  brand.locations.forEach((location, l) => {
    if (codes.has(location.code))
      issues.push({
        path: ['locations', l, 'code'],
        message: `location code "${location.code}" is used twice`,
      });
    codes.add(location.code);
    [location.name, ...location.aliases].forEach((name, n) => {
      const key = matchKey(name);
      const path = n === 0 ? ['locations', l, 'name'] : ['locations', l, 'aliases', n - 1];
      if (!key) {
        issues.push({ path, message: `"${name}" has no letters or digits` });
        return;
      }
      const owner = names.get(key);
      if (owner && owner !== location.code)
        issues.push({ path, message: `"${name}" already names ${owner}` });
      names.set(key, location.code);
    });
    location.reviewPlaces.forEach((place, p) => {
      const key = `${place.source}:${place.placeId}`;
      const owner = places.get(key);
      if (owner && owner !== location.code)
        issues.push({
          path: ['locations', l, 'reviewPlaces', p],
          message: `${place.source} place ${place.placeId} already belongs to ${owner}`,
        });
      places.set(key, location.code);
    });
    location.accounts.forEach((account, a) => {
      const key = `${account.platform}:${account.id}`;
      const path = ['locations', l, 'accounts', a];
      if (!brand.accounts.some((b) => b.platform === account.platform && b.id === account.id))
        issues.push({ path, message: `${key} is not one of this brand's accounts` });
      const owner = accounts.get(key);
      if (owner && owner !== location.code)
        issues.push({ path, message: `${key} already belongs to ${owner}` });
      accounts.set(key, location.code);
    });
  });
  return issues;
}

/** The locations as the knowledge base's places: the same code, the name first, then the aliases. */
export function placesOfLocations(locations: readonly BrandLocation[]): Place[] {
  return locations.map((l) => ({ code: l.code, names: [l.name, ...l.aliases] }));
}

/**
 * The knowledge base's places: the locations' first, then its own. A place exactly as a location makes
 * it is that location's (a validated config is bundled as JSON and parsed again in each Lambda: the
 * second parse must give the same places, not each location twice).
 */
export function withLocationPlaces(locations: readonly BrandLocation[], own: readonly Place[]): Place[] {
  const fromLocations = placesOfLocations(locations);
  const same = (a: Place, b: Place) =>
    a.code === b.code && a.names.length === b.names.length && a.names.every((n, i) => n === b.names[i]);
  return [...fromLocations, ...own.filter((p) => !fromLocations.some((l) => same(l, p)))];
}

// ---------------------------------------------------------------------------------------------
// Tagging a case with its location

interface Token {
  raw: string;
  key: string;
}

/**
 * Words as written and folded (case and accents), apostrophes kept inside a word ("A'dam" is not the
 * name "Adam") and a possessive dropped ("Schiphol's" is Schiphol): a name only matches whole words.
 */
function tokensOf(text: string): Token[] {
  return (text.match(/[\p{L}\p{N}'’‘`´]+/gu) ?? [])
    .map((raw) => ({
      raw,
      key: raw
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/[’‘`´]/g, "'")
        .replace(/'s$/, '')
        .replace(/^'+|'+$/g, ''),
    }))
    .filter((t) => t.key !== '');
}

export interface LocationMatcher {
  /** Folded name → its words and location code, longest names first. */
  readonly names: ReadonlyArray<{ words: string[]; code: string; isCode: boolean }>;
}

const matchers = new WeakMap<readonly BrandLocation[], LocationMatcher>();

export function compileLocations(locations: readonly BrandLocation[]): LocationMatcher {
  const cached = matchers.get(locations);
  if (cached) return cached;
  const names: Array<{ words: string[]; code: string; isCode: boolean }> = [];
  for (const location of locations) {
    names.push({ words: [location.code.toLowerCase()], code: location.code, isCode: true });
    for (const name of [location.name, ...location.aliases]) {
      const words = tokensOf(name).map((t) => t.key);
      if (words.length) names.push({ words, code: location.code, isCode: false });
    }
  }
  names.sort((a, b) => b.words.length - a.words.length);
  const matcher = { names };
  matchers.set(locations, matcher);
  return matcher;
}

/**
 * The one location a text names, by its code, name or aliases as whole words, case-insensitive
 * ("schiphol", "#Schiphol", "AMS"), never inside a word ("hAMSter", "Amsterdamned"). A code that is
 * also an everyday word ("MAN", "BUS") counts only when written in capitals. Handles and links are
 * not read. A text naming two different locations gets none: we cannot tell whose it is.
 */
export function locationFromText(locations: readonly BrandLocation[], text: string): string | undefined {
  if (!locations.length) return undefined;
  const readable = text.replace(/https?:\/\/\S+/g, ' ').replace(/(^|\s)@[A-Za-z0-9_]+/g, ' ');
  const tokens = tokensOf(readable);
  const { names } = compileLocations(locations);
  const found = new Set<string>();
  const used = new Set<number>();
  for (const name of names) {
    for (let i = 0; i + name.words.length <= tokens.length; i++) {
      if (name.words.some((word, w) => used.has(i + w) || tokens[i + w]!.key !== word)) continue;
      const raw = tokens[i]!.raw;
      if (name.isCode && COMMON_WORDS.has(name.words[0]!) && raw !== raw.toUpperCase()) continue;
      found.add(name.code);
      for (let w = 0; w < name.words.length; w++) used.add(i + w);
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** What a post says about where it belongs, besides its text. */
export interface LocationEvidence {
  platform: string;
  /** Our account the post came to (for a generic source: the source's name). */
  accountId: string;
  /** The review site's id of the place reviewed (generic webhook). */
  placeId?: string;
  text: string;
}

export interface LocationTag {
  location: string;
  /** How it was found, shown on the case beside the code. */
  by: 'review_place' | 'account' | 'text';
}

/**
 * The location of a post: the review source's place id first (the site says which place), then the
 * account or page it came to (a location's own page), then the names in its text.
 */
export function locateInteraction(
  locations: readonly BrandLocation[],
  evidence: LocationEvidence,
): LocationTag | undefined {
  if (evidence.placeId) {
    const byPlace = locations.find((l) =>
      l.reviewPlaces.some((p) => p.source === evidence.accountId && p.placeId === evidence.placeId),
    );
    if (byPlace) return { location: byPlace.code, by: 'review_place' };
  }
  const byAccount = locations.find((l) =>
    l.accounts.some((a) => a.platform === evidence.platform && a.id === evidence.accountId),
  );
  if (byAccount) return { location: byAccount.code, by: 'account' };
  const byText = locationFromText(locations, evidence.text);
  return byText ? { location: byText, by: 'text' } : undefined;
}

/** Negative or risky: what a local manager is told about (at once, or in the daily digest). */
export function concernsLocalManager(careCase: { sentiment: string; risks: readonly string[] }): boolean {
  return careCase.sentiment === 'NEGATIVE' || careCase.sentiment === 'MIXED' || careCase.risks.length > 0;
}
