import type { View } from '../context';
import { clear, h } from '../dom';
import { ago, exactly, when } from '../format';
import type { Page } from '../types';
import { pageAckControl, pageLevel } from './page-ack';

/** The pages sent to on-call staff, newest first, each linking to its case. */
export const pagesView: View = (root, context) => {
  let stopped = false;
  const list = h('div', null, h('p', { class: 'muted' }, 'Loading pages…'));
  clear(
    root,
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, 'Pages to on-call'),
      h('span', { class: 'muted' }, 'Warnings, breaches and risks, newest first'),
    ),
    list,
  );

  async function load() {
    try {
      const { pages } = await context.api.get<{ pages: Page[] }>('/api/pages', { limit: '100' });
      if (stopped) return;
      clear(
        list,
        pages.length
          ? h(
              'ol',
              { class: 'pages' },
              pages.map((p) =>
                h(
                  'li',
                  { class: `page sev-${p.severity}` },
                  h(
                    'div',
                    { class: 'msg-head' },
                    h('span', { class: `sev sev-${p.severity}` }, p.severity),
                    h('span', { class: 'pill' }, p.kind.replace(/_/g, ' ')),
                    pageLevel(p),
                    h('strong', null, p.title),
                    h(
                      'time',
                      {
                        datetime: p.createdAt,
                        title: exactly(p.createdAt, context.brand(p.brandId)?.timezone),
                      },
                      `${when(p.createdAt, context.brand(p.brandId)?.timezone)} · ${ago(p.createdAt)}`,
                    ),
                  ),
                  h('p', { class: 'msg-text' }, p.text),
                  h(
                    'div',
                    { class: 'page-foot' },
                    pageAckControl(p, context, () => void load()),
                    p.caseId
                      ? h('a', { href: `#/cases/${encodeURIComponent(p.caseId)}` }, 'Open the case →')
                      : null,
                  ),
                ),
              ),
            )
          : h('div', { class: 'empty' }, 'No pages: every deadline is being met.'),
      );
    } catch (error) {
      if (!stopped)
        clear(list, h('div', { class: 'banner danger' }, `Cannot load pages: ${(error as Error).message}`));
    }
  }
  void load();
  const timer = window.setInterval(() => void load(), 15_000);
  return () => {
    stopped = true;
    window.clearInterval(timer);
  };
};
