import './styles.css';
import { createApi } from './api';
import {
  beginCognitoSignIn,
  cognitoSession,
  isCognito,
  localSession,
  type Session,
  saveLocalSignIn,
} from './auth';
import { type ConsoleConfig, loadConfig } from './config';
import type { ConsoleContext, View } from './context';
import { clear, h } from './dom';
import type { Agent, Brand } from './types';
import { caseView } from './views/case';
import { pagesView } from './views/pages';
import { queueView } from './views/queue';
import { reportsView } from './views/reports';

const app = document.getElementById('app') as HTMLElement;

const ROUTES: Array<{ pattern: RegExp; view: View; nav: string }> = [
  { pattern: /^#\/cases\/([^/?]+)$/, view: caseView, nav: 'queue' },
  { pattern: /^#\/reports$/, view: reportsView, nav: 'reports' },
  { pattern: /^#\/pages$/, view: pagesView, nav: 'pages' },
  { pattern: /^#\/(queue)?$/, view: queueView, nav: 'queue' },
];

function fatal(message: string, action?: { label: string; run: () => void }): void {
  clear(
    app,
    h(
      'div',
      { class: 'center-card' },
      h('h1', null, 'The agent console could not start'),
      h('p', { class: 'error-text' }, message),
      action ? h('button', { class: 'btn primary', onclick: action.run }, action.label) : null,
    ),
  );
}

/** Local mode: the agent types their own token (from `socialcare agents add`), once per tab. */
function localSignIn(): void {
  const token = h('input', {
    id: 'api-token',
    name: 'api-token',
    type: 'password',
    required: true,
    autocomplete: 'off',
  });
  const form = h(
    'form',
    {
      class: 'center-card',
      onsubmit: (event: Event) => {
        event.preventDefault();
        saveLocalSignIn(token.value);
        void start();
      },
    },
    h('div', { class: 'brand-mark big' }, 'socialcare'),
    h('h1', null, 'Sign in to the agent console'),
    h(
      'p',
      { class: 'muted' },
      'Local mode: sign in with your own token. Your administrator gets it from `socialcare agents add`; every claim, reply and note you make carries your name.',
    ),
    h('label', { for: 'api-token' }, 'Your token'),
    token,
    h('button', { class: 'btn primary', type: 'submit' }, 'Start working'),
  );
  clear(app, form);
  token.focus();
}

const ROLE_NAMES: Record<string, string> = {
  agent: 'Agent',
  supervisor: 'Supervisor',
  admin: 'Administrator',
};

function shell(session: Session, me: Agent, brands: Brand[], config: ConsoleConfig): void {
  const main = h('main', { id: 'main' });
  const toasts = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
  const queueBadge = h('span', { class: 'nav-badge', hidden: true });
  const navLink = (id: string, href: string, label: string, extra?: Node) =>
    h('a', { href, 'data-nav': id, class: 'nav-link' }, label, extra ?? null);
  // Available: routing gives the agent new cases (up to their capacity); away: it gives them none.
  const statusToggle = h('button', {
    class: 'btn small status-toggle',
    type: 'button',
    'data-testid': 'status',
    onclick: () => void toggleStatus(),
  });
  const renderStatus = () => {
    const available = me.status === 'available';
    statusToggle.textContent = available ? '● Available' : '○ Away';
    statusToggle.setAttribute('aria-pressed', String(available));
    statusToggle.title = `${available ? 'Taking new cases' : 'Not taking new cases'}${
      me.capacity ? ` · ${me.openCases ?? 0} of ${me.capacity} open` : ''
    } · click to switch`;
    statusToggle.className = `btn small status-toggle ${available ? 'available' : 'away'}`;
  };
  async function toggleStatus() {
    const status = me.status === 'available' ? 'away' : 'available';
    try {
      const result = await context.api.send<{ status: 'available' | 'away'; openCases: number }>(
        'PUT',
        '/api/me/status',
        { status },
      );
      me.status = result.status;
      me.openCases = result.openCases;
      renderStatus();
      context.toast(
        status === 'available' ? 'You are available for new cases.' : 'You are away: no new cases.',
      );
    } catch (error) {
      context.toast(`Could not change your status: ${(error as Error).message}`, 'error');
    }
  }
  renderStatus();
  const header = h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand-mark', href: '#/queue' }, 'socialcare'),
    h(
      'nav',
      null,
      navLink('queue', '#/queue', 'Queue', queueBadge),
      me.allowed.includes('report.read') ? navLink('reports', '#/reports', 'Reports') : null,
      navLink('pages', '#/pages', 'Pages'),
    ),
    h(
      'div',
      { class: 'topbar-right' },
      h('span', { class: 'mode-pill' }, config.mode === 'local' ? 'local' : 'AWS'),
      h('span', { class: 'me', title: me.id, 'data-testid': 'me' }, me.name),
      statusToggle,
      h(
        'span',
        {
          class: 'role-pill',
          'data-testid': 'role',
          title: `brands: ${brands.map((b) => b.name).join(', ')}`,
        },
        `${ROLE_NAMES[me.role] ?? me.role} · ${brands.map((b) => b.name).join(', ')}`,
      ),
      h('button', { class: 'btn ghost small', onclick: () => session.signOut() }, 'Sign out'),
    ),
  );
  clear(app, header, main, toasts);

  const context: ConsoleContext = {
    api: createApi(config.apiBase, session, () => {
      if (isCognito(config)) void beginCognitoSignIn(config);
      else location.reload();
    }),
    me,
    can: (action) => me.allowed.includes(action),
    brands,
    brand: (id) => brands.find((b) => b.id === id),
    toast(message, kind = 'ok') {
      const item = h('div', { class: `toast ${kind}` }, message);
      toasts.append(item);
      window.setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
    },
    setQueueCount(count) {
      queueBadge.hidden = count === undefined;
      queueBadge.textContent = count === undefined ? '' : String(count);
    },
  };

  let stop: (() => void) | undefined;
  const route = () => {
    stop?.();
    const hash = location.hash || '#/queue';
    const found = ROUTES.map((r) => ({ r, match: r.pattern.exec(hash.split('?')[0] ?? '') })).find(
      (x) => x.match,
    );
    for (const link of header.querySelectorAll<HTMLElement>('[data-nav]')) {
      link.classList.toggle('active', link.dataset.nav === (found?.r.nav ?? ''));
    }
    main.replaceChildren();
    if (!found?.match) {
      main.append(
        h('div', { class: 'empty' }, 'No such page. ', h('a', { href: '#/queue' }, 'Back to the queue')),
      );
      stop = undefined;
      return;
    }
    const params = found.match.slice(1).map((p) => decodeURIComponent(p ?? ''));
    stop = found.r.view(main, context, params);
    window.scrollTo(0, 0);
  };
  window.addEventListener('hashchange', route);
  route();
}

async function start(): Promise<void> {
  let config: ConsoleConfig;
  try {
    config = await loadConfig();
  } catch (error) {
    fatal((error as Error).message, { label: 'Try again', run: () => location.reload() });
    return;
  }
  let session: Session | undefined;
  try {
    if (isCognito(config)) {
      session = await cognitoSession(config);
      if (!session) {
        await beginCognitoSignIn(config);
        return;
      }
    } else {
      const local = localSession(config);
      if ('needs' in local) {
        localSignIn();
        return;
      }
      session = local;
    }
  } catch (error) {
    const cognito = isCognito(config) ? config : undefined;
    fatal((error as Error).message, {
      label: 'Sign in again',
      run: () => (cognito ? void beginCognitoSignIn(cognito) : location.reload()),
    });
    return;
  }
  const active = session;
  const api = createApi(config.apiBase, active, () =>
    isCognito(config) ? void beginCognitoSignIn(config) : location.reload(),
  );
  try {
    const [me, { brands }] = await Promise.all([
      api.get<Omit<Agent, 'allowed'> & { allowed: string[] }>('/api/me'),
      api.get<{ brands: Brand[] }>('/api/brands'),
    ]);
    shell(active, me, brands, config);
  } catch (error) {
    fatal(`The agent API did not answer: ${(error as Error).message}`, {
      label: 'Try again',
      run: () => location.reload(),
    });
  }
}

void start();
