import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { describe, test } from '@jest/globals';
import { runTriageCommand } from '../../functions/cli/triage-command';
import { DEMO_CONFIG_PATH } from '../../functions/commons/brand-config-file';
import { type AgentRecord, parseNewAgent } from '../../functions/core/access/agents';
import {
  ACTIONS,
  type Action,
  type Caller,
  decideOnCase,
  seesCase,
} from '../../functions/core/access/policy';
import type { BrandConfigError } from '../../functions/core/brand-config';
import { parseBrandConfig } from '../../functions/core/brand-config-schema';
import { compileKnowledgeBase } from '../../functions/core/faq/knowledge-base';
import {
  DIGEST_HOUR,
  locationAlertPageId,
  managersAt,
  notifyLocalManagers,
  sendLocationDigests,
} from '../../functions/core/local-managers';
import { LocalSentimentClassifier } from '../../functions/core/local-sentiment';
import { type BrandLocation, locateInteraction, locationFromText } from '../../functions/core/locations';
import { locationSchema } from '../../functions/core/locations-schema';
import { InMemoryAgentRegistry, InMemoryPageStore, RecordingPager } from '../fakes/in-memory';
import { demoConfig, demoDirectory } from '../helpers';

const LOCATIONS: BrandLocation[] = [
  {
    code: 'AMS',
    name: 'Amsterdam',
    aliases: ['Schiphol', "A'dam", 'Amsterdam Airport'],
    timezone: 'Europe/Amsterdam',
  },
  { code: 'LHR', name: 'London', aliases: ['Heathrow'], timezone: 'Europe/London' },
  { code: 'MAN', name: 'Manchester', aliases: [], timezone: 'Europe/London' },
].map((l) => locationSchema.parse(l));

describe('tagging a case with a location from its text', () => {
  const table: Array<[text: string, expected: string | undefined]> = [
    ['Lost my bag at Schiphol, nobody helps', 'AMS'],
    ['lost my bag at SCHIPHOL', 'AMS'],
    ['#schiphol queue is a joke', 'AMS'],
    ['Queue at AMS was 2 hours', 'AMS'],
    ['queue at ams was 2 hours', 'AMS'],
    ["A'dam lounge closed again", 'AMS'],
    ['Adam at the desk was rude', undefined],
    ['Amsterdam Airport security took forever', 'AMS'],
    ['Heathrow T4 check-in chaos', 'LHR'],
    // Never inside a word.
    ['My hamsters travel in the cabin?', undefined],
    ['Amsterdamned movie on board was great', undefined],
    ['samsung phone left on board', undefined],
    ['lhrx is not a code', undefined],
    // A code that is an everyday word counts in capitals only.
    ['the man at the gate was rude', undefined],
    ['Landed at MAN two hours late', 'MAN'],
    ['Manchester crew were lovely', 'MAN'],
    // Two locations: we cannot tell whose it is.
    ['Flight from Schiphol to Heathrow cancelled', undefined],
    // One location named twice is still one.
    ['Schiphol again. AMS never changes', 'AMS'],
    ["Schiphol's queues, again", 'AMS'],
    ['Zürich? no: the queue at SCHIPHOL', 'AMS'],
    // Handles and links are not read.
    ['@Schiphol your queues are long', undefined],
    ['see https://example.com/ams/schiphol', undefined],
    ['', undefined],
  ];
  test.each(table)('%j → %s', (text, expected) => {
    assert.equal(locationFromText(LOCATIONS, text), expected);
  });
  test('a brand without locations tags nothing', () => {
    assert.equal(locationFromText([], 'Schiphol'), undefined);
  });
});

