import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import {
  answerFaq,
  composeFaqReply,
  type FaqReply,
  type FaqReplyInput,
  type FareQuote,
  type FareSource,
  replyLength,
  StaticFareSource,
  X_REPLY_LIMIT,
} from '../../functions/core/faq/answer';
import { voiceLinkProblems } from '../../functions/core/faq/knowledge-base';
import { knowledgeBaseSchema, voiceSchema } from '../../functions/core/faq/knowledge-base-schema';
import { demoKnowledgeBase } from '../faq-knowledge-base';

/** Hours checked 1 February; AMS-LHR priced one way only. */
const answerKnowledgeBase = () => demoKnowledgeBase({ checkedAt: '2026-02-01T09:00:00Z', lhrOneWay: true });
const kb = knowledgeBaseSchema.parse(answerKnowledgeBase());
const voice = voiceSchema.parse(undefined);
/** Wednesday 25 November 2026, 11:00 in Amsterdam. */
const NOW = new Date('2026-11-25T10:00:00Z');
const HAND_OFF =
  "Thanks for your message! I'm an automated account; a colleague at @DemoAir will help you with this.";

function reply(text: string, overrides: Partial<FaqReplyInput> = {}): FaqReply {
  return composeFaqReply({
    text,
    addressedTo: 'bot',
    sentiment: 'NEUTRAL',
    risks: [],
    author: { isOwnAccount: false, isBot: false },
    kb,
    voice,
    careHandle: 'DemoAir',
    limit: X_REPLY_LIMIT,
    now: NOW,
    timezone: 'Europe/Amsterdam',
    ...overrides,
  });
}

/** The reply text, or the decision and reason when there is no answer. */
function answered(text: string, overrides: Partial<FaqReplyInput> = {}): string {
  const result = reply(text, overrides);
  if (result.decision === 'answer') return result.text;
  return `${result.decision}: ${'reason' in result ? result.reason : ''} ${'detail' in result ? (result.detail ?? '') : ''}`;
}

const at = (iso: string) => ({ now: new Date(iso) });

test('a fare question to the bot gets the fare, the link and when it was checked', () => {
  const result = reply('@DemoAirFares how much AMS-JFK?');
  assert.equal(result.decision, 'answer');
  assert.equal(
    result.decision === 'answer' && result.text,
    'Lowest return fare Amsterdam (AMS) – New York (JFK): from EUR 489. Book: https://www.demoair.example/book?from=AMS&to=JFK (fares checked 23 Nov, 09:00 CET) Fares can change until you book.',
  );
  assert.equal(result.decision === 'answer' && result.intent, 'fare');
  assert.ok(result.decision === 'answer' && result.confidence >= 0.8);
});

test('the same question to the care account becomes a suggestion for the agent, never a reply', () => {
  const toBot = reply('cheapest fare amsterdam to new york?');
  const toCare = reply('cheapest fare amsterdam to new york?', { addressedTo: 'care' });
  assert.equal(toCare.decision, 'suggest');
  assert.equal(toCare.decision === 'suggest' && toCare.text, toBot.decision === 'answer' && toBot.text);
});

test('the year is shown when the check was in another year', () => {
  assert.match(answered('fares to NYC', at('2027-01-05T10:00:00Z')), /fares checked 23 Nov 2026, 09:00 CET/);
});

