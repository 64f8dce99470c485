import type { App } from '@slack/bolt';
import { ActionItem, MeetingSummary } from '../../../db/entities';
import { PUBLISHED_SUMMARY } from '../../../db/summaries';
import { ACTIONS, button, context, divider, header, section, type Block, fitBlocks } from '../../../integrations/chat/slack-blocks';
import type { BotDeps } from '../../deps';
import { UserFacingError } from '../../errors';
import { myMeetings, shortId } from '../../meetings';
import { formatInZone } from '../../time';
import { slackUser, timeZoneOf } from '../../users';

/** The App Home tab: upcoming meetings, open action items (with Mark done) and recent summaries. */
export function registerAppHome(app: App, deps: BotDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const em = deps.orm.em.fork();
    const me = await slackUser(em, client, event.user).catch(async (error: unknown) => {
      // Someone whose email has an account that needs its owner's confirmation sees how to give it.
      if (!(error instanceof UserFacingError)) throw error;
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: [section(error.message)] as never } });
      return undefined;
    });
    if (!me) return;
    const zone = timeZoneOf(me);
    const upcoming = await myMeetings(em, me, { upcoming: true, limit: 10 });
    const items = await em.find(ActionItem, { assignedTo: me.id, status: { $in: ['open', 'in_progress'] }, summary: PUBLISHED_SUMMARY }, { populate: ['room'], orderBy: { dueDate: 'asc' }, limit: 15 });
    const recent = (await myMeetings(em, me, { limit: 20 })).filter((room) => room.status === 'completed').slice(0, 5);
    const summaries = await em.find(MeetingSummary, { room: { $in: recent.map((room) => room.id) }, ...PUBLISHED_SUMMARY }, { populate: ['room'], orderBy: { createdAt: 'desc' } });

    const blocks: Block[] = [header('Upcoming meetings')];
    blocks.push(
      ...(upcoming.length
        ? upcoming.map((room) => section(`*${room.name}* (\`${shortId(room)}\`)\n${room.scheduledStartTime ? formatInZone(room.scheduledStartTime, zone) : ''} · ${room.status}`))
        : [section('Nothing scheduled. Try `/meet schedule Weekly sync tomorrow 10am with @someone`.')]),
      divider(),
      header('Your open action items'),
    );
    blocks.push(
      ...(items.length
        ? items.map((item) => ({ ...section(`• ${item.title} (_${item.room.name}_${item.dueDate ? `, due ${item.dueDate}` : ''})`), accessory: button('Mark done', ACTIONS.actionItemDone, item.id) }))
        : [section('No open action items. :tada:')]),
      divider(),
      header('Recent summaries'),
    );
    const seenRooms = new Set<string>();
    for (const summary of summaries) {
      if (seenRooms.has(summary.room.id)) continue;
      seenRooms.add(summary.room.id);
      blocks.push(section(`*${summary.room.name}*\n${summary.executiveSummary}`));
    }
    if (seenRooms.size === 0) blocks.push(context('Summaries of your meetings appear here after they end.'));
    await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: fitBlocks(blocks, deps.cfg.PUBLIC_URL) as never } });
  });
}
