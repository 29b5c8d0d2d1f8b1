/**
 * How long a reply may be and how it is signed, per platform: the agent API checks replies with these
 * and the agent console shows the same counts while the agent types (console/src/format.ts imports
 * this module), so the two never disagree. No imports: it is bundled into the console as it is.
 */

export const URL_IN_TEXT = /https?:\/\/[^\s)>\]]+/g;

export interface ReplyLimit {
  maxLength: number;
  /** Every link counts as this many characters (X wraps links in t.co: 23). */
  urlLength?: number;
  /** X's weighted count: CJK, emoji and most symbols count double. */
  weighted?: boolean;
}

export const X_REPLY_LIMIT: ReplyLimit = { maxLength: 280, urlLength: 23, weighted: true };

/** Characters 0-4351 and a few punctuation ranges weigh 1 on X (twitter-text v3); the rest weigh 2. */
function xWeight(codePoint: number): number {
  if (codePoint <= 0x10ff) return 1;
  if ((codePoint >= 0x2000 && codePoint <= 0x200d) || (codePoint >= 0x2010 && codePoint <= 0x201f)) return 1;
  if (codePoint >= 0x2032 && codePoint <= 0x2037) return 1;
  return 2;
}

/** Punctuation that ends a sentence rather than a link ("see https://t.co/x, thanks"): X counts it apart. */
const LINK_TRAILING_PUNCTUATION = /[.,;:!?'"’”…]+$/;

/**
 * An emoji as X counts it (twitter-text v3 weighs each emoji 2, however many code points it has): a
 * grapheme with a pictograph, a flag's regional indicators or a keycap. © ® ™ alone count as text.
 */
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
const TEXT_SYMBOL = /^[\u00a9\u00ae\u2122]$/;
/** A character outside the ranges that weigh 1: text without one counts one a character. */
const HEAVY = /[\u1100-\u1fff\u200e\u200f\u2020-\u2031\u2038-\u{10ffff}]/u;
let graphemes: Intl.Segmenter | undefined;

function xWeightedLength(text: string): number {
  let length = 0;
  if (!HEAVY.test(text)) {
    for (const _ of text) length += 1;
    return length;
  }
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const { segment } of graphemes.segment(text)) {
    if (EMOJI.test(segment) && !TEXT_SYMBOL.test(segment)) length += 2;
    else for (const char of segment) length += xWeight(char.codePointAt(0) as number);
  }
  return length;
}

/**
 * The length a platform counts for a reply under `limit` (X: links as 23, weighted characters). Gives
 * what twitter-text's `parseTweet` gives for 4,999 of 5,010 texts (the public customer-support sample
 * and ten emoji cases); the other 11 name bare domains ("Amazon.de"), which X links and this counts as
 * text. twitter-text itself is 80 KiB, which the Lambdas' budgets do not have (bench/README.md).
 */
export function replyLength(text: string, limit: ReplyLimit): number {
  let length = 0;
  let rest = text.normalize('NFC');
  if (limit.urlLength !== undefined) {
    const linkLength = limit.urlLength;
    rest = rest.replace(URL_IN_TEXT, (link) => {
      length += linkLength;
      return LINK_TRAILING_PUNCTUATION.exec(link)?.[0] ?? '';
    });
  }
  if (!limit.weighted) {
    for (const _ of rest) length += 1;
    return length;
  }
  return length + xWeightedLength(rest);
}

/**
 * The length of a reply as its platform counts it: X weighs CJK and emoji double and every link as
 * 23; the others count characters (links as 23 too, as they were always counted here).
 */
export function platformLength(text: string, platform: string): number {
  return platform === 'x'
    ? replyLength(text, X_REPLY_LIMIT)
    : replyLength(text, { maxLength: Number.POSITIVE_INFINITY, urlLength: 23 });
}

/** Public replies (a post or comment), and private messages (Messenger 2,000, Instagram 1,000, X DMs 10,000). */
const PUBLIC_LIMITS: Record<string, number> = { x: 280, facebook: 8000, instagram: 2200, generic: 5000 };
const PRIVATE_LIMITS: Record<string, number> = { x: 10_000, facebook: 2000, instagram: 1000, generic: 5000 };

export function replyLimit(platform: string, visibility: 'public' | 'private'): number {
  return (visibility === 'private' ? PRIVATE_LIMITS : PUBLIC_LIMITS)[platform] ?? 280;
}

export type ReplySignature = 'none' | 'initials' | 'name';

/** The signature an agent's public reply ends with; the initials the registry holds, when given. */
export function signatureSuffix(
  signature: ReplySignature | undefined,
  agentName: string,
  agentInitials?: string,
): string {
  if (signature === 'initials') return ` ^${agentInitials ?? initials(agentName)}`;
  if (signature === 'name') return ` – ${agentName.split(/\s+/)[0]}`;
  return '';
}

/**
 * A reply with the brand's signature, once: a text that already ends with the agent's signature (a
 * canned reply signed in its text, a retyped sign-off) is not signed again. The API and the
 * console's counter both use this.
 */
export function withSignature(
  text: string,
  signature: ReplySignature | undefined,
  agentName: string,
  agentInitials?: string,
): string {
  const suffix = signatureSuffix(signature, agentName, agentInitials);
  if (!suffix) return text;
  const normalize = (value: string) =>
    value
      .replace(/[\s\u2013\u2014-]+/g, ' ')
      .trim()
      .toLowerCase();
  return normalize(text).endsWith(normalize(suffix)) ? text : `${text}${suffix}`;
}

function initials(name: string): string {
  return name
    .split(/[\s.@_-]+/)
    .filter(Boolean)
    .slice(0, 3)
    .map((part) => part[0]!.toUpperCase())
    .join('');
}
