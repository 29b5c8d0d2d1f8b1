import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import {
  complaintCues,
  detectFaqIntent,
  FAQ_ANSWER_THRESHOLD,
  type FaqEntities,
  type FaqIntent,
} from '../../functions/core/faq/detect';
import { compileKnowledgeBase } from '../../functions/core/faq/knowledge-base';
import { knowledgeBaseSchema, voiceSchema } from '../../functions/core/faq/knowledge-base-schema';
import { demoKnowledgeBase } from '../faq-knowledge-base';

const kb = knowledgeBaseSchema.parse(demoKnowledgeBase());
/** Wednesday 25 November 2026, 11:00 in Amsterdam. */
const NOW = new Date('2026-11-25T10:00:00Z');
const detect = (text: string, now = NOW, timezone = 'Europe/Amsterdam') =>
  detectFaqIntent(text, kb, { now, timezone });

interface Row {
  text: string;
  intent: FaqIntent | null;
  /** Whether the bot may answer it (confidence at or above the threshold). */
  answer: boolean;
  entities?: FaqEntities;
}

const date = (d: string, label: string) => ({ kind: 'date' as const, date: d, label });

const QUESTIONS: Row[] = [
  // Fares the bot answers
  { text: 'how much AMS-JFK', intent: 'fare', answer: true, entities: { from: 'AMS', to: 'JFK' } },
  {
    text: 'cheapest fare amsterdam to new york?',
    intent: 'fare',
    answer: true,
    entities: { from: 'AMS', to: 'JFK' },
  },
  { text: 'price ams jfk return', intent: 'fare', answer: true, entities: { from: 'AMS', to: 'JFK' } },
  {
    text: 'ticket price from London to Amsterdam',
    intent: 'fare',
    answer: true,
    entities: { from: 'LHR', to: 'AMS' },
  },
  { text: 'fares to NYC', intent: 'fare', answer: true, entities: { from: 'AMS', to: 'JFK' } },
  {
    text: 'What does a return to London cost?',
    intent: 'fare',
    answer: true,
    entities: { from: 'AMS', to: 'LHR' },
  },
  {
    text: 'NYC from Amsterdam, lowest price?',
    intent: 'fare',
    answer: true,
    entities: { from: 'AMS', to: 'JFK' },
  },
  {
    text: '@DemoAirFares hi! how much is a ticket Amsterdam - London #travel https://t.co/abc123',
    intent: 'fare',
    answer: true,
    entities: { from: 'AMS', to: 'LHR' },
  },
  {
    text: 'How much is Amsterdm to Londen',
    intent: 'fare',
    answer: true,
    entities: { from: 'AMS', to: 'LHR' },
  },
  {
    text: "what's New York's cheapest fare from A'dam",
    intent: 'fare',
    answer: true,
    entities: { from: 'AMS', to: 'JFK' },
  },
  {
    text: 'between London and Amsterdam, cheapest return?',
    intent: 'fare',
    answer: true,
    entities: { from: 'LHR', to: 'AMS' },
  },
  { text: 'Heathrow to Schiphol price', intent: 'fare', answer: true, entities: { from: 'LHR', to: 'AMS' } },
  { text: 'fare JFK AMS', intent: 'fare', answer: true, entities: { from: 'JFK', to: 'AMS' } },
  {
    text: 'Hi, question to you: fare to NYC?',
    intent: 'fare',
    answer: true,
    entities: { from: 'AMS', to: 'JFK' },
  },
  {
    text: 'price Amsterdam Schiphol to New York City',
    intent: 'fare',
    answer: true,
    entities: { from: 'AMS', to: 'JFK' },
  },
  // Fares the bot leaves to a person
  { text: 'fares from Paris to New York', intent: 'fare', answer: false },
  { text: 'how much is extra baggage AMS-JFK', intent: null, answer: false },
  { text: 'price AMS-JFK on 25 December', intent: 'fare', answer: false },
  { text: 'fares to London and New York', intent: 'fare', answer: false },
  { text: 'flights AMS JFK', intent: 'fare', answer: false },
  { text: 'how much is a one way ticket to London', intent: null, answer: false },
  { text: 'business class price AMS JFK', intent: null, answer: false },
  { text: 'how much did I pay for my flight AMS-JFK', intent: null, answer: false },
  { text: 'price Paris New York', intent: 'fare', answer: false },
  { text: 'fares from Amsterdam', intent: 'fare', answer: false },
  { text: 'how much to fly to Tokyo', intent: 'fare', answer: false },
  { text: 'price AMZ-JFK', intent: 'fare', answer: false },
  { text: 'what is the fare AMS-JFK and is the lounge open', intent: 'fare', answer: false },
  { text: 'I love flying to New York, best price ever', intent: 'fare', answer: false },
  {
    text: 'Good morning DemoAir team, the cheapest return fare from Amsterdam to New York please',
    intent: 'fare',
    answer: true,
    entities: { from: 'AMS', to: 'JFK' },
  },
  // Opening hours the bot answers
  {
    text: 'is the lounge open now',
    intent: 'hours',
    answer: true,
    entities: { location: 'lounge', when: { kind: 'now' } },
  },
  {
    text: 'lounge hours today',
    intent: 'hours',
    answer: true,
    entities: { location: 'lounge', when: date('2026-11-25', 'today') },
  },
  {
    text: 'when does the service desk open this Sunday',
    intent: 'hours',
    answer: true,
    entities: { location: 'service-desk', when: date('2026-11-29', 'this sunday') },
  },
  {
    text: 'opening times schiphol desk tomorrow',
    intent: 'hours',
    answer: true,
    entities: { location: 'service-desk', when: date('2026-11-26', 'tomorrow') },
  },
  {
    text: 'is the lounge open on 25 December',
    intent: 'hours',
    answer: true,
    entities: { location: 'lounge', when: date('2026-12-25', '25 december') },
  },
  {
    text: 'Lounge open xmas?',
    intent: 'hours',
    answer: true,
    entities: { location: 'lounge', when: date('2026-12-25', 'xmas') },
  },
  {
    text: 'desk opening hours 24/12',
    intent: 'hours',
    answer: true,
    entities: { location: 'service-desk', when: date('2026-12-24', '24/12') },
  },
  {
    text: 'what time does the lounge close tonight',
    intent: 'hours',
    answer: true,
    entities: { location: 'lounge', when: date('2026-11-25', 'tonight') },
  },
  {
    text: 'is the servicedesk open next saturday',
    intent: 'hours',
    answer: true,
    entities: { location: 'service-desk', when: date('2026-11-28', 'next saturday') },
  },
  {
    text: 'lounje open on Dec 31?',
    intent: 'hours',
    answer: true,
    entities: { location: 'lounge', when: date('2026-12-31', 'dec 31') },
  },
  {
    text: 'Is the DemoAir lounge open on Sundays',
    intent: 'hours',
    answer: true,
    entities: { location: 'lounge', when: date('2026-11-29', 'sundays') },
  },
  {
    text: 'lounge hours 1 Jan',
    intent: 'hours',
    answer: true,
    entities: { location: 'lounge', when: date('2027-01-01', '1 jan') },
  },
  {
    text: 'is the lounge open on christmas day',
    intent: 'hours',
    answer: true,
    entities: { location: 'lounge', when: date('2026-12-25', 'christmas day') },
  },
  {
    text: 'service desk hours monday',
    intent: 'hours',
    answer: true,
    entities: { location: 'service-desk', when: date('2026-11-30', 'monday') },
  },
  {
    text: 'is the lounge open wednesday',
    intent: 'hours',
    answer: true,
    entities: { location: 'lounge', when: date('2026-11-25', 'wednesday') },
  },
  {
    text: 'is the lounge open next wednesday',
    intent: 'hours',
    answer: true,
    entities: { location: 'lounge', when: date('2026-12-02', 'next wednesday') },
  },
  {
    text: 'DESK OPEN?',
    intent: 'hours',
    answer: true,
    entities: { location: 'service-desk', when: { kind: 'now' } },
  },
  // Opening hours the bot leaves to a person
  {
    text: 'open on christmas?',
    intent: 'hours',
    answer: false,
    entities: { when: date('2026-12-25', 'christmas') },
  },
  { text: 'is the lounge at JFK open', intent: 'hours', answer: false },
  { text: 'lounge hours this weekend', intent: 'hours', answer: false },
  { text: 'is the lounge or the service desk open', intent: 'hours', answer: false },
  { text: 'where is the lounge', intent: null, answer: false },
  { text: 'is the lounge open in December', intent: 'hours', answer: false },
  { text: 'can I bring my dog to the lounge, is it open now', intent: null, answer: false },
  { text: 'is schiphol open now', intent: 'hours', answer: false },
  { text: 'was the lounge open yesterday', intent: 'hours', answer: false },
  { text: 'lounge 25/12', intent: 'hours', answer: false },
  { text: 'is the desk open 24/7?', intent: 'hours', answer: false },
  { text: 'Is the lounge open for economy passengers?', intent: null, answer: false },
  { text: 'is the service desk in terminal 2 open now', intent: null, answer: false },
  { text: 'how much is the lounge, is it open now', intent: 'fare', answer: false },
  {
    text: 'is the business lounge open now',
    intent: 'hours',
    answer: true,
    entities: { location: 'lounge', when: { kind: 'now' } },
  },
  { text: 'is the lounge open on the 25th', intent: 'hours', answer: false },
  // Not FAQ questions at all
  { text: 'thanks for the great flight!', intent: null, answer: false },
  { text: '@DemoAirFares https://t.co/abc #fly', intent: null, answer: false },
  { text: 'my bag is lost', intent: null, answer: false },
  { text: 'I sat next to a lovely crew member', intent: null, answer: false },
];