test('refusals: negative, mixed, risky, complaints, unclear and other questions go to the care account', () => {
  const cases: Array<[string, Partial<FaqReplyInput>, string]> = [
    ['how much AMS-JFK', { sentiment: 'NEGATIVE' }, 'negative_sentiment'],
    ['how much AMS-JFK', { sentiment: 'MIXED' }, 'negative_sentiment'],
    ['is the lounge open now', { risks: ['media: journalist'] }, 'risk'],
    ['why is the fare AMS-JFK so expensive, ridiculous', {}, 'complaint'],
    ['the lounge was closed when it said open, thanks for nothing', {}, 'complaint'],
    ['lounge hours? I was refused entry', {}, 'complaint'],
    ['it says the desk is open Sundays until 8, and it wasn’t', {}, 'complaint'],
    ['is the lounge closed again today', {}, 'complaint'],
    ['still no refund. what are the fares to NYC', {}, 'complaint'],
    ['my flight was cancelled, how much AMS-JFK now', {}, 'complaint'],
    ['lost my bag, is the service desk open now', {}, 'complaint'],
    ['lounge open?!', {}, 'complaint'],
    ['fares from Paris to New York', {}, 'unclear'],
    ['open on christmas?', {}, 'unclear'],
    ['lounge hours this weekend', {}, 'unclear'],
    ['is the lounge at JFK open', {}, 'unclear'],
    ['how much is extra baggage AMS-JFK', {}, 'not_faq'],
    ['can I change my booking?', {}, 'not_faq'],
    ['hello there', {}, 'not_faq'],
  ];
  for (const [text, overrides, reason] of cases) {
    const result = reply(text, overrides);
    assert.equal(result.decision, 'hand_off', `${text}: ${JSON.stringify(result)}`);
    assert.equal(result.decision === 'hand_off' && result.reason, reason, text);
    assert.equal(result.decision === 'hand_off' && result.text, HAND_OFF, text);
  }
});

test('the hand-off names the care account given, with or without "@"', () => {
  const result = reply('why so expensive', { careHandle: '@KLM' });
  assert.equal(result.decision === 'hand_off' && result.text, HAND_OFF.replace('@DemoAir', '@KLM'));
});

test('our own accounts, other bots and posts without words get nothing at all', () => {
  assert.deepEqual(reply('how much AMS-JFK', { author: { isOwnAccount: true, isBot: false } }), {
    decision: 'none',
    reason: 'own_account',
  });
  assert.deepEqual(reply('how much AMS-JFK', { author: { isOwnAccount: false, isBot: true } }), {
    decision: 'none',
    reason: 'bot_author',
  });
  // Not even a hand-off to an angry bot: that would be answering it.
  assert.equal(reply('terrible!!', { author: { isOwnAccount: false, isBot: true } }).decision, 'none');
  assert.deepEqual(reply('@DemoAirFares https://t.co/x'), { decision: 'none', reason: 'no_text' });
});

test('posts to the care account that the bot would not answer get no suggestion and no hand-off', () => {
  const result = reply('why is the fare AMS-JFK so expensive', { addressedTo: 'care' });
  assert.equal(result.decision, 'none');
  assert.equal(result.decision === 'none' && result.reason, 'complaint');
});

test('a route without a fare, a failed lookup or a link off the allow-list is handed off', () => {
  assert.equal(answered('fare London to New York').startsWith('hand_off: no_answer'), true);
  assert.equal(answered('how much AMS-JFK', { fare: null }).startsWith('hand_off: no_answer'), true);
  const offList: FareQuote = {
    amount: 399,
    currency: 'EUR',
    deepLink: 'https://demoair.example.evil.example/book',
    checkedAt: '2026-11-23T08:00:00Z',
  };
  assert.equal(
    answered('how much AMS-JFK', { fare: offList }).startsWith('hand_off: link_not_allowed'),
    true,
  );
  const http: FareQuote = { ...offList, deepLink: 'http://www.demoair.example/book' };
  assert.equal(answered('how much AMS-JFK', { fare: http }).startsWith('hand_off: link_not_allowed'), true);
  const subdomain: FareQuote = { ...offList, deepLink: 'https://deals.demoair.example/book' };
  assert.match(
    answered('how much AMS-JFK', { fare: subdomain }),
    /from EUR 399\. Book: https:\/\/deals\.demoair\.example\/book/,
  );
});

test('fares are looked up in the reverse direction only when the fare says so', () => {
  assert.match(
    answered('fare JFK AMS'),
    /^Lowest return fare New York \(JFK\) – Amsterdam \(AMS\): from EUR 489\./,
  );
  assert.equal(answered('fare LHR AMS').startsWith('hand_off: no_answer'), true);
});

