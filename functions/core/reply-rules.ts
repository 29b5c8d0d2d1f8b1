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

/** The length a platform counts for a reply under `limit` (X: links as 23, weighted characters). */
export function replyLength(text: string, limit: ReplyLimit): number {
  let length = 0;
  let rest = text.normalize('NFC');
  if (limit.urlLength !== undefined) {
    const urls = rest.match(URL_IN_TEXT) ?? [];
    length += urls.length * limit.urlLength;
    rest = rest.replace(URL_IN_TEXT, '');
  }
  for (const char of rest) length += limit.weighted ? xWeight(char.codePointAt(0)!) : 1;
  return length;
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
