import { ApplicationFailure } from '@temporalio/common';
import type { RoomEntity } from '../db/entities';
import { loadMeetingRoom, RoomNotFoundError } from '../db/meetings';
import type { ActivityContext } from './context';

/** The meeting's room with its host; a room that is gone fails the activity for good (no retry can bring it back). */
export function roomForActivity(ctx: ActivityContext, roomId: string): Promise<RoomEntity> {
  return loadMeetingRoom(ctx.orm.em.fork(), roomId).catch((error: unknown) => {
    if (error instanceof RoomNotFoundError) throw ApplicationFailure.nonRetryable(error.message, error.name);
    throw error;
  });
}
