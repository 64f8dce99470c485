import type { RoomEntity } from '../db/entities';
import type { RecordingMode } from '../integrations/video/types';

/**
 * Whether people in this meeting are recorded (what invites and the join page must tell them before they speak),
 * as the workflow decides it: Meetflow's own recorder records unless the meeting turned it off; Egress only when it
 * asked for it.
 */
export const isMeetingRecorded = (room: Pick<RoomEntity, 'settings'>, mode: RecordingMode | undefined) =>
  mode === 'tracks' ? room.settings.autoRecord !== false : mode === 'egress' && room.settings.autoRecord === true;
