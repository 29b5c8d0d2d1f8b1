import { isAllowedLink } from './faq/knowledge-base';
import type { PiiDetector } from './pii';
import { platformLength, URL_IN_TEXT } from './reply-rules';

export interface ComplianceProblem {
  code: 'link_not_allowed' | 'private_data' | 'too_long' | 'empty';
  message: string;
}

/**
 * Checks an agent's reply at the point of sending: links only to allowed domains, no private data in
 * public (card and bank numbers never, not even by DM), and the platform's length.
 */
export async function checkOutbound(
  text: string,
  options: {
    visibility: 'public' | 'private';
    allowedDomains: readonly string[];
    /** The platform counts the length (X weighs emoji and CJK double). */
    platform: string;
    maxLength: number;
    pii: PiiDetector;
  },
): Promise<ComplianceProblem[]> {
  const problems: ComplianceProblem[] = [];
  if (text.trim() === '') problems.push({ code: 'empty', message: 'the reply is empty' });
  const domains = distinctDomains(options.allowedDomains);
  for (const link of text.match(URL_IN_TEXT) ?? []) {
    if (!isAllowedLink(link, domains)) {
      problems.push({
        code: 'link_not_allowed',
        message: `links may only go to ${domains.map((d) => `${d} (or its subdomains)`).join(', ') || 'no domain'}: ${link}`,
      });
    }
  }
  const spans = await options.pii.detect(text);
  const blocked = spans.filter(
    (s) => options.visibility === 'public' || s.kind === 'card_number' || s.kind === 'iban',
  );
  for (const span of blocked) {
    problems.push({
      code: 'private_data',
      message: `${span.kind.replace('_', ' ')} must not be sent ${options.visibility === 'public' ? 'in public' : 'in a message'}`,
    });
  }
  const length = platformLength(text, options.platform);
  if (length > options.maxLength)
    problems.push({ code: 'too_long', message: `${length} characters; at most ${options.maxLength}` });
  return problems;
}

/**
 * The allowed domains, each once, without those a listed parent already allows (the brand's desk and
 * knowledge base may both name "demoair.example"; "www.demoair.example" adds nothing to it).
 */
export function distinctDomains(domains: readonly string[]): string[] {
  const folded = [...new Set(domains.map((d) => d.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean))];
  return folded.filter((d) => !folded.some((parent) => parent !== d && d.endsWith(`.${parent}`)));
}
