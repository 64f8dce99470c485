import { ACTIONS, button, context, section, type Block } from '../../integrations/chat/slack-blocks';
import { SCHEDULE_FORM } from '../parse-schedule';

export const HELP_TEXT = [
  '*Meetflow* runs your meetings from invite to summary. Commands:',
  `• ${SCHEDULE_FORM}`,
  '• `/meet list`: your upcoming meetings',
  '• `/meet status <meeting>`: where a meeting is (phase, people, recording)',
  '• `/meet reschedule <meeting> <when>` and `/meet cancel <meeting> [reason]`',
  '• `/meet summary <meeting>`: the summary of a finished meeting',
  '• `/meet tasks`: your open action items',
  '• `/meet ask <question>`: an answer from your meetings, quoted with who said it and where ("what did we decide about the budget?", "what do I owe Alice?")',
  '• `/meet schedule <title> every weekday 9:15 with @team [until <date> | for <n> times]` (also "every other Tuesday at 10", "monthly on the first Monday at 9"): a recurring series',
  '• `/meet series`: your series · `/meet series skip <id> <date>` · `/meet series cancel <id>`',
  '• `/meet link`: a one-time link to set a password for the Meetflow API',
  '`<meeting>` is the short id shown in every message, or a unique part of the title.',
].join('\n');

export function scheduledBlocks(input: { title: string; when: string; whenTyped: string; note?: string; invitees: string[]; shortId: string; roomId: string }): Block[] {
  return [
    section(`:calendar: *${input.title}* is scheduled for *${input.when}* (you wrote "${input.whenTyped}").${input.note ? ` ${input.note}` : ''}`),
    section(input.invitees.length ? `Invited: ${input.invitees.join(', ')}` : 'Nobody else is invited yet.'),
    { type: 'actions', elements: [button('Undo (cancel it)', ACTIONS.cancelMeeting, input.roomId, 'danger')] },
    context(`Meeting \`${input.shortId}\` · \`/meet reschedule ${input.shortId} <when>\` to move it`),
  ];
}

export const errorText = (problem: string, form?: string) => `:warning: ${problem}${form ? `\nThe form is ${form}` : ''}`;