describe('a location from the review place, the account, else the text', () => {
  const located = [
    locationSchema.parse({
      code: 'AMS',
      name: 'Amsterdam',
      timezone: 'Europe/Amsterdam',
      reviewPlaces: [{ source: 'google-business', placeId: 'place-ams' }],
      accounts: [{ platform: 'facebook', id: '5000009' }],
    }),
    locationSchema.parse({ code: 'LHR', name: 'London', aliases: ['Heathrow'], timezone: 'Europe/London' }),
  ];
  const table: Array<
    [string, Parameters<typeof locateInteraction>[1], ReturnType<typeof locateInteraction>]
  > = [
    [
      'the place id wins over the text',
      {
        platform: 'generic',
        accountId: 'google-business',
        placeId: 'place-ams',
        text: 'Heathrow was better',
      },
      { location: 'AMS', by: 'review_place' },
    ],
    [
      'a place id of another source is not this place',
      { platform: 'generic', accountId: 'yelp', placeId: 'place-ams', text: 'rude staff' },
      undefined,
    ],
    [
      'an unknown place id falls back to the text',
      { platform: 'generic', accountId: 'google-business', placeId: 'nope', text: 'Heathrow T5' },
      { location: 'LHR', by: 'text' },
    ],
    [
      "the location's own page",
      { platform: 'facebook', accountId: '5000009', text: 'Heathrow was better' },
      { location: 'AMS', by: 'account' },
    ],
    [
      'the same id on another platform is not that page',
      { platform: 'x', accountId: '5000009', text: 'hi' },
      undefined,
    ],
    [
      'the text',
      { platform: 'x', accountId: '4000001', text: 'stuck at heathrow' },
      { location: 'LHR', by: 'text' },
    ],
  ];
  test.each(table)('%s', (_name, evidence, expected) => {
    assert.deepEqual(locateInteraction(located, evidence), expected);
  });
});

