import type { Api } from './api';
import type { Agent, Brand } from './types';

/** What every page gets: the API, who is signed in, the brands, and the shell's helpers. */
export interface ConsoleContext {
  api: Api;
  me: Agent;
  /** May the signed-in agent take this action (an access-policy action, e.g. "case.assign")? */
  can(action: string): boolean;
  brands: Brand[];
  brand(id: string): Brand | undefined;
  /** A short message at the bottom of the screen. */
  toast(message: string, kind?: 'ok' | 'error'): void;
  /** The queue badge in the navigation. */
  setQueueCount(count: number | undefined): void;
}

/** A page draws into `root` and returns what stops its timers. */
export type View = (root: HTMLElement, context: ConsoleContext, params: string[]) => () => void;
