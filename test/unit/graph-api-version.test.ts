import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import {
  daysUntilGraphExpiry,
  GRAPH_API_VERSION,
  GRAPH_API_VERSIONS,
  resolveGraphApiVersion,
} from '../../functions/channels/meta/graph-api';
import { ConfigError } from '../../functions/commons/env';
import { parseBrandConfig } from '../../functions/core/brand-config-schema';
import { demoConfig } from '../helpers';

const WARNING_DAYS = 60;

test('the Graph API version in use is not within 60 days of its published expiry (today, the real date)', () => {
  // The version a deployment of the shipped config calls, with META_GRAPH_API_VERSION as this machine has it.
  const inUse = resolveGraphApiVersion({ config: demoConfig(), env: process.env.META_GRAPH_API_VERSION });
  const today = new Date();
  const left = daysUntilGraphExpiry(inUse, today);
  assert.ok(
    left === undefined || left > WARNING_DAYS,
    `Graph API ${inUse} expires on ${GRAPH_API_VERSIONS[inUse]?.expires} (${left} days from today): move GRAPH_API_VERSION in functions/channels/meta/graph-api.ts to a newer version (check https://developers.facebook.com/docs/graph-api/changelog/versions/)`,
  );
});

test('the default is v24.0 or later and in the table of published versions', () => {
  assert.ok(GRAPH_API_VERSIONS[GRAPH_API_VERSION], GRAPH_API_VERSION);
  assert.ok(Number(GRAPH_API_VERSION.slice(1)) >= 24, GRAPH_API_VERSION);
});

test('the table: every version was released before it expires, and newer versions expire later', () => {
  const rows = Object.entries(GRAPH_API_VERSIONS).sort(([a], [b]) => Number(a.slice(1)) - Number(b.slice(1)));
  let previousExpiry = '';
  for (const [version, { released, expires }] of rows) {
    assert.match(released, /^\d{4}-\d{2}-\d{2}$/, version);
    if (!expires) continue;
    assert.ok(released < expires, version);
    assert.ok(expires > previousExpiry, `${version} expires after the version before it`);
    previousExpiry = expires;
  }
});

test('resolve: the environment overrides the config, which overrides the default', () => {
  const config = { meta: { graphApiVersion: 'v24.0' } };
  const now = new Date('2026-12-03T12:00:00Z');
  assert.equal(resolveGraphApiVersion({ now }), GRAPH_API_VERSION);
  assert.equal(resolveGraphApiVersion({ config, now }), 'v24.0');
  assert.equal(resolveGraphApiVersion({ config, env: 'v26.0', now }), 'v26.0');
  assert.equal(resolveGraphApiVersion({ config, env: '  ', now }), 'v24.0');
});

test('resolve: an unknown or expired version fails at start with a clear message', () => {
  const now = new Date('2026-12-03T12:00:00Z');
  assert.throws(
    () => resolveGraphApiVersion({ env: 'v99.0', now }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /META_GRAPH_API_VERSION: Graph API version "v99.0" is not one/.test(error.message),
  );
  assert.throws(
    () => resolveGraphApiVersion({ config: { meta: { graphApiVersion: 'v20.0' } }, now }),
    /meta.graphApiVersion: Graph API version v20.0 expired on 2026-09-24/,
  );
  // v21.0 (the version before) still works today, and stops the day Meta turns it off.
  assert.equal(resolveGraphApiVersion({ env: 'v21.0', now }), 'v21.0');
  assert.throws(
    () => resolveGraphApiVersion({ env: 'v21.0', now: new Date('2027-01-21T00:00:00Z') }),
    /expired/,
  );
});

test('the brand config validates meta.graphApiVersion', () => {
  const config = demoConfig();
  assert.equal(
    parseBrandConfig({ ...config, meta: { graphApiVersion: 'v24.0' } }).meta?.graphApiVersion,
    'v24.0',
  );
  assert.throws(
    () => parseBrandConfig({ ...config, meta: { graphApiVersion: '24' } }),
    /meta.graphApiVersion: expected a Graph API version such as "v25.0"/,
  );
  assert.throws(() => parseBrandConfig({ ...config, meta: { graphApiVersoin: 'v24.0' } }), /meta/);
});
