import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { parseBrandConfig } from '../../functions/core/brand-config-schema';
import { type RoutingConfig, type RoutingFacts, routeCase } from '../../functions/core/routing/rules';
import { parseRouting, RoutingRulesError } from '../../functions/core/routing/rules-input';
import { demoConfig } from '../helpers';

const ROUTING: RoutingConfig = parseRouting({
  teams: [
    { id: 'vip', name: 'VIP desk' },
    { id: 'press', name: 'Press office' },
    { id: 'baggage', name: 'Baggage' },
    { id: 'schiphol', name: 'Schiphol desk' },
    { id: 'dutch', name: 'Dutch desk' },
    { id: 'social', name: 'Social listening' },
    { id: 'dm', name: 'Private messages' },
    { id: 'urgent', name: 'Urgent' },
    { id: 'fb', name: 'Facebook page' },
    { id: 'care', name: 'Care' },
    { id: 'quiet', name: 'No reply lane' },
  ],
  rules: [
    { id: 'vips', team: 'vip', when: { vip: true } },
    { id: 'reach', team: 'press', when: { minFollowers: 10000, sentiment: ['NEGATIVE', 'MIXED'] } },
    { id: 'urgent', team: 'urgent', when: { priority: ['urgent'] } },
    { id: 'schiphol', team: 'schiphol', when: { location: ['AMS'] } },
    { id: 'bags', team: 'baggage', when: { topic: ['baggage'] } },
    { id: 'suitcase', team: 'baggage', when: { keywords: ['suitcase', 'lost and found'] } },
    { id: 'dutch', team: 'dutch', when: { language: ['nl'] } },
    { id: 'listening', team: 'social', when: { source: 'listening' } },
    { id: 'dms', team: 'dm', when: { channel: ['x:private'] } },
    { id: 'page', team: 'fb', when: { account: ['5000001'], channel: ['facebook'] } },
    { id: 'quiet', team: 'quiet', when: { needsReply: false } },
  ],
  defaultTeam: 'care',
  vips: ['x:42', '@FamousFlyer'],
});

const BASE: RoutingFacts = {
  platform: 'x',
  visibility: 'public',
  accountId: '4000001',
  accountHandle: 'DemoAir',
  text: '@DemoAir where is my refund',
  sentiment: 'NEUTRAL',
  priority: 'normal',
  customer: { platform: 'x', id: '7', handle: 'someone' },
  source: 'addressed',
  needsReply: true,
  topic: 'refund',
};

type Row = [
  what: string,
  facts: Partial<RoutingFacts>,
  team: string | null,
  rule: string | null,
  reasons: string[],
];

