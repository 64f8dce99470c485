import type { App } from '@slack/bolt';
import { scheduleModal, SHORTCUT } from '../../blocks/schedule-modal';

/** The "Schedule a meeting" shortcut opens the form (bot/listeners/views handles its submission). */
export function registerShortcuts(app: App): void {
  app.shortcut(SHORTCUT, async ({ ack, shortcut, client }) => {
    await ack();
    await client.views.open({ trigger_id: shortcut.trigger_id, view: scheduleModal() as never });
  });
}
