/**
 * Listening beyond @mentions: brand keywords searched on X. Pure functions over plain data (the
 * search query, which hits need care, what an agent may do with a post found by search).
 */

/** X's recent search takes queries of up to 512 characters on self-serve plans (docs.x.com rate limits). */
export const MAX_SEARCH_QUERY_LENGTH = 512;

function keywordTerm(keyword: string): string {
  const word = keyword.trim();
  // A single hashtag, cashtag or word goes as it is; anything with a space or an operator character
  // is an exact phrase.
  if (/^[#$]?[\p{L}\p{N}_]+$/u.test(word)) return word;
  return `"${word.replace(/"/g, '')}"`;
}

/**
 * The recent-search query for a brand's keywords: any keyword, not from or mentioning our own accounts
 * (posts that mention us arrive as mentions, by webhook or polling, and may be answered in public),
 * no reposts, optionally in some languages. Empty when there are no keywords.
 */
export function buildListeningQuery(
  keywords: readonly string[],
  languages: readonly string[],
  ourHandles: readonly string[],
): string {
  const terms = [...new Set(keywords.map(keywordTerm).filter((t) => t !== '' && t !== '""'))];
  if (!terms.length) return '';
  const parts = [terms.length > 1 ? `(${terms.join(' OR ')})` : (terms[0] as string)];
  for (const handle of ourHandles) parts.push(`-from:${handle}`, `-@${handle}`);
  parts.push('-is:retweet');
  if (languages.length === 1) parts.push(`lang:${languages[0]}`);
  else if (languages.length > 1) parts.push(`(${languages.map((l) => `lang:${l}`).join(' OR ')})`);
  return parts.join(' ');
}

export interface ListeningFacts {
  sentiment: 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL' | 'MIXED';
  /** Risk words found (legal, safety, media...). */
  risks: readonly string[];
  /** The FAQ intent recognised (fares, hours...), if any. */
  intent: string | null;
  /** The text as written. */
  text: string;
  /** The customer already has an open case with the brand: the post joins it. */
  hasOpenCase: boolean;
}

/**
 * Whether a post found by keyword needs care (a case) or is only counted: a complaint (negative or
 * mixed), a risk, a question, or something the FAQ knows about needs care; praise and chatter are
 * counted for the spike detector and reports. A customer with an open case is always heard.
 */
export function listeningNeedsCare(facts: ListeningFacts): { care: boolean; reason: string } {
  if (facts.hasOpenCase) return { care: true, reason: 'the customer has an open case' };
  if (facts.risks.length) return { care: true, reason: `risk (${facts.risks.join(', ')})` };
  if (facts.sentiment === 'NEGATIVE' || facts.sentiment === 'MIXED')
    return { care: true, reason: `${facts.sentiment.toLowerCase()} sentiment` };
  if (facts.intent) return { care: true, reason: `question about ${facts.intent}` };
  if (/\?/.test(facts.text.replace(/https?:\/\/\S+/g, ''))) return { care: true, reason: 'a question' };
  return { care: false, reason: `${facts.sentiment.toLowerCase()}, no question: counted, no case` };
}

/**
 * X lets a self-serve app reply in public only to posts that mention or quote the replying account
 * (since February 2026). A post found by keyword search did neither: the agent API and the console
 * refuse a public reply to it and say what is allowed instead.
 */
export function listeningPublicReplyRefusal(careHandle: string | undefined): string {
  const handle = careHandle ? `@${careHandle}` : 'our account';
  return (
    `this post was found by keyword search and does not mention or quote ${handle}: X lets this app reply ` +
    `in public only to posts that mention or quote it. Allowed instead: a private reply (a direct message, ` +
    `which reaches the customer only if they accept messages from ${handle}), or reply or quote from ` +
    `X's own app as ${handle}`
  );
}