const TABLE: Row[] = [
  ['VIP by platform id', { customer: { platform: 'x', id: '42' } }, 'vip', 'vips', ['VIP customer']],
  [
    'VIP by handle, any case',
    { customer: { platform: 'x', id: '8', handle: 'famousflyer' } },
    'vip',
    'vips',
    ['VIP customer'],
  ],
  [
    'VIP id on another platform is not a VIP',
    { customer: { platform: 'facebook', id: '42' } },
    'care',
    null,
    ['no rule matched: default team'],
  ],
  [
    'high reach and negative',
    { followers: 25_000, sentiment: 'NEGATIVE' },
    'press',
    'reach',
    ['sentiment NEGATIVE', '25000 followers (at least 10000)'],
  ],
  [
    'high reach but positive: not press',
    { followers: 25_000, sentiment: 'POSITIVE' },
    'care',
    null,
    ['no rule matched: default team'],
  ],
  [
    'first match wins: urgent before location',
    { priority: 'urgent', location: 'AMS' },
    'urgent',
    'urgent',
    ['priority urgent'],
  ],
  ['location', { location: 'AMS' }, 'schiphol', 'schiphol', ['location AMS']],
  ['another location', { location: 'LHR' }, 'care', null, ['no rule matched: default team']],
  ['topic', { topic: 'baggage' }, 'baggage', 'bags', ['topic baggage']],
  [
    'keyword, plural',
    { text: 'two suitcases gone', topic: null },
    'baggage',
    'suitcase',
    ['keyword "suitcase"'],
  ],
  [
    'keyword phrase',
    { text: 'called Lost and  Found twice' },
    'baggage',
    'suitcase',
    ['keyword "lost and found"'],
  ],
  [
    'keyword inside a word does not count',
    { text: 'suitcasez and more' },
    'care',
    null,
    ['no rule matched: default team'],
  ],
  ['language', { language: 'nl', text: 'waar is mijn geld' }, 'dutch', 'dutch', ['language nl']],
  ['listening', { source: 'listening' }, 'social', 'listening', ['listening']],
  ['channel with visibility', { visibility: 'private' }, 'dm', 'dms', ['channel x:private']],
  [
    'account and channel, both needed',
    { platform: 'facebook', accountId: '5000001', accountHandle: 'DemoAir' },
    'fb',
    'page',
    ['channel facebook', 'account 5000001'],
  ],
  [
    'account on another platform: no match',
    { platform: 'instagram', accountId: '5000001' },
    'care',
    null,
    ['no rule matched: default team'],
  ],
  ['needs no reply', { needsReply: false }, 'quiet', 'quiet', ['no reply needed']],
  ['nothing special: default team', {}, 'care', null, ['no rule matched: default team']],
];

describe('routeCase: the first matching rule picks the team and says why', () => {
  test.each(TABLE)('%s', (_what, facts, team, rule, reasons) => {
    assert.deepEqual(routeCase(ROUTING, { ...BASE, ...facts }), { team, rule, reasons });
  });

  test('without a default team an unmatched case goes to no team', () => {
    assert.deepEqual(routeCase({ ...ROUTING, defaultTeam: undefined }, BASE), {
      team: null,
      rule: null,
      reasons: ['no rule matched'],
    });
  });

  test('a rule without conditions matches everything', () => {
    const all = parseRouting({ teams: [{ id: 'all', name: 'All' }], rules: [{ id: 'any', team: 'all' }] });
    assert.deepEqual(routeCase(all, BASE), { team: 'all', rule: 'any', reasons: ['matches every case'] });
  });
});

describe('routing rules are checked with every problem named', () => {
  test('unknown teams, duplicates and typos', () => {
    assert.throws(
      () =>
        parseRouting({
          teams: [
            { id: 'a', name: 'A' },
            { id: 'a', name: 'A again' },
          ],
          rules: [
            { id: 'r', team: 'b' },
            { id: 'r', team: 'a', when: { sentimnet: ['NEGATIVE'] } },
          ],
          defaultTeam: 'c',
          stickyWindow: 'a week',
        }),
      (error: unknown) => {
        assert.ok(error instanceof RoutingRulesError);
        assert.deepEqual(
          error.problems.sort(),
          [
            'defaultTeam: no team "c" in teams',
            'rules.0.team: no team "b" in teams',
            'rules.1.id: rule "r" is listed twice',
            'rules.1.when: Unrecognized key: "sentimnet"',
            'stickyWindow: a duration such as "7d" or "48h"',
            'teams.1.id: team "a" is listed twice',
          ].sort(),
        );
        return true;
      },
    );
  });

  test('the demo brand ships teams and rules; a brand config with a bad rule names it', () => {
    const demo = demoConfig().brands[0]!;
    assert.deepEqual(
      demo.routing?.teams.map((t) => t.id),
      ['loyalty', 'schiphol-desk', 'baggage', 'care'],
    );
    const config = structuredClone(demoConfig());
    config.brands[0]!.routing!.rules[0]!.team = 'nobody';
    assert.throws(
      () => parseBrandConfig(config),
      /brands\[0\]\.routing\.rules\[0\]\.team: no team "nobody" in teams/,
    );
  });
});
