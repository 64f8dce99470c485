import type { App } from '@slack/bolt';
import type { BotDeps } from '../deps';
import { registerActions } from './actions';
import { registerCommands } from './commands';
import { registerEvents } from './events';
import { registerShortcuts } from './shortcuts';
import { registerViews } from './views';

/** Every listener of the bot, by kind (the layout of slackapi's Bolt starter template). */
export function registerListeners(app: App, deps: BotDeps): void {
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerShortcuts(app);
  registerEvents(app, deps);
}
