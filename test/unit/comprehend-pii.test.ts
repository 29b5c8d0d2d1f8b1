import assert from 'node:assert/strict';
import type { ComprehendClient } from '@aws-sdk/client-comprehend';
import { test } from '@jest/globals';
import { ComprehendPiiDetector } from '../../functions/adapters/aws/comprehend-pii';
import { maskPii } from '../../functions/core/pii';

const client = (answer: () => Promise<unknown>) => ({ send: answer }) as unknown as ComprehendClient;

test("Comprehend's findings are masked together with the local ones", async () => {
  const text = 'I am Jo, account AB-7721-9 and card 4111 1111 1111 1111';
  const detector = new ComprehendPiiDetector(
    client(async () => ({
      Entities: [
        { Type: 'NAME', BeginOffset: 5, EndOffset: 7, Score: 0.99 },
        { Type: 'BANK_ACCOUNT_NUMBER', BeginOffset: 17, EndOffset: 26, Score: 0.9 },
        { Type: 'CREDIT_DEBIT_NUMBER', BeginOffset: 36, EndOffset: 55, Score: 0.99 },
      ],
    })),
  );
  const spans = await detector.detect(text);
  assert.deepEqual(
    spans.map((s) => [s.kind, text.slice(s.start, s.end)]),
    [
      ['account_number', 'AB-7721-9'],
      ['card_number', '4111 1111 1111 1111'],
    ],
    'names are not masked; overlapping card findings are merged',
  );
  assert.equal(maskPii(text, spans), 'I am Jo, account ••-•721-9 and card •••• •••• •••• 1111');
});

test('when Comprehend fails, the local findings still protect the text', async () => {
  const detector = new ComprehendPiiDetector(
    client(async () => {
      throw new Error('ThrottlingException');
    }),
  );
  const spans = await detector.detect('card 4111 1111 1111 1111');
  assert.deepEqual(
    spans.map((s) => s.kind),
    ['card_number'],
  );
});

test("Comprehend's code-point offsets are turned into UTF-16 indexes (emoji before the finding)", async () => {
  const text = '😀😀😀 passport X1234567';
  // Comprehend counts each emoji as one character: the passport number starts at code point 13.
  const detector = new ComprehendPiiDetector(
    client(async () => ({
      Entities: [{ Type: 'PASSPORT_NUMBER', BeginOffset: 13, EndOffset: 21, Score: 0.99 }],
    })),
  );
  const spans = await detector.detect(text);
  assert.deepEqual(
    spans.map((s) => text.slice(s.start, s.end)),
    ['X1234567'],
  );
  assert.equal(maskPii(text, spans), '😀😀😀 passport ••••4567');
});
