/** Where messages point people: the API's pages and resources of a meeting. */
export const meetingUrl = (publicUrl: string, roomId: string) => `${publicUrl}/meetings/${roomId}`;
/** The page people join the meeting's room from (sign-in first when needed). */
export { meetingRoomUrl } from '../../config/urls';
/** The meeting's page in a browser: summary, decisions, action items (with Done), the person's report, the transcript. */
export const summaryUrl = (publicUrl: string, roomId: string) => `${meetingUrl(publicUrl, roomId)}/notes`;
export const actionItemsUrl = (publicUrl: string, roomId: string) => `${meetingUrl(publicUrl, roomId)}/notes#action-items`;
export const rsvpUrl = (publicUrl: string, token: string) => `${publicUrl}/invitations/${token}`;
