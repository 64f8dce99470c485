import type { RoomEntity, UserEntity } from '../db/entities';
import type { VideoProvider } from '../integrations/video/types';
import { HttpError } from './middleware/errors';

/** How long a join token lets someone (re)connect to the room. */
const JOIN_TOKEN_TTL_SECONDS = 6 * 3600;
const CLOSED = ['completed', 'cancelled', 'failed', 'processing'];

/**
 * A token for this user to join the meeting's video room (the host also administers and records it); the one
 * command behind GET /meetings/{id}/join and the join page. The caller has checked that the user may see the meeting.
 */
export async function joinRoom(video: VideoProvider, room: RoomEntity, user: UserEntity) {
  if (!video.hasRooms || !video.joinToken) throw new HttpError(409, 'conflict', 'This Meetflow has no video provider: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET');
  if (CLOSED.includes(room.status)) throw new HttpError(409, 'conflict', `The meeting is ${room.status}: its room is closed`);
  const role = room.host.id === user.id ? 'host' : 'participant';
  const { token, url } = await video.joinToken({ roomName: room.livekitRoomName, identity: user.id, name: user.name, role, ttlSeconds: JOIN_TOKEN_TTL_SECONDS });
  return { token, url, room: room.livekitRoomName, role };
}
