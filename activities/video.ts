import { heartbeat } from '@temporalio/activity';
import { peopleToNotify } from '../db/meetings';
import type { VideoRecordingState, VideoRoomState } from '../integrations/video/types';
import type { ActivityContext } from './context';
import { mayRecordEveryone } from '../db/consent';
import { consentDefault } from './consent';
import { roomForActivity } from './room';
import { deliverOnce } from './delivery';
import { meetingStarting } from './messages/meeting-notices';

/** The meeting's video room at the provider: open, record, ask, close. */
export function createVideoActivities(ctx: ActivityContext) {
  const em = () => ctx.orm.em.fork();
  const room = (roomId: string) => roomForActivity(ctx, roomId);

  return {
    /**
     * Opens the video room (when there is a video provider) and tells everyone the meeting is starting.
     * `recordsTracks`: the room is recorded by Meetflow's own recorder (the workflow runs it), not by Egress.
     */
    async startMeetingRoom(input: { roomId: string }): Promise<{ hasRoom: boolean; recordsTracks: boolean }> {
      const meeting = await room(input.roomId);
      await ctx.providers.video.openRoom({ roomName: meeting.livekitRoomName, maxParticipants: meeting.maxParticipants, emptyTimeoutSeconds: 300 });
      for (const user of await peopleToNotify(em(), meeting)) {
        await deliverOnce(em(), meetingStarting(ctx, meeting, user), ctx);
        heartbeat();
      }
      const video = ctx.providers.video;
      return { hasRoom: video.hasRooms, recordsTracks: video.hasRooms && video.recordingMode === 'tracks' };
    },

    /**
     * Starts the room's audio-only recording; returns the provider's recording id, or null without a video provider.
     * A recording already running in the room (this activity's earlier attempt got that far) is returned instead
     * of a second one.
     */
    async startRoomRecording(input: { roomId: string }): Promise<string | null> {
      const meeting = await room(input.roomId);
      const video = ctx.providers.video;
      if (!video.hasRooms || !video.startRecording || (video.recordingMode ?? 'egress') !== 'egress') return null;
      const running = video.roomState ? (await video.roomState(meeting.livekitRoomName)).egresses.find((egress) => egress.status === 'starting' || egress.status === 'active') : undefined;
      if (running) return running.egressId;
      // One mixed recording cannot leave out someone who declined (issue 17): then there is none.
      if (!(await mayRecordEveryone(ctx.orm.em.fork(), input.roomId, consentDefault(ctx)))) {
        ctx.log.info({ roomId: input.roomId }, 'no mixed recording: someone declined to be recorded (or consent is opt-in)');
        return null;
      }
      return video.startRecording(meeting.livekitRoomName, `${meeting.livekitRoomName}-${Date.now()}.ogg`);
    },

    /** What the video provider says about the room's recordings now (webhooks may have been dropped). */
    async reconcileRecordings(input: { roomId: string }): Promise<VideoRecordingState[]> {
      const meeting = await room(input.roomId);
      const video = ctx.providers.video;
      if (!video.hasRooms || !video.roomState || (video.recordingMode ?? 'egress') !== 'egress') return [];
      return (await video.roomState(meeting.livekitRoomName)).egresses;
    },

    /**
     * Whether the room still exists at the provider and who is in it now (webhooks may have been dropped), or null
     * when the provider cannot tell.
     */
    async reconcileRoom(input: { roomId: string }): Promise<Pick<VideoRoomState, 'exists' | 'participants'> | null> {
      const meeting = await room(input.roomId);
      const video = ctx.providers.video;
      if (!video.hasRooms || !video.roomState) return null;
      const { exists, participants } = await video.roomState(meeting.livekitRoomName);
      return { exists, participants };
    },

    async closeMeetingRoom(input: { roomId: string }): Promise<void> {
      const meeting = await room(input.roomId);
      await ctx.providers.video.closeRoom(meeting.livekitRoomName);
    },
  };
}
