import { readdirSync, readFileSync } from 'node:fs';
import { createXWebhook } from '../functions/channels/x/webhook';
import { DEMO_CONFIG_PATH, readBrandConfigFile } from '../functions/commons/brand-config-file';
import type { HttpEvent } from '../functions/commons/http';
import { BrandDirectory } from '../functions/core/brand-config';
import { RecordingDeadLetters, RecordingQueue } from './fakes/in-memory';

export const demoConfig = () => readBrandConfigFile(DEMO_CONFIG_PATH);
export const demoDirectory = () => new BrandDirectory(demoConfig());

export function fixture(path: string): string {
  return readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8');
}

/** The file names in a fixtures folder, sorted. */
export function fixtureFiles(folder: string): string[] {
  return readdirSync(new URL(`./fixtures/${folder}/`, import.meta.url)).sort();
}

/** An API Gateway HTTP API (v2) event, as the deployed function receives it. */
export function httpEvent(options: {
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  base64?: boolean;
}): HttpEvent {
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const base64 = options.base64 ?? false;
  return {
    version: '2.0',
    routeKey: `${options.method} ${options.path}`,
    rawPath: options.path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: options.headers ?? {},
    ...(options.query ? { queryStringParameters: options.query } : {}),
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'test',
      domainPrefix: 'test',
      http: {
        method: options.method,
        path: options.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: 'test',
      routeKey: `${options.method} ${options.path}`,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    ...(body ? { body: base64 ? body.toString('base64') : body.toString('utf8') } : {}),
    isBase64Encoded: base64,
  };
}

/** The X webhook with the demo brand, recording what it enqueues and parks, at a fixed clock. */
export function xWebhookUnderTest(consumerSecret: string) {
  const queue = new RecordingQueue();
  const deadLetters = new RecordingDeadLetters();
  const webhook = createXWebhook({
    consumerSecret: async () => consumerSecret,
    directory: demoDirectory(),
    queue,
    deadLetters,
    now: () => new Date('2026-11-23T09:15:00Z'),
  });
  return { queue, deadLetters, webhook };
}

/**
 * Two brands in one deployment, for the access tests: the demo airline and a small second brand
 * (a bank: X care account 4100001 @NorthBank, Facebook page 5100001), never shipped as a config.
 */
export function twoBrandConfig() {
  const config = demoConfig();
  const demo = config.brands[0]!;
  const bank = JSON.parse(
    JSON.stringify(demo)
      .replace(/demoair/g, 'northbank')
      .replace(/DemoAir/g, 'NorthBank'),
  ) as typeof demo;
  Object.assign(bank, {
    id: 'northbank',
    name: 'NorthBank',
    accounts: [
      { platform: 'x', id: '4100001', handle: 'NorthBank', role: 'care' },
      { platform: 'facebook', id: '5100001', handle: 'NorthBank', role: 'care' },
    ],
    calendar: { ...demo.calendar, timezone: 'Europe/London' },
  });
  delete (bank as { knowledgeBase?: unknown }).knowledgeBase;
  config.brands.push(bank);
  return config;
}