test(`a table of ${QUESTIONS.length} real-style questions: right intents, entities and refusals`, () => {
  assert.ok(QUESTIONS.length >= 40);
  const failures: string[] = [];
  for (const row of QUESTIONS) {
    const result = detect(row.text);
    const answerable = result.intent !== null && result.confidence >= FAQ_ANSWER_THRESHOLD;
    const problems: string[] = [];
    if (result.intent !== row.intent) problems.push(`intent ${result.intent}, expected ${row.intent}`);
    if (answerable !== row.answer)
      problems.push(`confidence ${result.confidence}, expected answer=${row.answer}`);
    if (row.entities) {
      try {
        assert.deepEqual(result.entities, row.entities);
      } catch {
        problems.push(
          `entities ${JSON.stringify(result.entities)}, expected ${JSON.stringify(row.entities)}`,
        );
      }
    }
    if (problems.length > 0)
      failures.push(`${JSON.stringify(row.text)}: ${problems.join('; ')} (${result.reasons.join('; ')})`);
  }
  assert.deepEqual(failures, []);
});

test('confidence stays within 0..1 and every detection says why', () => {
  for (const row of QUESTIONS) {
    const result = detect(row.text);
    assert.ok(result.confidence >= 0 && result.confidence <= 1, row.text);
    assert.ok(result.reasons.length > 0, row.text);
  }
});

