import { type ComprehendClient, DetectPiiEntitiesCommand } from '@aws-sdk/client-comprehend';
import { detectPiiLocally, type PiiDetector, type PiiKind, type PiiSpan } from '../../core/pii';
import { truncateUtf8 } from './comprehend-text';

/** Comprehend's PII entity types that socialcare masks and blocks, mapped to its own kinds. */
const KINDS: Record<string, PiiKind> = {
  CREDIT_DEBIT_NUMBER: 'card_number',
  CREDIT_DEBIT_CVV: 'card_number',
  INTERNATIONAL_BANK_ACCOUNT_NUMBER: 'iban',
  BANK_ACCOUNT_NUMBER: 'account_number',
  BANK_ROUTING: 'account_number',
  SSN: 'account_number',
  PASSPORT_NUMBER: 'account_number',
  EMAIL: 'email',
  PHONE: 'phone',
};

/**
 * Private data found by Amazon Comprehend (DetectPiiEntities), together with the local detector's
 * findings: Comprehend reads context the patterns cannot; the patterns never miss a Luhn-valid card.
 * If Comprehend fails, the local findings stand: a failed call must not block care.
 */
export class ComprehendPiiDetector implements PiiDetector {
  constructor(private readonly client: ComprehendClient) {}

  async detect(text: string): Promise<PiiSpan[]> {
    const local = detectPiiLocally(text);
    if (text.trim() === '') return local;
    let remote: PiiSpan[] = [];
    try {
      const input = truncateUtf8(text, 100_000);
      const { Entities = [] } = await this.client.send(
        new DetectPiiEntitiesCommand({ Text: input, LanguageCode: 'en' }),
      );
      const toUtf16 = utf16IndexOfCodePoint(input);
      remote = Entities.flatMap((entity) => {
        const kind = KINDS[entity.Type ?? ''];
        if (!kind || entity.BeginOffset === undefined || entity.EndOffset === undefined) return [];
        // Comprehend counts code points of the text it read (which starts like ours); the spans index
        // JavaScript strings, which count UTF-16 units: an emoji is one of the first, two of the second.
        return [{ kind, start: toUtf16(entity.BeginOffset), end: toUtf16(entity.EndOffset) }];
      });
    } catch {
      remote = [];
    }
    const all = [...local, ...remote].sort((a, b) => a.start - b.start);
    const merged: PiiSpan[] = [];
    for (const span of all) {
      const last = merged.at(-1);
      if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
      else merged.push({ ...span });
    }
    return merged;
  }
}

/** Maps a code-point offset in `text` (what Comprehend returns) to the UTF-16 index JavaScript uses. */
export function utf16IndexOfCodePoint(text: string): (codePoint: number) => number {
  const starts: number[] = [];
  let at = 0;
  for (const char of text) {
    starts.push(at);
    at += char.length;
  }
  starts.push(at);
  return (codePoint) => starts[Math.max(0, Math.min(codePoint, starts.length - 1))] as number;
}
