import { config, type RecordingConsentDefault } from '../config';
import { mayRecordIdentity, storeConsent } from '../db/consent';
import type { ConsentStatus } from '../workflows/messages';
import type { ActivityContext, MayRecord } from './context';
import { roomForActivity } from './room';

export function createConsentActivities(ctx: ActivityContext) {
  return {
    /** Mirrors a person's recording decision (the workflow's consent update) into recording_consents. */
    async recordConsent(input: ConsentStatus & { roomId: string }): Promise<void> {
      const { roomId, ...decision } = input;
      await storeConsent(ctx.orm.em.fork(), roomId, decision);
      if (!decision.record) await stopMixedRecordings(ctx, roomId);
    },
  };
}

/** The org's default for people who have not answered (the context's, else the configuration's). */
export const consentDefault = (ctx: Pick<ActivityContext, 'recordingConsentDefault'>): RecordingConsentDefault => ctx.recordingConsentDefault ?? config().RECORDING_CONSENT_DEFAULT;

/** The recorder's consent hook: each person's stored decision, asked when their track appears (and again while recording). */
export const storedConsent = (ctx: ActivityContext): MayRecord => ({ roomId, identity }) => mayRecordIdentity(ctx.orm.em.fork(), roomId, identity, consentDefault(ctx));

/**
 * A mixed (Egress) recording cannot leave one voice out: when someone declines during it, it stops (what it holds
 * so far is processed as usual), and no other starts (video.ts). Meetflow's own recorder needs none of this.
 */
async function stopMixedRecordings(ctx: ActivityContext, roomId: string): Promise<void> {
  const video = ctx.providers.video;
  if (!video.hasRooms || !video.roomState || !video.stopRecording || (video.recordingMode ?? 'egress') !== 'egress') return;
  const meeting = await roomForActivity(ctx, roomId);
  const { egresses } = await video.roomState(meeting.livekitRoomName);
  for (const egress of egresses.filter((e) => e.status === 'starting' || e.status === 'active')) {
    await video.stopRecording(egress.egressId);
    ctx.log.info({ roomId, egressId: egress.egressId }, 'stopped the mixed recording: someone declined to be recorded');
  }
}