test('days are read in the location’s timezone, not the brand’s or the server’s', () => {
  // 23:30 UTC on Wednesday is already Thursday 00:30 in Amsterdam.
  const lateWednesdayUtc = new Date('2026-11-25T23:30:00Z');
  const result = detect('lounge hours today', lateWednesdayUtc, 'America/New_York');
  assert.deepEqual(result.entities.when, date('2026-11-26', 'today'));
});

test('without a location, days are read in the timezone given', () => {
  // 03:00 UTC Thursday: still Wednesday evening in New York, Thursday morning in Amsterdam.
  const at = new Date('2026-11-26T03:00:00Z');
  assert.deepEqual(
    detect('open tomorrow?', at, 'America/New_York').entities.when,
    date('2026-11-26', 'tomorrow'),
  );
  assert.deepEqual(
    detect('open tomorrow?', at, 'Europe/Amsterdam').entities.when,
    date('2026-11-27', 'tomorrow'),
  );
});

test('dates roll into next year and this/next weekday are told apart', () => {
  const sunday = new Date('2026-11-29T10:00:00Z');
  assert.deepEqual(
    detect('lounge hours this sunday', sunday).entities.when,
    date('2026-11-29', 'this sunday'),
  );
  assert.deepEqual(
    detect('lounge hours next sunday', sunday).entities.when,
    date('2026-12-06', 'next sunday'),
  );
  const january = new Date('2027-01-10T10:00:00Z');
  assert.deepEqual(detect('is the lounge open on 25/12', january).entities.when, date('2027-12-25', '25/12'));
  assert.deepEqual(
    detect('lounge hours 2027-02-01', january).entities.when,
    date('2027-02-01', '2027-02-01'),
  );
  assert.equal(detect('lounge hours 31 february', january).confidence < FAQ_ANSWER_THRESHOLD, true);
});

