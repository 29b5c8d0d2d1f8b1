/**
 * How long a reply may be and how it is signed, per platform: the agent API checks replies with these
 * and the agent console shows the same counts while the agent types (console/src/format.ts imports
 * this module), so the two never disagree. No imports: it is bundled into the console as it is.
 */

export const URL_IN_TEXT = /https?:\/\/[^\s)>\]]+/g;

/** X counts a URL as 23 characters whatever its length; the others are counted by code point. */
export function platformLength(text: string): number {
  return [...text.replace(URL_IN_TEXT, 'x'.repeat(23))].length;
}

/** Public replies (a post or comment), and private messages (Messenger 2,000, Instagram 1,000, X DMs 10,000). */
const PUBLIC_LIMITS: Record<string, number> = { x: 280, facebook: 8000, instagram: 2200, generic: 5000 };
const PRIVATE_LIMITS: Record<string, number> = { x: 10_000, facebook: 2000, instagram: 1000, generic: 5000 };

export function replyLimit(platform: string, visibility: 'public' | 'private'): number {
  return (visibility === 'private' ? PRIVATE_LIMITS : PUBLIC_LIMITS)[platform] ?? 280;
}

export type ReplySignature = 'none' | 'initials' | 'name';

/** What a brand's signature setting appends to an agent's public reply. */
export function signatureSuffix(signature: ReplySignature | undefined, agentName: string): string {
  if (signature === 'initials') return ` ^${initials(agentName)}`;
  if (signature === 'name') return ` – ${agentName.split(/\s+/)[0]}`;
  return '';
}

function initials(name: string): string {
  return name
    .split(/[\s.@_-]+/)
    .filter(Boolean)
    .slice(0, 3)
    .map((part) => part[0]!.toUpperCase())
    .join('');
}
