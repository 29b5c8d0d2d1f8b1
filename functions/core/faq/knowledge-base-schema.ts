import { calendarSchema } from '../calendar-schema';
import * as z from '../schema';
import {
  DEFAULT_VOICE,
  type Issue,
  isAllowedLink,
  matchKey,
  templateProblems,
  type VoiceTemplateName,
} from './knowledge-base';

/**
 * The schemas of the FAQ bot's knowledge base and voice (knowledge-base.ts): checked where a config
 * enters (synth, `socialcare start`, the CLI), never in a Lambda, which reads the config the stack
 * validated; kept apart from the knowledge base's code so the Lambda bundles do not build them at
 * every cold start.
 */

/** IATA-style codes (AMS, JFK); up to 5 characters so rail or city codes fit too. */
const placeCode = z
  .string()
  .check(z.regex(/^[A-Z][A-Z0-9]{2,4}$/, 'expected an uppercase place code such as "AMS"'));

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const currency = z.string().check(
  z.refine((value) => CURRENCIES.has(value), {
    message: 'expected an ISO 4217 currency code such as "EUR"',
  }),
);

const isoDateTime = z.iso.datetime({
  offset: true,
  message: 'expected an ISO 8601 date-time such as "2026-11-23T09:00:00Z"',
});

const httpsUrl = z.url({ protocol: /^https$/, message: 'expected an https:// URL' });

const hostname = z
  .string()
  .check(
    z.regex(
      /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      'expected a lowercase domain such as "demoair.example" (no scheme, no path)',
    ),
  );

const placeSchema = z.strictObject({
  code: placeCode,
  /** The names, abbreviations and misspellings people use; the first one is shown in replies. */
  names: z._default(z.array(z.string().check(z.trim(), z.minLength(2))), []),
});

const fareSchema = z.strictObject({
  from: placeCode,
  to: placeCode,
  lowestReturnFare: z.strictObject({ amount: z.number().check(z.positive()), currency }),
  deepLink: httpsUrl,
  checkedAt: isoDateTime,
  /** Whether this fare also answers the reverse route (to → from) when that route is not listed. */
  bothDirections: z._default(z.boolean(), true),
});

const fareSourceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('static') }),
  z.strictObject({
    type: z.literal('http'),
    url: httpsUrl,
    timeoutMs: z._default(z.number().check(z.int(), z.gte(100), z.lte(10_000)), 2_000),
  }),
]);

const locationSchema = z.strictObject({
  id: z
    .string()
    .check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a short lowercase id such as "service-desk"')),
  /** Shown in replies, e.g. "DemoAir Lounge Schiphol". */
  name: z.string().check(z.trim(), z.minLength(2)),
  /** What people call it: "lounge", "service desk", "transfer desk". */
  aliases: z._default(z.array(z.string().check(z.trim(), z.minLength(2))), []),
  /** The place the location is at; a question naming another place is never answered with it. */
  place: z.optional(placeCode),
  hours: calendarSchema,
  checkedAt: isoDateTime,
});

const knowledgeBaseObject = z.strictObject({
  places: z._default(z.array(placeSchema), []),
  fares: z._default(z.array(fareSchema), []),
  /** Absent: the static `fares` table answers. */
  fareSource: z.optional(fareSourceSchema),
  locations: z._default(z.array(locationSchema), []),
  /** Links in bot replies only to these domains and their subdomains. */
  allowedLinkDomains: z._default(z.array(hostname), []),
});