test('templates come from the brand voice; a link the voice adds must be allowed too', () => {
  const brandVoice = voiceSchema.parse({
    fareAnswer: '✈️ {from} → {to} from {fare}! {link} (prices checked {checkedAt})',
    hoursOnDay:
      '{location}, {day}: {hours}, {timezone}. Checked {checkedAt}. More: https://help.demoair.example/hours',
    hoursClosedOnHoliday:
      '{location} is closed on {holiday}. Checked {checkedAt}. More: https://elsewhere.example/hours',
  });
  assert.equal(
    answered('price ams lhr', { voice: brandVoice }),
    '✈️ Amsterdam (AMS) → London (LHR) from EUR 119! https://www.demoair.example/book?from=AMS&to=LHR (prices checked 23 Nov, 09:00 CET)',
  );
  assert.equal(
    answered('lounge hours tomorrow', { voice: brandVoice }),
    'DemoAir Lounge Schiphol, tomorrow (Thu 26 Nov): 05:30–13:00 and 15:00–22:00, Amsterdam time. Checked 1 Feb. More: https://help.demoair.example/hours',
  );
  assert.equal(
    answered('is the lounge open on christmas', { voice: brandVoice }).startsWith(
      'hand_off: link_not_allowed',
    ),
    true,
  );
  assert.deepEqual(
    voiceLinkProblems(brandVoice, kb).map((p) => p.path.join('.')),
    ['hoursClosedOnHoliday'],
  );
});

test('replies fit the platform: optional parts go first, the fare and the link never', () => {
  const full = answered('how much AMS-JFK');
  assert.ok(full.endsWith('Fares can change until you book.'));
  const short = answered('how much AMS-JFK', { limit: { maxLength: 140, urlLength: 23, weighted: true } });
  assert.equal(
    short,
    'Lowest return fare Amsterdam (AMS) – New York (JFK): from EUR 489. Book: https://www.demoair.example/book?from=AMS&to=JFK (fares checked 23 Nov, 09:00 CET)',
  );
  assert.ok(replyLength(short, X_REPLY_LIMIT) <= 140);
  const shortVoice = voiceSchema.parse({ handOff: 'Over to @{careHandle}.' });
  const tooShort = reply('how much AMS-JFK', {
    voice: shortVoice,
    limit: { maxLength: 100, urlLength: 23, weighted: true },
  });
  assert.equal(tooShort.decision, 'hand_off');
  assert.equal(tooShort.decision === 'hand_off' && tooShort.reason, 'too_long');
  assert.equal(tooShort.decision === 'hand_off' && tooShort.text, 'Over to @DemoAir.');
  const noRoom = reply('how much AMS-JFK', { limit: { maxLength: 20 } });
  assert.deepEqual([noRoom.decision, 'reason' in noRoom && noRoom.reason], ['none', 'hand_off_too_long']);
});

test('X length: a link counts 23, CJK and emoji count double', () => {
  assert.equal(
    replyLength('Book: https://www.demoair.example/a/very/long/path?with=query&and=more', X_REPLY_LIMIT),
    6 + 23,
  );
  assert.equal(replyLength('東京', X_REPLY_LIMIT), 4);
  assert.equal(replyLength('ok ✈', X_REPLY_LIMIT), 5);
  assert.equal(replyLength('Book: https://x.example', { maxLength: 8000 }), 23);
});

