import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, test } from '@jest/globals';
import { HttpFareSource } from '../../functions/adapters/http/http-fare-source';

let server: Server;
let base: string;
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
      // Never answers (closed at the end): the client's timeout is certain to fire, however slow the machine.
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
  server.closeAllConnections();
  server.close();
});

// Answers that come are read with a generous timeout: a loaded machine may take seconds to answer.
test('a fare service answer is read and checked', async () => {
  const source = new HttpFareSource(base, 30_000);
  assert.deepEqual(await source.lowestReturnFare('AMS', 'JFK'), {
    amount: 455,
    currency: 'EUR',
    deepLink: 'https://www.demoair.example/b',
    checkedAt: '2026-11-23T09:00:00Z',
  });
  assert.equal(await source.lowestReturnFare('AMS', 'XXX'), undefined, '404: no fare');
});

test('slow, failing or malformed answers are errors, never a fare', async () => {
  await assert.rejects(
    new HttpFareSource(base, 200).lowestReturnFare('AMS', 'SLOW'),
    /did not answer within 200 ms/,
  );
  const source = new HttpFareSource(base, 30_000);
  await assert.rejects(source.lowestReturnFare('AMS', 'ERR'), /answered 503/);
  await assert.rejects(source.lowestReturnFare('AMS', 'BAD'), /not a fare quote/);
});
