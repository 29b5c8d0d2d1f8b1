/**
 * Private data in free text: card numbers (Luhn-checked), IBANs, e-mail addresses, phone numbers and
 * long account or booking numbers. Found spans are masked in stored text and blocked from public
 * replies. The port lets AWS use Comprehend's PII detection; this local detector is the default.
 */
export type PiiKind = 'card_number' | 'iban' | 'email' | 'phone' | 'account_number';

export interface PiiSpan {
  kind: PiiKind;
  start: number;
  end: number;
}

export interface PiiDetector {
  detect(text: string): Promise<PiiSpan[]>;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const PATTERNS: Array<{ kind: PiiKind; pattern: RegExp; accept?: (match: string) => boolean }> = [
  {
    kind: 'card_number',
    pattern: /\b(?:\d[ -]?){12,18}\d\b/g,
    accept: (m) => {
      const digits = m.replace(/\D/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhn(digits);
    },
  },
  { kind: 'iban', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g },
  { kind: 'email', pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g },
  {
    kind: 'phone',
    pattern: /(?<![\w/])\+?\d[\d ()-]{8,16}\d\b/g,
    accept: (m) => m.replace(/\D/g, '').length >= 9,
  },
  { kind: 'account_number', pattern: /\b\d{8,}\b/g },
];

export function detectPiiLocally(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const taken = (start: number, end: number) => spans.some((s) => start < s.end && end > s.start);
  for (const { kind, pattern, accept } of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index ?? 0;
      const end = start + match[0].length;
      if (accept && !accept(match[0])) continue;
      if (!taken(start, end)) spans.push({ kind, start, end });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

export class LocalPiiDetector implements PiiDetector {
  async detect(text: string): Promise<PiiSpan[]> {
    return detectPiiLocally(text);
  }
}

/** Masks each span, keeping the last four characters of numbers so a person can still match them. */
export function maskPii(text: string, spans: PiiSpan[]): string {
  let out = '';
  let at = 0;
  for (const span of spans) {
    const value = text.slice(span.start, span.end);
    const total = (value.match(/[A-Za-z0-9]/g) ?? []).length;
    let seen = 0;
    const masked = value.replace(/[A-Za-z0-9]/g, (c) => (++seen > total - 4 ? c : '•'));
    out += text.slice(at, span.start) + (span.kind === 'email' ? '[email]' : masked);
    at = span.end;
  }
  return out + text.slice(at);
}
