import type { ActionItemEntity, MeetingSummaryEntity, RoomEntity, UserEntity } from '../../db/entities';
import { messageKeys } from './keys';
import { meetingUrl } from './links';
import type { MessageSettings, OutgoingMessage } from './types';

const bullet = (lines: string[]) => lines.map((line) => `• ${line}`).join('\n');

/** An action item as the host checks it: who owns it and by when. */
export const describeDraftItem = (item: ActionItemEntity) => `${item.title} (${item.assignedTo?.name ?? 'unassigned'}${item.dueDate ? `, due ${item.dueDate}` : ''})`;

/**
 * The host's draft recap: summary, decisions, every action item with its owner and date, and Approve / Edit /
 * Discard (each carries the meeting's id). Nobody else has been sent anything yet.
 */
export function recapDraftMessage(settings: MessageSettings, input: { summary: MeetingSummaryEntity; room: RoomEntity; items: ActionItemEntity[]; host: UserEntity; releaseAt?: string }): OutgoingMessage {
  const { summary, room, items, host, releaseAt } = input;
  const release = releaseAt ? `It goes out by itself at ${releaseAt} unless you decide first.` : 'It goes out only when you approve it.';
  const decisions = summary.decisions.length ? `Decisions:\n${bullet(summary.decisions.map((decision) => decision.text))}` : 'No decisions.';
  const actions = items.length ? `Action items:\n${bullet(items.map(describeDraftItem))}` : 'No action items.';
  const api = `${meetingUrl(settings.publicUrl, room.id)}/recap`;
  const text = [`Draft recap of "${room.name}": participants get it after your approval.`, summary.executiveSummary, decisions, actions, release, `Review it: ${api}`].join('\n\n');
  return {
    key: messageKeys.recapDraft(summary.id, host.id),
    user: host,
    type: 'recap_draft',
    title: `Approve the recap: ${room.name}`,
    text,
    data: { roomId: room.id, summaryId: summary.id },
    actionUrl: api,
    channel: 'chat-or-email',
    layout: {
      blocks: [
        { kind: 'heading', text: `Draft recap: ${room.name}` },
        { kind: 'text', text: summary.executiveSummary },
        { kind: 'text', text: summary.decisions.length ? `*Decisions*\n${bullet(summary.decisions.map((decision) => decision.text))}` : '_No decisions._' },
        { kind: 'text', text: items.length ? `*Action items*\n${bullet(items.map(describeDraftItem))}` : '_No action items._' },
        { kind: 'note', text: `Participants get it after your approval. ${release}` },
        {
          kind: 'buttons',
          buttons: [
            { kind: 'action', label: 'Approve', action: 'recapApprove', value: room.id, style: 'primary' },
            { kind: 'action', label: 'Edit', action: 'recapEdit', value: room.id },
            { kind: 'action', label: 'Discard', action: 'recapDiscard', value: room.id, style: 'danger' },
          ],
        },
      ],
      more: api,
    },
    email: { subject: `Approve the recap: ${room.name}`, text },
  };
}
