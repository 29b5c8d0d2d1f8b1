import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, test } from '@jest/globals';
import { HttpFareSource } from '../../functions/adapters/http/http-fare-source';

let server: Server;
let base: string;
// The slow answer's timer outlives the test that gave up on it: cleared at the end, or it keeps the jest
// worker alive after the run ("a worker process has failed to exit gracefully").
const slowAnswers = new Set<NodeJS.Timeout>();
beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const route = `${url.searchParams.get('from')}-${url.searchParams.get('to')}`;
    if (route === 'AMS-JFK') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          amount: 455,
          currency: 'EUR',
          deepLink: 'https://www.demoair.example/b',
          checkedAt: '2026-11-23T09:00:00Z',
        }),
      );
    } else if (route === 'AMS-SLOW') {
      const timer = setTimeout(() => {
        slowAnswers.delete(timer);
        response.end('{}');
      }, 2000);
      slowAnswers.add(timer);
    } else if (route === 'AMS-BAD') {
      response.writeHead(200);
      response.end('{"amount":"cheap"}');
    } else if (route === 'AMS-ERR') {
      response.writeHead(503);
      response.end();
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fares`;
});
afterAll(() => {
  for (const timer of slowAnswers) clearTimeout(timer);
  server.closeAllConnections();
  server.close();
});

test('a fare service answer is read and checked', async () => {
  // A deadline that only a hang misses: on a busy machine the loopback answer can take longer than 500 ms.
  const source = new HttpFareSource(base, 10_000);
  assert.deepEqual(await source.lowestReturnFare('AMS', 'JFK'), {
    amount: 455,
    currency: 'EUR',
    deepLink: 'https://www.demoair.example/b',
    checkedAt: '2026-11-23T09:00:00Z',
  });
  assert.equal(await source.lowestReturnFare('AMS', 'XXX'), undefined, '404: no fare');
});

test('slow, failing or malformed answers are errors, never a fare', async () => {
  const source = new HttpFareSource(base, 200);
  await assert.rejects(source.lowestReturnFare('AMS', 'SLOW'), /did not answer within 200 ms/);
  // The prompt answers get a deadline only a hang misses, so a busy machine cannot turn them into timeouts.
  const patient = new HttpFareSource(base, 10_000);
  await assert.rejects(patient.lowestReturnFare('AMS', 'ERR'), /answered 503/);
  await assert.rejects(patient.lowestReturnFare('AMS', 'BAD'), /not a fare quote/);
});
