/** Where messages point people: the API's pages and resources of a meeting. */
export const meetingUrl = (publicUrl: string, roomId: string) => `${publicUrl}/meetings/${roomId}`;
/** The page people join the meeting's room from (sign-in first when needed). */
export { meetingRoomUrl } from '../../config/urls';
export const summaryUrl = (publicUrl: string, roomId: string) => `${meetingUrl(publicUrl, roomId)}/summary`;
export const actionItemsUrl = (publicUrl: string, roomId: string) => `${meetingUrl(publicUrl, roomId)}/action-items`;
export const rsvpUrl = (publicUrl: string, token: string) => `${publicUrl}/invitations/${token}`;