test('every answer in a day of questions fits in one X post', () => {
  const questions = [
    'how much AMS-JFK',
    'fares to London',
    'is the lounge open now',
    'is the service desk open now',
    'lounge hours on saturday',
    'is the lounge open on 24 December',
    'lounge hours on christmas',
  ];
  for (let hour = 0; hour < 24; hour++) {
    const now = new Date(Date.UTC(2026, 10, 28, hour, 10));
    for (const question of questions) {
      const result = reply(question, { now });
      assert.equal(result.decision, 'answer', `${question} at ${now.toISOString()}`);
      assert.ok(result.decision === 'answer' && replyLength(result.text, X_REPLY_LIMIT) <= 280);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Opening hours: every edge case, with fixed instants

test('hours: open now with the closing time, split shift listed', () => {
  assert.equal(
    answered('is the lounge open now'),
    'DemoAir Lounge Schiphol is open now, until 13:00 (Amsterdam time). Hours today (Wed 25 Nov): 05:30–13:00 and 15:00–22:00. Hours checked 1 Feb.',
  );
});

test('hours: closed between the two shifts of a split shift, opens again the same day', () => {
  assert.equal(
    answered('is the lounge open now', at('2026-11-25T12:30:00Z')),
    'DemoAir Lounge Schiphol is closed now. It opens today at 15:00 (Amsterdam time). Hours today (Wed 25 Nov): 05:30–13:00 and 15:00–22:00. Hours checked 1 Feb.',
  );
});

test('hours: at 01:00 in an overnight window that began the evening before', () => {
  // Sunday 29 November 2026, 01:00 in Amsterdam; the Saturday window runs 18:00-02:00.
  assert.equal(
    answered('is the lounge open now', at('2026-11-29T00:00:00Z')),
    'DemoAir Lounge Schiphol is open now, until 02:00 (Amsterdam time). Hours on Sat 28 Nov: 07:00–13:00 and 18:00 until 02:00 (next day). Hours checked 1 Feb.',
  );
  assert.equal(
    answered('is the lounge open now', at('2026-11-29T01:30:00Z')),
    'DemoAir Lounge Schiphol is closed now. It opens today at 07:00 (Amsterdam time). Hours today (Sun 29 Nov): 07:00–22:00. Hours checked 1 Feb.',
  );
  assert.equal(
    answered('lounge hours this saturday'),
    'DemoAir Lounge Schiphol on Sat 28 Nov: 07:00–13:00 and 18:00 until 02:00 (next day) (Amsterdam time). Hours checked 1 Feb.',
  );
});

test('hours: holiday exceptions by name, closed and short hours', () => {
  assert.equal(
    answered('is the lounge open on 25 December'),
    'DemoAir Lounge Schiphol is closed on Christmas Day (Fri 25 Dec). Hours checked 1 Feb.',
  );
  assert.equal(
    answered('service desk hours christmas eve'),
    'DemoAir Service Desk Schiphol on Thu 24 Dec (Christmas Eve): 06:00–16:00 (Amsterdam time). Hours checked 1 Feb.',
  );
  assert.equal(
    answered('is the desk open now', at('2026-12-25T12:00:00Z')),
    'DemoAir Service Desk Schiphol is closed now. It opens tomorrow at 07:00 (Amsterdam time). Hours today (Fri 25 Dec, Christmas Day): closed. Hours checked 1 Feb.',
  );
  assert.equal(
    answered('is the desk open now', at('2026-12-24T14:00:00Z')),
    'DemoAir Service Desk Schiphol is open now, until 16:00 (Amsterdam time). Hours today (Thu 24 Dec, Christmas Eve): 06:00–16:00. Hours checked 1 Feb.',
  );
});

test('hours: a day without windows is closed', () => {
  const kbClosedSunday = knowledgeBaseSchema.parse({
    ...answerKnowledgeBase(),
    locations: [
      {
        id: 'transfer-desk',
        name: 'Transfer Desk',
        aliases: ['transfer desk'],
        hours: { timezone: 'Europe/Amsterdam', weekly: { mon: ['09:00-17:00'] } },
        checkedAt: '2026-02-01T09:00:00Z',
      },
    ],
  });
  assert.equal(
    answered('transfer desk hours sunday', { kb: kbClosedSunday }),
    'Transfer Desk is closed on Sun 29 Nov. Hours checked 1 Feb.',
  );
  assert.equal(
    answered('is the transfer desk open', { kb: kbClosedSunday }),
    'Transfer Desk is closed now. It opens on Mon 30 Nov at 09:00 (Amsterdam time). Hours on Mon 30 Nov: 09:00–17:00. Hours checked 1 Feb.',
  );
});

test('hours: a location without weekly hours is open around the clock', () => {
  const kb247 = knowledgeBaseSchema.parse({
    ...answerKnowledgeBase(),
    locations: [
      {
        id: 'help-line',
        name: 'DemoAir Help Point',
        aliases: ['help point'],
        hours: { timezone: 'Europe/Amsterdam' },
        checkedAt: '2026-02-01T09:00:00Z',
      },
    ],
  });
  assert.equal(
    answered('is the help point open now', { kb: kb247 }),
    'DemoAir Help Point is open now, 24 hours a day. Hours checked 1 Feb.',
  );
});

test('hours: the location’s timezone, not the brand’s, and saying so', () => {
  const withNewYork = knowledgeBaseSchema.parse({
    ...answerKnowledgeBase(),
    locations: [
      {
        id: 'jfk-lounge',
        name: 'DemoAir Lounge JFK',
        aliases: ['lounge'],
        place: 'JFK',
        hours: { timezone: 'America/New_York', weekly: { tue: ['06:00-23:00'], wed: ['06:00-21:00'] } },
        checkedAt: '2026-02-01T09:00:00Z',
      },
    ],
  });
  // 03:30 UTC on Wednesday is 22:30 on Tuesday in New York (and 04:30 Wednesday in Amsterdam).
  const late = { kb: withNewYork, ...at('2026-11-25T03:30:00Z') };
  assert.equal(
    answered('is the JFK lounge open now', late),
    'DemoAir Lounge JFK is open now, until 23:00 (New York time). Hours today (Tue 24 Nov): 06:00–23:00. Hours checked 1 Feb.',
  );
  assert.equal(
    answered('JFK lounge hours today', late),
    'DemoAir Lounge JFK today (Tue 24 Nov): 06:00–23:00 (New York time). Hours checked 1 Feb.',
  );
});

test('hours: results do not depend on the TZ of the machine', () => {
  const questions: Array<[string, string]> = [
    ['is the lounge open now', '2026-11-29T00:00:00Z'],
    ['is the lounge open now', '2026-11-25T12:30:00Z'],
    ['lounge hours tomorrow', '2026-11-25T23:30:00Z'],
    ['is the desk open now', '2026-03-29T05:30:00Z'],
    ['is the desk open now', '2026-10-25T05:30:00Z'],
    ['fares to NYC', '2026-11-25T10:00:00Z'],
  ];
  const run = () => questions.map(([text, iso]) => answered(text, at(iso)));
  const saved = process.env.TZ;
  try {
    process.env.TZ = 'UTC';
    const utc = run();
    for (const zone of ['Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Kolkata']) {
      process.env.TZ = zone;
      assert.deepEqual(run(), utc, zone);
    }
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

test('hours in the DST weeks of Europe/Amsterdam (last Sundays of March and October)', () => {
  // Saturday 28 March 2026 23:30 CET: tomorrow is the first day of summer time.
  assert.equal(
    answered('is the desk open now', at('2026-03-28T22:30:00Z')),
    'DemoAir Service Desk Schiphol is closed now. It opens tomorrow at 07:00 (Amsterdam time). Hours tomorrow (Sun 29 Mar): 07:00–20:00. Hours checked 1 Feb.',
  );
  // Sunday 29 March 05:30 UTC is 07:30 CEST (it would be 06:30 in winter time): open.
  assert.match(
    answered('is the desk open now', at('2026-03-29T05:30:00Z')),
    /is open now, until 20:00 \(Amsterdam time\)/,
  );
  // Monday 30 March 04:00 UTC is 06:00 CEST: the lounge opened at 05:30.
  assert.match(answered('is the lounge open now', at('2026-03-30T04:00:00Z')), /is open now, until 13:00/);
  // The overnight window of that Saturday crosses the jump: at 01:30 CET it is open, and at the
  // instant it closes the clocks read 03:00 (02:00 does not exist that night).
  assert.match(
    answered('is the lounge open now', at('2026-03-29T00:30:00Z')),
    /is open now, until 03:00 \(Amsterdam time\)\. Hours on Sat 28 Mar/,
  );
  // Sunday 25 October 05:30 UTC is 06:30 CET (it would be 07:30 in summer time): not yet open.
  assert.equal(
    answered('is the desk open now', at('2026-10-25T05:30:00Z')),
    'DemoAir Service Desk Schiphol is closed now. It opens today at 07:00 (Amsterdam time). Hours today (Sun 25 Oct): 07:00–20:00. Hours checked 1 Feb.',
  );
  // Saturday 24 October 23:30 UTC is 01:30 CEST, inside the overnight window before the clocks go back.
  assert.match(
    answered('is the lounge open now', at('2026-10-24T23:30:00Z')),
    /is open now, until 02:00 \(Amsterdam time\)\. Hours on Sat 24 Oct/,
  );
});

// ---------------------------------------------------------------------------------------------
// The fare port

class RecordingFareSource implements FareSource {
  readonly calls: string[] = [];
  constructor(private readonly result: FareQuote | undefined | Error) {}
  async lowestReturnFare(from: string, to: string): Promise<FareQuote | undefined> {
    this.calls.push(`${from}-${to}`);
    if (this.result instanceof Error) throw this.result;
    return this.result;
  }
}

const answerInput = (text: string): Omit<FaqReplyInput, 'fare' | 'detection'> => ({
  text,
  addressedTo: 'bot',
  sentiment: 'NEUTRAL',
  risks: [],
  author: { isOwnAccount: false, isBot: false },
  kb,
  voice,
  careHandle: 'DemoAir',
  limit: X_REPLY_LIMIT,
  now: NOW,
  timezone: 'Europe/Amsterdam',
});

test('answerFaq asks the fare source only for answerable fare questions', async () => {
  const live: FareQuote = {
    amount: 455.5,
    currency: 'EUR',
    deepLink: 'https://www.demoair.example/live/AMS-JFK',
    checkedAt: '2026-11-25T09:55:00Z',
  };
  const source = new RecordingFareSource(live);
  const result = await answerFaq(answerInput('how much AMS-JFK'), source);
  assert.equal(
    result.decision === 'answer' && result.text,
    'Lowest return fare Amsterdam (AMS) – New York (JFK): from EUR 455.50. Book: https://www.demoair.example/live/AMS-JFK (fares checked 25 Nov, 10:55 CET) Fares can change until you book.',
  );
  await answerFaq(answerInput('why is AMS-JFK so expensive'), source);
  await answerFaq(answerInput('is the lounge open now'), source);
  await answerFaq(answerInput('fares from Paris to New York'), source);
  assert.deepEqual(source.calls, ['AMS-JFK']);
});

test('a failing or empty fare source means a hand-off', async () => {
  for (const source of [new RecordingFareSource(new Error('timeout')), new RecordingFareSource(undefined)]) {
    const result = await answerFaq(answerInput('how much AMS-JFK'), source);
    assert.equal(result.decision, 'hand_off');
    assert.equal(result.decision === 'hand_off' && result.reason, 'no_answer');
  }
});

test('the static fare source reads the knowledge base table', async () => {
  const source = new StaticFareSource(kb);
  assert.equal((await source.lowestReturnFare('AMS', 'JFK'))?.amount, 489);
  assert.equal((await source.lowestReturnFare('JFK', 'AMS'))?.amount, 489);
  assert.equal(await source.lowestReturnFare('LHR', 'AMS'), undefined);
  const result = await answerFaq(answerInput('fares to London'), source);
  assert.match(result.decision === 'answer' ? result.text : '', /from EUR 119\./);
});
