import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { meetCommand } from './meet';

export function registerCommands(app: App, deps: BotDeps): void {
  app.command('/meet', meetCommand(deps));
}
