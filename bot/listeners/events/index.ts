import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { registerAppHome } from './app-home';

export function registerEvents(app: App, deps: BotDeps): void {
  registerAppHome(app, deps);
}