test('in the DST weeks "tomorrow" is the next Amsterdam day', () => {
  // Saturday 28 March 2026, 23:30 CET: the clocks go forward tonight.
  assert.deepEqual(
    detect('lounge hours tomorrow', new Date('2026-03-28T22:30:00Z')).entities.when,
    date('2026-03-29', 'tomorrow'),
  );
  // Sunday 29 March, 00:30 CEST (22:30 UTC on the Sunday): already Monday.
  assert.deepEqual(
    detect('lounge hours today', new Date('2026-03-29T22:30:00Z')).entities.when,
    date('2026-03-30', 'today'),
  );
  // Sunday 25 October 2026, 23:30 CET (22:30 UTC): still Sunday after the clocks went back.
  assert.deepEqual(
    detect('lounge hours today', new Date('2026-10-25T22:30:00Z')).entities.when,
    date('2026-10-25', 'today'),
  );
});

test('three-letter codes are never read fuzzily; common words are not codes', () => {
  assert.equal(detect('price AMX-JFK').entities.from, undefined);
  assert.equal(detect('price LHX to JFK').entities.from, undefined);
  const withSat = knowledgeBaseSchema.parse({
    places: [
      { code: 'AMS', names: ['Amsterdam'] },
      { code: 'SAT', names: ['San Antonio'] },
    ],
    fares: [
      {
        from: 'AMS',
        to: 'SAT',
        lowestReturnFare: { amount: 700, currency: 'EUR' },
        deepLink: 'https://demoair.example/sat',
        checkedAt: '2026-11-23T08:00:00Z',
      },
    ],
    allowedLinkDomains: ['demoair.example'],
  });
  const read = (text: string) => detectFaqIntent(text, withSat, { now: NOW, timezone: 'Europe/Amsterdam' });
  assert.deepEqual(read('fare AMS SAT').entities, { from: 'AMS', to: 'SAT' });
  assert.deepEqual(read('cheapest fare to San Antonio').entities, { from: 'AMS', to: 'SAT' });
  assert.equal(read('cheapest fare from ams on sat').entities.to, undefined);
});

test('complaint cues are found however the complaint is phrased', () => {
  for (const text of [
    'why is the fare AMS-JFK so expensive, ridiculous',
    'the lounge was closed when it said open, thanks for nothing',
    'lounge hours? I was refused entry',
    'it says open Sundays until 8, and it wasn’t',
    'still waiting for my refund',
    'the desk is closed AGAIN?!',
    'flight cancelled, how much is AMS-JFK now',
    'lost my bag, is the service desk open',
    'compensation for the delay please',
    'you never answer 😡',
  ]) {
    assert.notDeepEqual(complaintCues(text), [], text);
  }
  for (const text of [
    'how much AMS-JFK',
    'is the lounge open now',
    'I was wondering about lounge hours today',
  ]) {
    assert.deepEqual(complaintCues(text), [], text);
  }
});

test('the knowledge base is compiled once and cached', () => {
  assert.equal(compileKnowledgeBase(kb), compileKnowledgeBase(kb));
  const other = knowledgeBaseSchema.parse(demoKnowledgeBase());
  assert.notEqual(compileKnowledgeBase(other), compileKnowledgeBase(kb));
});

