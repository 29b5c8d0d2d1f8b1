import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { BrandConfigError, BrandDirectory } from '../../functions/core/brand-config';
import { parseBrandConfig, parseBrandConfigJson } from '../../functions/core/brand-config-schema';
import { demoConfig } from '../helpers';

test('the shipped demo airline is valid and routes its accounts', () => {
  const directory = new BrandDirectory(demoConfig());
  assert.equal(directory.findAccount('x', '4000001')?.account.role, 'care');
  assert.equal(directory.findAccount('x', '4000002')?.account.handle, 'DemoAirFares');
  assert.equal(directory.findAccount('facebook', '5000001')?.brand.id, 'demoair');
  assert.equal(directory.careAccount('demoair', 'x')?.handle, 'DemoAir');
  assert.equal(directory.isOwnAccount('x', '123'), false);
});

test('deadlines and calendar default to the field defaults', () => {
  const config = parseBrandConfig({
    brands: [
      { id: 'acme', name: 'Acme', accounts: [{ platform: 'x', id: '1', handle: 'Acme', role: 'care' }] },
    ],
  });
  const [brand] = config.brands;
  assert.deepEqual(brand?.deadlines.firstResponse, { urgent: '15m', high: '30m', normal: '1h', low: '4h' });
  assert.equal(brand?.deadlines.resolution, '24h');
  assert.equal(brand?.calendar.timezone, 'UTC');
});

test('every bad field is named in one error', () => {
  const error = (() => {
    try {
      parseBrandConfig({
        brands: [
          {
            id: 'Acme Air',
            name: 'Acme',
            accounts: [{ platform: 'x', id: '1', handle: 'Acme', role: 'agent' }],
            deadlines: { firstResponse: { urgent: 'soon', high: '30m', normal: '1h', low: '4h' } },
            calendar: { timezone: 'Mars/Olympus' },
            colour: 'red',
          },
        ],
      });
    } catch (caught) {
      return caught as BrandConfigError;
    }
    throw new Error('expected an error');
  })();
  assert.ok(error instanceof BrandConfigError);
  const fields = error.problems.map((p) => p.split(':')[0]);
  assert.deepEqual(fields.sort(), [
    'brands[0]',
    'brands[0].accounts[0].role',
    'brands[0].calendar.timezone',
    'brands[0].deadlines.firstResponse.urgent',
    'brands[0].id',
  ]);
  assert.match(error.message, /brands\[0\]: Unrecognized key: "colour"/);
});

test('an account configured twice is refused, naming the other brand', () => {
  const account = { platform: 'x', id: '1', handle: 'A', role: 'care' };
  assert.throws(
    () =>
      parseBrandConfig({
        brands: [
          { id: 'a', name: 'A', accounts: [account] },
          { id: 'b', name: 'B', accounts: [account] },
        ],
      }),
    /brands\[1\]\.accounts\[0\]\.id: x account 1 is already configured for brand "a"/,
  );
});

test('a config that is not JSON says so', () => {
  assert.throws(() => parseBrandConfigJson('{', 'my.json'), /my.json is not valid JSON/);
});