describe('locations in the brand config', () => {
  test('the demo airline: the knowledge base reads its places from the locations (one list)', () => {
    const brand = demoConfig().brands[0]!;
    assert.deepEqual(
      brand.locations.map((l) => l.code),
      ['AMS', 'JFK', 'LHR'],
    );
    const kb = compileKnowledgeBase(brand.knowledgeBase!);
    assert.deepEqual(kb.placesByCode.get('AMS')?.names.slice(0, 2), ['Amsterdam', 'Schiphol']);
    assert.equal(kb.placeByName.get('heathrow'), 'LHR');
  });

  test('a parsed config bundled as JSON and parsed again is the same config (places not doubled)', () => {
    const once = demoConfig();
    assert.deepEqual(parseBrandConfig(JSON.parse(JSON.stringify(once))), once);
  });

  function withBrand(patch: (brand: Record<string, unknown>) => void): unknown {
    const config = JSON.parse(readFileSync(DEMO_CONFIG_PATH, 'utf8')) as {
      brands: Array<Record<string, unknown>>;
    };
    patch(config.brands[0]!);
    return config;
  }

  const bad: Array<[string, (brand: Record<string, unknown>) => void, string]> = [
    [
      'a code twice',
      (b) => (b.locations as unknown[]).push({ code: 'AMS', name: 'Again', timezone: 'UTC' }),
      'brands[0].locations[3].code: location code "AMS" is used twice',
    ],
    [
      'a name of another location',
      (b) => (b.locations as unknown[]).push({ code: 'BRU', name: 'Heathrow', timezone: 'UTC' }),
      'brands[0].locations[3].name: "Heathrow" already names LHR',
    ],
    [
      'an account the brand does not have',
      (b) =>
        (b.locations as unknown[]).push({
          code: 'BRU',
          name: 'Brussels',
          timezone: 'Europe/Brussels',
          accounts: [{ platform: 'facebook', id: '999' }],
        }),
      "brands[0].locations[3].accounts[0]: facebook:999 is not one of this brand's accounts",
    ],
    [
      'a review place of another location',
      (b) =>
        (b.locations as unknown[]).push({
          code: 'BRU',
          name: 'Brussels',
          timezone: 'Europe/Brussels',
          reviewPlaces: [{ source: 'reviews', placeId: 'demo-place-schiphol' }],
        }),
      'brands[0].locations[3].reviewPlaces[0]: reviews place demo-place-schiphol already belongs to AMS',
    ],
    [
      'a bad timezone',
      (b) => (b.locations as unknown[]).push({ code: 'BRU', name: 'Brussels', timezone: 'Mars/Olympus' }),
      'brands[0].locations[3].timezone: expected an IANA timezone such as "Europe/Amsterdam"',
    ],
    [
      'a knowledge-base place that repeats a location',
      (b) => {
        (b.knowledgeBase as { places: unknown[] }).places = [{ code: 'AMS', names: ['Ams again'] }];
      },
      'brands[0].knowledgeBase.places[0].code: place code "AMS" is used twice',
    ],
    [
      'a fare to a place nobody lists',
      (b) => {
        b.locations = (b.locations as Array<{ code: string }>).filter((l) => l.code !== 'LHR');
      },
      'brands[0].knowledgeBase.fares[1].to: unknown place code "LHR" (add it to places)',
    ],
  ];
  test.each(bad)('refused: %s', (_name, patch, message) => {
    assert.throws(
      () => parseBrandConfig(withBrand(patch)),
      (e: BrandConfigError) => e.problems.includes(message) || assert.fail(e.problems.join('\n')),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Access

const manager: Caller = { id: 'm', role: 'local_manager', brands: ['alpha'], locations: ['AMS'] };
const READS: ReadonlySet<Action> = new Set(['me.read', 'brand.read', 'case.list', 'case.view', 'case.note']);

describe('the local manager in the access policy', () => {
  const cases: Array<[string, { brandId: string; location?: string }, boolean]> = [
    ['own location', { brandId: 'alpha', location: 'AMS' }, true],
    ['another location', { brandId: 'alpha', location: 'LHR' }, false],
    ['no location', { brandId: 'alpha' }, false],
    ['own location code at another brand', { brandId: 'beta', location: 'AMS' }, false],
  ];
  test.each(cases)('sees a case at %s: %s', (_name, careCase, sees) => {
    assert.equal(seesCase(manager, careCase), sees);
    for (const action of ACTIONS) {
      const expected = !sees ? 'not_found' : READS.has(action) ? 'allowed' : 'forbidden';
      assert.equal(decideOnCase(manager, action, careCase), expected, `${action}`);
    }
  });
  test('every other role sees every location of its brands, and no other brand', () => {
    for (const role of ['agent', 'supervisor', 'admin'] as const) {
      const caller: Caller = { id: 'a', role, brands: ['alpha'] };
      assert.ok(seesCase(caller, { brandId: 'alpha', location: 'LHR' }));
      assert.ok(seesCase(caller, { brandId: 'alpha' }));
      assert.ok(!seesCase(caller, { brandId: 'beta', location: 'AMS' }));
      assert.equal(decideOnCase(caller, 'case.view', { brandId: 'beta' }), 'not_found');
    }
  });
  test('a manager without locations sees nothing', () => {
    assert.ok(!seesCase({ ...manager, locations: [] }, { brandId: 'alpha', location: 'AMS' }));
    assert.ok(!seesCase({ role: 'local_manager', brands: ['alpha'] }, { brandId: 'alpha', location: 'AMS' }));
  });
});

describe('adding a local manager', () => {
  const locationsOf = (brandId: string) => (brandId === 'alpha' ? ['AMS', 'LHR'] : []);
  test('locations of their brands, and how they are told', () => {
    assert.deepEqual(
      parseNewAgent(
        {
          name: 'Sanne Bakker',
          brands: ['alpha'],
          role: 'local_manager',
          locations: ['AMS', 'AMS'],
          notify: { email: 'sanne@demoair.example', digest: true },
        },
        ['alpha', 'beta'],
        locationsOf,
      ),
      {
        name: 'Sanne Bakker',
        initials: 'SB',
        brands: ['alpha'],
        role: 'local_manager',
        teams: [],
        locations: ['AMS'],
        notify: { email: 'sanne@demoair.example', digest: true },
      },
    );
  });
  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['no locations', { role: 'local_manager', brands: ['alpha'] }, 'locations'],
    ['empty locations', { role: 'local_manager', brands: ['alpha'], locations: [] }, 'locations'],
    [
      'a location of no brand of theirs',
      { role: 'local_manager', brands: ['beta'], locations: ['AMS'] },
      'locations',
    ],
    ['an unknown location', { role: 'local_manager', brands: ['alpha'], locations: ['JFK'] }, 'locations'],
    ['every brand', { role: 'local_manager', brands: ['*'], locations: ['AMS'] }, 'brands'],
    ['locations on an agent', { role: 'agent', brands: ['alpha'], locations: ['AMS'] }, 'locations'],
    [
      'a bad e-mail',
      { role: 'local_manager', brands: ['alpha'], locations: ['AMS'], notify: { email: 'x' } },
      'notify',
    ],
    [
      'an unknown notify field',
      { role: 'local_manager', brands: ['alpha'], locations: ['AMS'], notify: { slack: 'x' } },
      'notify',
    ],
  ];
  test.each(bad)('refused: %s', (_name, input, field) => {
    assert.throws(
      () => parseNewAgent({ name: 'Sanne', ...input }, ['alpha', 'beta'], locationsOf),
      (e: Error & { field?: string }) => e.field === field,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Notifications

function localManager(id: string, locations: string[], extra: Partial<AgentRecord> = {}): AgentRecord {
  return {
    id,
    name: id,
    initials: 'X',
    role: 'local_manager',
    brands: ['demoair'],
    teams: [],
    locations,
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: 'admin',
    ...extra,
  };
}

describe('telling local managers', () => {
  const brand = demoConfig().brands[0]!;
  const careCase = {
    caseId: 'generic-google-business:r1',
    platform: 'generic' as const,
    sentiment: 'NEGATIVE' as const,
    risks: [],
    openedAt: '2026-12-01T10:00:00.000Z',
    visibility: 'public' as const,
    location: 'AMS',
  };

  async function setUp(agents: AgentRecord[]) {
    const registry = new InMemoryAgentRegistry();
    for (const a of agents) await registry.addAgent(a);
    const pages = new InMemoryPageStore();
    const pager = new RecordingPager();
    return {
      agents: registry,
      pages,
      pager,
      linkFor: (id: string) => `https://console.example/#/cases/${id}`,
    };
  }

  test('one page per manager of the location, once however often it is retried; masked text only', async () => {
    const deps = await setUp([
      localManager('ams', ['AMS']),
      localManager('ams-digest', ['AMS'], { notify: { digest: true } }),
      localManager('lhr', ['LHR']),
      localManager('gone', ['AMS'], { removedAt: '2026-02-01T00:00:00Z' }),
      { ...localManager('agent', []), role: 'agent' },
    ]);
    const text = '[rating 1/5] Lost bag, call me on [phone]';
    assert.deepEqual(await notifyLocalManagers(brand, careCase, text, deps), ['ams']);
    assert.deepEqual(await notifyLocalManagers(brand, careCase, text, deps), []);
    assert.equal(deps.pager.published.length, 1);
    const page = deps.pager.published[0]!;
    assert.equal(page.pageId, locationAlertPageId(careCase.caseId, 'ams'));
    assert.equal(page.recipient, 'ams');
    assert.equal(page.kind, 'location_alert');
    assert.match(page.title, /negative post at Amsterdam \(AMS\)/);
    assert.ok(page.text.includes(text));
  });

  test('positive and neutral cases tell nobody; risky ones do', async () => {
    const deps = await setUp([localManager('ams', ['AMS'])]);
    assert.deepEqual(await notifyLocalManagers(brand, { ...careCase, sentiment: 'POSITIVE' }, 't', deps), []);
    assert.deepEqual(
      await notifyLocalManagers(
        brand,
        { ...careCase, caseId: 'c2', sentiment: 'NEUTRAL', risks: ['safety: injured'] },
        't',
        deps,
      ),
      ['ams'],
    );
    assert.equal(deps.pager.published[0]!.severity, 'critical');
  });

  test('managersAt: brand, location, role and removal all count', () => {
    const all = [
      localManager('a', ['AMS']),
      localManager('b', ['AMS'], { brands: ['northbank'] }),
      localManager('c', ['LHR']),
    ];
    assert.deepEqual(
      managersAt(all, 'demoair', 'AMS').map((m) => m.id),
      ['a'],
    );
  });

  test("the daily digest: in the hour from 08:00 of the manager's location, once a day, the 24 hours before", async () => {
    const deps = await setUp([
      localManager('ams', ['AMS'], { notify: { digest: true } }),
      localManager('jfk', ['JFK'], { notify: { digest: true } }),
      localManager('each', ['AMS']),
    ]);
    const opened = [
      {
        caseId: 'c-yesterday',
        location: 'AMS',
        sentiment: 'NEGATIVE',
        risks: [],
        openedAt: '2026-12-01T08:30:00.000Z',
      },
      {
        caseId: 'c-too-old',
        location: 'AMS',
        sentiment: 'NEGATIVE',
        risks: [],
        openedAt: '2026-11-30T06:00:00.000Z',
      },
      {
        caseId: 'c-happy',
        location: 'AMS',
        sentiment: 'POSITIVE',
        risks: [],
        openedAt: '2026-12-01T09:00:00.000Z',
      },
      {
        caseId: 'c-lhr',
        location: 'LHR',
        sentiment: 'NEGATIVE',
        risks: [],
        openedAt: '2026-12-01T09:00:00.000Z',
      },
      {
        caseId: 'c-jfk',
        location: 'JFK',
        sentiment: 'MIXED',
        risks: [],
        openedAt: '2026-12-01T20:00:00.000Z',
      },
    ].map((c) => ({ ...c, brandId: 'demoair', status: 'open', subject: `subject ${c.caseId}` }));
    const cases = {
      listCasesOpenedBetween: async (_brand: string, from: string, to: string) =>
        opened.filter((c) => c.openedAt >= from && c.openedAt <= to) as never,
    };
    const digestDeps = { ...deps, cases, directory: demoDirectory() };
    // 07:59 in Amsterdam (06:59 UTC in winter): nothing yet.
    assert.deepEqual(await sendLocationDigests(new Date('2026-12-02T06:59:00Z'), digestDeps), []);
    // 08:05 in Amsterdam: the AMS manager's digest; New York is still asleep.
    const sent = await sendLocationDigests(new Date('2026-12-02T07:05:00Z'), digestDeps);
    assert.deepEqual(
      sent.map((p) => p.recipient),
      ['ams'],
    );
    assert.match(sent[0]!.title, /1 negative or risky case at your locations/);
    assert.ok(sent[0]!.text.includes('c-yesterday') && !sent[0]!.text.includes('c-lhr'));
    assert.ok(!sent[0]!.text.includes('c-too-old') && !sent[0]!.text.includes('c-happy'));
    // The next minute: once a day.
    assert.deepEqual(await sendLocationDigests(new Date('2026-12-02T07:06:00Z'), digestDeps), []);
    // 08:00 in New York (13:00 UTC).
    const ny = await sendLocationDigests(new Date(`2026-12-02T13:0${DIGEST_HOUR - 8}:00Z`), digestDeps);
    assert.deepEqual(
      ny.map((p) => [p.recipient, p.kind]),
      [['jfk', 'location_digest']],
    );
  });
});

test('socialcare triage prints the location the text names, else null', async () => {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (chunk) => chunks.push(String(chunk)));
  await runTriageCommand({
    config: demoConfig(),
    sentiment: new LocalSentimentClassifier(),
    input: Readable.from([
      '{"id":"1","text":"Two hours in the queue at Schiphol, awful"}\n',
      '{"id":"2","text":"my hamster hates flying"}\n',
      '{"id":"3","text":"Heathrow to Schiphol, cancelled again"}\n',
    ]),
    output,
  });
  const lines = chunks
    .join('')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; location: string | null });
  assert.deepEqual(
    lines.map((l) => [l.id, l.location]),
    [
      ['1', 'AMS'],
      ['2', null],
      ['3', null],
    ],
  );
});
