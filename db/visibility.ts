import type { UserEntity } from './entities';

/** SQL condition (on alias r) for rooms this user may see: hosted, joined or invited. Used by the API and the bot. */
export const VISIBLE_ROOM_SQL = `(r.host_id = ? or exists (select 1 from participants p where p.room_id = r.id and p.user_id = ?)
  or exists (select 1 from room_invitations i where i.room_id = r.id and i.invitee_id = ?))`;

export const visibleRoomParams = (user: UserEntity) => [user.id, user.id, user.id];
