import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { checkOutbound } from '../../functions/core/compliance';
import { detectPiiLocally, LocalPiiDetector, maskPii } from '../../functions/core/pii';
import { recordInteractions } from '../../functions/core/record-interactions';
import { InMemoryCaseStore, StubSentiment } from '../fakes/in-memory';
import { demoDirectory } from '../helpers';

const mask = (text: string) => maskPii(text, detectPiiLocally(text));

test('card numbers (Luhn-checked), IBANs, e-mails, phones and long account numbers are masked', () => {
  assert.equal(mask('card 4111 1111 1111 1111 please'), 'card •••• •••• •••• 1111 please');
  assert.ok(
    !detectPiiLocally('4111 1111 1111 1112').some((s) => s.kind === 'card_number'),
    'fails the Luhn check',
  );
  assert.deepEqual(
    detectPiiLocally('IBAN NL91 ABNA 0417 1643 00').map((s) => s.kind),
    ['iban'],
  );
  assert.equal(mask('IBAN NL91 ABNA 0417 1643 00'), 'IBAN •••• •••• •••• ••43 00');
  assert.equal(mask('mail me at jo.doe@example.com'), 'mail me at [email]');
  assert.equal(mask('call +31 6 1234 5678'), 'call +•• • •••• 5678');
  assert.equal(mask('booking 12345678'), 'booking ••••5678');
  assert.equal(
    mask('flight KL123 at 10:30, gate D7'),
    'flight KL123 at 10:30, gate D7',
    'no false positives on ordinary text',
  );
});

test('a public reply with private data or a foreign link is refused; a DM may carry a booking number but never a card', async () => {
  const pii = new LocalPiiDetector();
  const options = { allowedDomains: ['demoair.example'], platform: 'x', maxLength: 280, pii };
  const problems = await checkOutbound('Your card 4111 1111 1111 1111, see https://evil.example/x', {
    ...options,
    visibility: 'public',
  });
  assert.deepEqual(problems.map((p) => p.code).sort(), ['link_not_allowed', 'private_data']);
  assert.deepEqual(
    await checkOutbound('Your booking 12345678 is rebooked', { ...options, visibility: 'private' }),
    [],
  );
  assert.deepEqual(
    (await checkOutbound('card 4111 1111 1111 1111', { ...options, visibility: 'private' })).map(
      (p) => p.code,
    ),
    ['private_data'],
  );
  assert.deepEqual(
    await checkOutbound('See https://www.demoair.example/help', { ...options, visibility: 'public' }),
    [],
  );
  assert.deepEqual(
    (await checkOutbound('x'.repeat(281), { ...options, visibility: 'public' })).map((p) => p.code),
    ['too_long'],
  );
  // X counts emoji and CJK double, as X itself does: 150 emoji are 300, over 280; elsewhere 150.
  const emoji = '✈'.repeat(150);
  assert.deepEqual(
    (await checkOutbound(emoji, { ...options, visibility: 'public' })).map((p) => p.code),
    ['too_long'],
  );
  assert.deepEqual(
    await checkOutbound(emoji, { ...options, platform: 'facebook', maxLength: 8000, visibility: 'public' }),
    [],
  );
});

test('stored messages and case subjects have private data masked', async () => {
  const store = new InMemoryCaseStore();
  await recordInteractions(
    [
      {
        schemaVersion: 1,
        platform: 'x',
        visibility: 'private',
        kind: 'dm',
        platformMessageId: '1',
        brandId: 'demoair',
        account: { id: '4000001', role: 'care' },
        author: { id: '42' },
        text: 'my card 4111 1111 1111 1111 was charged twice',
        createdAt: '2026-11-23T10:00:00.000Z',
        receivedAt: '2026-11-23T10:00:00.000Z',
      },
    ],
    { directory: demoDirectory(), store, sentiment: new StubSentiment(), pii: new LocalPiiDetector() },
  );
  assert.equal(store.messages.get('x-1')?.[0]?.text, 'my card •••• •••• •••• 1111 was charged twice');
  assert.equal(store.cases.get('x-1')?.subject, 'my card •••• •••• •••• 1111 was charged twice');
});

test('the link rule names each allowed domain once, however often the desk and the knowledge base list it', async () => {
  const problems = await checkOutbound('see https://evil.example/pay', {
    allowedDomains: ['demoair.example', 'DemoAir.example', 'www.demoair.example', 'help.partner.example'],
    platform: 'x',
    maxLength: 280,
    pii: new LocalPiiDetector(),
    visibility: 'public',
  });
  assert.deepEqual(problems, [
    {
      code: 'link_not_allowed',
      message:
        'links may only go to demoair.example (or its subdomains), help.partner.example (or its subdomains): https://evil.example/pay',
    },
  ]);
});
