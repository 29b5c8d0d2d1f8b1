import { ApiError } from '../api';
import type { ConsoleContext } from '../context';
import { h } from '../dom';
import { ago } from '../format';
import type { Page } from '../types';

/** "level 2 of 3 · duty manager" for a page of a chain; nothing for a single-level one. */
export function pageLevel(page: Page): HTMLElement | null {
  if (!page.levels || page.levels < 2) return null;
  return h(
    'span',
    { class: 'pill', 'data-testid': 'page-level' },
    `level ${page.level ?? 1} of ${page.levels}${page.levelName ? ` · ${page.levelName}` : ''}`,
  );
}

/**
 * Who acknowledged the page and when, or the button that acknowledges it (POST
 * /api/pages/{id}/ack); `onChange` shows the newest state afterwards.
 */
export function pageAckControl(page: Page, context: ConsoleContext, onChange: () => void): HTMLElement {
  if (page.acknowledgedAt) {
    const who = page.acknowledgedByName ?? page.acknowledgedBy ?? 'someone';
    return h(
      'span',
      { class: 'page-ack muted', 'data-testid': 'page-acknowledged', title: page.acknowledgedAt },
      `Acknowledged by ${who} via ${page.acknowledgedVia ?? 'console'} ${ago(page.acknowledgedAt)}`,
    );
  }
  if (page.stoppedAt) {
    return h('span', { class: 'page-ack muted' }, `Stopped: the case was ${page.stopReason ?? 'resolved'}`);
  }
  const button = h(
    'button',
    { type: 'button', class: 'btn small', 'data-testid': 'page-ack' },
    'Acknowledge',
  ) as HTMLButtonElement;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await context.api.send('POST', `/api/pages/${encodeURIComponent(page.pageId)}/ack`);
    } catch (error) {
      button.disabled = false;
      button.title = error instanceof ApiError ? error.message : String(error);
      return;
    }
    onChange();
  });
  return button;
}
