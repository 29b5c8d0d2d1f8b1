import type { AgentRecord, AgentRegistry } from './access/agents';
import type { Brand, BrandDirectory } from './brand-config';
import { addDays, instantOf, localDateOf, localTimeOf } from './calendar';
import type { CareCase, CaseStore } from './cases';
import { concernsLocalManager } from './locations';
import { type Page, type PagingDeps, raisePage } from './paging';
import { sha256Hex } from './sha256';

/**
 * Telling local managers about their locations' new negative or risky cases: one page addressed to
 * each manager per case (its id makes it once, however often triage retries), or one digest a day.
 * Pages carry `recipient`: only that manager's subscription receives them, never on-call's.
 */

/** The daily digest goes out from this local hour (of the manager's first location). */
export const DIGEST_HOUR = 8;

export const locationAlertPageId = (caseId: string, agentId: string) => `location:${caseId}:${agentId}`;
export const locationDigestPageId = (agentId: string, localDate: string) =>
  `location-digest:${agentId}:${localDate}`;

/** The active local managers of a brand's location. */
export function managersAt(agents: readonly AgentRecord[], brandId: string, location: string): AgentRecord[] {
  return agents.filter(
    (a) =>
      a.role === 'local_manager' &&
      !a.removedAt &&
      a.brands.includes(brandId) &&
      (a.locations ?? []).includes(location),
  );
}

function locationLabel(brand: Brand, code: string): string {
  const name = brand.locations.find((l) => l.code === code)?.name;
  return name ? `${name} (${code})` : code;
}

/**
 * The page telling one manager of one case. `text` is the stored (masked) text; no customer name or
 * handle goes out: the link opens the case for a manager signed in.
 */
export function locationAlertPage(
  brand: Brand,
  careCase: Pick<CareCase, 'caseId' | 'platform' | 'sentiment' | 'risks' | 'openedAt' | 'visibility'> & {
    location: string;
  },
  text: string,
  manager: Pick<AgentRecord, 'id' | 'notify'>,
  link: string,
): Page {
  const what = careCase.risks.length
    ? `risky (${careCase.risks.join(', ')})`
    : careCase.sentiment.toLowerCase();
  const snippet = text.length > 140 ? `${text.slice(0, 139)}…` : text;
  const title = `[${brand.name}] ${what} post at ${locationLabel(brand, careCase.location)} on ${careCase.platform} (case ${careCase.caseId})`;
  return {
    pageId: locationAlertPageId(careCase.caseId, manager.id),
    kind: 'location_alert',
    severity: careCase.risks.length ? 'critical' : 'warning',
    brandId: brand.id,
    caseId: careCase.caseId,
    recipient: manager.id,
    ...(manager.notify?.email ? { recipientAddress: addressKey(manager.notify.email) } : {}),
    location: careCase.location,
    title,
    text: [title, `${careCase.visibility}: "${snippet}"`, `Open: ${link}`].join('\n'),
    link,
    createdAt: careCase.openedAt,
  };
}

/**
 * The key of an e-mail address in page attributes and subscription filters: a digest, so no address
 * travels with a page, and the same address (any case, any spacing) is always the same key.
 */
export function addressKey(email: string): string {
  return sha256Hex(email.trim().toLowerCase()).slice(0, 32);
}

/** Where a local manager's pages are delivered: their e-mail, subscribed to pages addressed to them. */
export interface ManagerSubscriptions {
  subscribeEmail(agentId: string, email: string): Promise<void>;
}

export interface LocalManagerDeps extends PagingDeps {
  agents: Pick<AgentRegistry, 'listAgents'>;
  linkFor: (caseId: string) => string;
}

/**
 * Pages each manager of the case's location who wants every case (not the digest), once per case.
 * Returns the managers paged now (a retry finds the pages made and pages nobody again).
 */
