import { User } from '../db/entities';
import { createMeetingRoom } from '../db/meetings';
import type { MeetingSettings } from '../workflows/messages';
import { meetingWorkflowId } from '../workflows/ids';
import type { ActivityContext } from './context';

export function createSeriesActivities(ctx: ActivityContext) {
  return {
    /** The room of one occurrence of a recurring meeting; keyed by the id the workflow chose, so a retry finds it. */
    async createOccurrenceRoom(input: { roomId: string; seriesId: string; hostId: string; title: string; start: string; durationMinutes: number; settings: MeetingSettings }): Promise<string> {
      const em = ctx.orm.em.fork();
      const host = await em.findOneOrFail(User, input.hostId);
      const room = await createMeetingRoom(
        em,
        {
          id: input.roomId,
          host,
          title: input.title,
          scheduledStart: new Date(input.start),
          plannedDurationMinutes: input.durationMinutes,
          type: 'recurring',
          tags: [`series:${input.seriesId}`],
          settings: { ...input.settings, seriesId: input.seriesId },
        },
        meetingWorkflowId,
      );
      return room.id;
    },
  };
}