/** Problems across the knowledge base that a field schema cannot see, each with its path. */
function crossCheckKnowledgeBase(kb: z.infer<typeof knowledgeBaseObject>): Issue[] {
  const issues: Issue[] = [];
  const codes = new Map<string, number>();
  const names = new Map<string, string>();
  kb.places.forEach((place, p) => {
    if (codes.has(place.code))
      issues.push({ path: ['places', p, 'code'], message: `place code "${place.code}" is used twice` });
    codes.set(place.code, p);
  });
  kb.places.forEach((place, p) => {
    place.names.forEach((name, n) => {
      const key = matchKey(name);
      if (key === '') {
        issues.push({ path: ['places', p, 'names', n], message: `"${name}" has no letters or digits` });
        return;
      }
      const owner = names.get(key) ?? (codes.has(key.toUpperCase()) ? key.toUpperCase() : undefined);
      if (owner && owner !== place.code) {
        issues.push({ path: ['places', p, 'names', n], message: `"${name}" already names ${owner}` });
      }
      names.set(key, place.code);
    });
  });
  const routes = new Set<string>();
  kb.fares.forEach((fare, f) => {
    for (const end of ['from', 'to'] as const) {
      if (!codes.has(fare[end])) {
        issues.push({
          path: ['fares', f, end],
          message: `unknown place code "${fare[end]}" (add it to places)`,
        });
      }
    }
    if (fare.from === fare.to)
      issues.push({ path: ['fares', f, 'to'], message: 'a fare needs two different places' });
    const route = `${fare.from}-${fare.to}`;
    if (routes.has(route)) issues.push({ path: ['fares', f], message: `the fare ${route} is listed twice` });
    routes.add(route);
    if (!isAllowedLink(fare.deepLink, kb.allowedLinkDomains)) {
      issues.push({
        path: ['fares', f, 'deepLink'],
        message: 'the deep link is not on an allowed link domain',
      });
    }
  });
  const ids = new Set<string>();
  const aliasOwners = new Map<string, string>();
  kb.locations.forEach((location, l) => {
    if (ids.has(location.id))
      issues.push({ path: ['locations', l, 'id'], message: `location id "${location.id}" is used twice` });
    ids.add(location.id);
    if (location.place && !codes.has(location.place)) {
      issues.push({
        path: ['locations', l, 'place'],
        message: `unknown place code "${location.place}" (add it to places)`,
      });
    }
    const seen = new Set<string>();
    [location.name, ...location.aliases].forEach((alias, a) => {
      const path = a === 0 ? ['locations', l, 'name'] : ['locations', l, 'aliases', a - 1];
      const key = matchKey(alias);
      if (seen.has(key)) return;
      seen.add(key);
      if (names.has(key) || codes.has(key.toUpperCase())) {
        issues.push({
          path,
          message: `"${alias}" is also a place name; a location alias must name the location`,
        });
      }
      // The same alias at two different places is fine ("lounge" at AMS and at JFK): the place tells them apart.
      const scope = `${location.place ?? '*'}|${key}`;
      const owner = aliasOwners.get(scope);
      if (owner && owner !== location.id) {
        issues.push({ path, message: `"${alias}" already names location "${owner}" at the same place` });
      }
      aliasOwners.set(scope, location.id);
    });
  });
  return issues;
}

export const knowledgeBaseSchema = knowledgeBaseObject.check(
  z.superRefine((kb, ctx) => {
    for (const issue of crossCheckKnowledgeBase(kb)) ctx.addIssue({ code: 'custom', ...issue });
  }),
);

function templateSchema(name: VoiceTemplateName) {
  return z._default(
    z.string().check(
      z.minLength(1),
      z.superRefine((template, ctx) => {
        for (const message of templateProblems(name, template)) ctx.addIssue({ code: 'custom', message });
      }),
    ),
    DEFAULT_VOICE[name],
  );
}

export const voiceSchema = z._default(
  z.strictObject({
    fareAnswer: templateSchema('fareAnswer'),
    hoursOpenNow: templateSchema('hoursOpenNow'),
    hoursOpenAroundTheClock: templateSchema('hoursOpenAroundTheClock'),
    hoursClosedNow: templateSchema('hoursClosedNow'),
    hoursOnDay: templateSchema('hoursOnDay'),
    hoursClosedOnDay: templateSchema('hoursClosedOnDay'),
    hoursClosedOnHoliday: templateSchema('hoursClosedOnHoliday'),
    handOff: templateSchema('handOff'),
  }),
  DEFAULT_VOICE,
);