export async function notifyLocalManagers(
  brand: Brand,
  careCase: Parameters<typeof locationAlertPage>[1],
  text: string,
  deps: LocalManagerDeps,
): Promise<string[]> {
  if (!concernsLocalManager(careCase)) return [];
  const managers = managersAt(await deps.agents.listAgents(), brand.id, careCase.location).filter(
    (m) => !m.notify?.digest,
  );
  const paged: string[] = [];
  for (const manager of managers) {
    const page = locationAlertPage(brand, careCase, text, manager, deps.linkFor(careCase.caseId));
    if ((await raisePage(page, deps)) === 'published') paged.push(manager.id);
  }
  return paged;
}

export interface DigestDeps extends LocalManagerDeps {
  directory: BrandDirectory;
  cases: Pick<CaseStore, 'listCasesOpenedBetween'>;
  pages: PagingDeps['pages'];
}

/** The manager's clock: their first location's timezone, else their first brand's calendar. */
function timezoneOf(manager: AgentRecord, directory: BrandDirectory): string {
  for (const brandId of manager.brands) {
    const brand = directory.brand(brandId);
    const location = brand?.locations.find((l) => (manager.locations ?? []).includes(l.code));
    if (location) return location.timezone;
  }
  return directory.brand(manager.brands[0] ?? '')?.calendar.timezone ?? 'UTC';
}

/**
 * The daily digests due now: for each manager who chose the digest, in the hour from DIGEST_HOUR of
 * their local morning, one page listing the negative or risky cases opened at their locations in the
 * 24 hours before DIGEST_HOUR today; nothing on a day without any. Run every minute (SLA monitor):
 * the page id (manager and local date) makes it once a day.
 */
export async function sendLocationDigests(now: Date, deps: DigestDeps): Promise<Page[]> {
  const managers = (await deps.agents.listAgents()).filter(
    (a) => a.role === 'local_manager' && !a.removedAt && a.notify?.digest,
  );
  const sent: Page[] = [];
  for (const manager of managers) {
    const timezone = timezoneOf(manager, deps.directory);
    const hour = Number(localTimeOf({ timezone }, now).slice(0, 2));
    if (hour !== DIGEST_HOUR) continue;
    const today = localDateOf({ timezone }, now);
    const pageId = locationDigestPageId(manager.id, today);
    if ((await deps.pages.getPages([pageId])).length) continue;
    const to = new Date(instantOf(timezone, today, DIGEST_HOUR * 60));
    const from = new Date(instantOf(timezone, addDays(today, -1), DIGEST_HOUR * 60));
    const brands = manager.brands.flatMap((id) => deps.directory.brand(id) ?? []);
    const lines: string[] = [];
    for (const brand of brands) {
      const opened = await deps.cases.listCasesOpenedBetween(brand.id, from.toISOString(), to.toISOString());
      for (const c of opened) {
        if (!c.location || !(manager.locations ?? []).includes(c.location) || !concernsLocalManager(c))
          continue;
        if (c.openedAt >= to.toISOString()) continue;
        const what = c.risks.length ? 'risky' : c.sentiment.toLowerCase();
        // The subject is stored masked; no customer name or handle.
        lines.push(
          `- ${locationLabel(brand, c.location)}, ${what}, ${c.status}: "${c.subject}" ${deps.linkFor(c.caseId)}`,
        );
      }
    }
    if (!lines.length) continue;
    const brandName = brands.map((b) => b.name).join(', ');
    const title = `[${brandName}] ${lines.length} negative or risky case${lines.length === 1 ? '' : 's'} at your locations since yesterday ${String(DIGEST_HOUR).padStart(2, '0')}:00`;
    const page: Page = {
      pageId,
      kind: 'location_digest',
      severity: 'warning',
      brandId: brands[0]!.id,
      recipient: manager.id,
      ...(manager.notify?.email ? { recipientAddress: addressKey(manager.notify.email) } : {}),
      title,
      text: [
        title,
        ...lines.slice(0, 100),
        ...(lines.length > 100 ? [`… and ${lines.length - 100} more`] : []),
      ].join('\n'),
      createdAt: now.toISOString(),
    };
    if ((await raisePage(page, deps)) === 'published') sent.push(page);
  }
  return sent;
}
