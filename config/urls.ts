/** The meeting's join page (api/routes/pages.ts), the link invites and "starting now" messages carry. */
export const meetingRoomUrl = (publicUrl: string, roomId: string) => `${publicUrl.replace(/\/+$/, '')}/meetings/${roomId}/room`;