test('the knowledge base refuses typos and names the path of every cross-reference problem', () => {
  const input = demoKnowledgeBase() as Record<string, unknown> & ReturnType<typeof demoKnowledgeBase>;
  const bad = {
    ...input,
    places: [...(input.places ?? []), { code: 'AMS', names: ['Amsterdam'] }],
    fares: [
      ...(input.fares ?? []),
      {
        from: 'AMS',
        to: 'CDG',
        lowestReturnFare: { amount: 99, currency: 'EURO' },
        deepLink: 'https://cheap-fares.example/x',
        checkedAt: '2026-11-23',
      },
      { ...input.fares![0]!, deeplink: 'typo' },
    ],
    locations: [...(input.locations ?? []), { ...input.locations![1]!, aliases: ['Schiphol', 'lounge'] }],
    allowedLinkDomains: ['demoair.example', 'https://demoair.example/'],
  };
  const result = knowledgeBaseSchema.safeParse(bad);
  assert.equal(result.success, false);
  const problems = result.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const expectProblem = (path: string, text: string) =>
    assert.ok(
      problems.some((p) => p.startsWith(`${path}:`) && p.includes(text)),
      `expected "${path}: …${text}…" in\n${problems.join('\n')}`,
    );
  expectProblem('fares.2.lowestReturnFare.currency', 'ISO 4217');
  expectProblem('fares.2.checkedAt', 'ISO 8601');
  expectProblem('fares.3', 'deeplink');
  expectProblem('allowedLinkDomains.1', 'domain');
  // Cross-references are checked once every field is valid.
  const crossBad = {
    ...input,
    places: [...(input.places ?? []), { code: 'AMS', names: ['Amsterdam'] }],
    fares: [
      ...(input.fares ?? []),
      {
        from: 'AMS',
        to: 'CDG',
        lowestReturnFare: { amount: 99, currency: 'EUR' },
        deepLink: 'https://cheap-fares.example/x',
        checkedAt: '2026-11-23T08:00:00Z',
      },
      input.fares![0]!,
    ],
    locations: [...(input.locations ?? []), { ...input.locations![1]!, aliases: ['Schiphol', 'lounge'] }],
  };
  const cross = knowledgeBaseSchema.safeParse(crossBad);
  assert.equal(cross.success, false);
  const crossProblems = cross.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const expectCross = (path: string, text: string) =>
    assert.ok(
      crossProblems.some((p) => p.startsWith(`${path}:`) && p.includes(text)),
      `expected "${path}: …${text}…" in\n${crossProblems.join('\n')}`,
    );
  expectCross('places.3.code', 'used twice');
  expectCross('fares.2.to', 'unknown place code "CDG"');
  expectCross('fares.2.deepLink', 'not on an allowed link domain');
  expectCross('fares.3', 'listed twice');
  expectCross('locations.2.id', 'used twice');
  expectCross('locations.2.aliases.0', 'also a place name');
});

test('the voice has defaults and refuses templates that would lose the answer', () => {
  const voice = voiceSchema.parse(undefined);
  assert.match(voice.handOff, /@\{careHandle\}/);
  assert.equal(voiceSchema.parse({ handOff: 'Over to @{careHandle}!' }).handOff, 'Over to @{careHandle}!');
  const bad = voiceSchema.safeParse({
    fareAnswer: '{from} – {to}: [[from {fare}]] {link} ({checkedAt})',
    hoursOnDay: '{location} {day}: {hours} ({timezone}), checked {checkedat}',
    handOff: 'A colleague will help [[you',
    tone: 'friendly',
  });
  assert.equal(bad.success, false);
  const problems = bad.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  assert.ok(
    problems.some((p) => p.startsWith('fareAnswer:') && p.includes('{fare} outside')),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.startsWith('hoursOnDay:') && p.includes('unknown placeholder {checkedat}')),
  );
  assert.ok(problems.some((p) => p.startsWith('handOff:') && p.includes('"[["')));
  assert.ok(problems.some((p) => p.includes('tone')));
});

test('performance: 10,000 detections (timing reported, not asserted)', () => {
  const texts = QUESTIONS.map((row) => row.text);
  const started = performance.now();
  for (let i = 0; i < 10_000; i++) detect(texts[i % texts.length]!);
  console.info(`10,000 detectFaqIntent calls: ${(performance.now() - started).toFixed(0)} ms`);
});

test('a length of time ("2 hours on hold") is not an opening-hours question; "open 24 hours" still is', () => {
  for (const text of [
    '@DemoAir I have been 2 hours on hold with your call centre',
    'three hours on hold and still nobody, what is going on?',
    'a few hours ago I asked you a question',
  ]) {
    assert.notEqual(detect(text).intent, 'hours', text);
  }
  assert.equal(detect('is the lounge at schiphol open 24 hours?').intent, 'hours');
  assert.equal(detect('opening hours of the service desk at schiphol?').intent, 'hours');
});
