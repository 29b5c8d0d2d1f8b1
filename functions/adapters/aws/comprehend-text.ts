/**
 * Text as Comprehend takes it. A module of its own so the PII detector (in the agent API) does not
 * import the sentiment adapter and, through its local fallback, the trained model's weights.
 */

/** BatchDetectSentiment takes documents of at most 5,000 bytes of UTF-8 each. */
const MAX_SENTIMENT_BYTES = 5000;

/** Cuts text to what Comprehend reads, never in the middle of a character. */
export function truncateUtf8(text: string, maxBytes = MAX_SENTIMENT_BYTES): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out;
}
