import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { fixture } from '../helpers';

/** Debian's chromium (apt-get install chromium); never a downloaded browser. */
export const CHROMIUM = process.env.SOCIALCARE_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumMissing = (): string | false =>
  existsSync(CHROMIUM)
    ? false
    : `no Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium); .ci/run does on CI`;

/**
 * Headless Chromium in a fresh profile under the OS temp folder, closed (and the profile removed) by
 * the returned function. Background networking is off: the test talks to loopback only.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'socialcare-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
      locale: 'en-GB',
      timezoneId: 'Europe/Amsterdam',
      timeout: 30_000,
    });
    return {
      context,
      close: async () => {
        await context.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** The official mention shape with its own id, author and text, addressed to one of our accounts. */
export function mention(options: {
  id: string;
  author: string;
  handle: string;
  name: string;
  text: string;
  to?: string;
}): string {
  const payload = JSON.parse(fixture('x/mention.json'));
  payload.for_user_id = options.to ?? '4000001';
  const tweet = payload.tweet_create_events[0];
  Object.assign(tweet, {
    id: Number(options.id),
    id_str: options.id,
    text: options.text,
    timestamp_ms: String(Date.now()),
  });
  Object.assign(tweet.user, {
    id: Number(options.author),
    id_str: options.author,
    screen_name: options.handle,
    name: options.name,
  });
  return JSON.stringify(payload);
}

/** A believable morning on the demo airline's channels, for screenshots. */
export const MORNING = [
  {
    id: '1870000000000000101',
    author: '7101',
    handle: 'annekevdb',
    name: 'Anneke van der Berg',
    text: '@DemoAir my bag did not arrive in Amsterdam on KL1002 and nobody at the desk can tell me where it is. Terrible.',
  },
  {
    id: '1870000000000000102',
    author: '7102',
    handle: 'tomasz_k',
    name: 'Tomasz Kowalski',
    text: '@DemoAir Can I change my return flight to JFK to a day later? Booking ref in DM if needed.',
  },
  {
    id: '1870000000000000103',
    author: '7103',
    handle: 'lucy_travels',
    name: 'Lucy Hart',
    text: '@DemoAir the crew on this morning’s flight to London were wonderful, thank you!',
  },
  {
    id: '1870000000000000104',
    author: '7104',
    handle: 'mark_ops',
    name: 'Mark de Vries',
    text: '@DemoAir we just had an emergency landing in Hamburg, passengers are scared and no one tells us anything',
  },
  {
    id: '1870000000000000105',
    author: '7105',
    handle: 'priya_s',
    name: 'Priya Sharma',
    text: '@DemoAir refund for my cancelled flight still not here after 6 weeks. This is unacceptable, I want my money back.',
  },
];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string; summary: string }>;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2 A and AA rules on the page as it is now. The script is evaluated through the
 * DevTools protocol, so the console's content security policy does not stand in its way.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(`(async () => {
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  })()`);
}

/** Violations as lines a person can act on: the rule, then each element and why. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target}: ${n.summary}`).join('\n')}`,
    )
    .join('\n');
}
