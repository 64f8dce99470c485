import type { RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import { MeetingRefusal } from '../clients/meetings';
import { CommandError } from '../commands/types';
import { errorText } from './blocks/replies';
import { MeetingLookupError } from './meetings';
import { SCHEDULE_FORM, ScheduleParseError } from './parse-schedule';
import { NonexistentTimeError } from './time';

/** A problem the person can fix: told to them, ephemerally, never thrown into the logs. */
export class UserFacingError extends Error {}

/**
 * What to tell the person when a listener fails: the refusal in their words when it is theirs to fix (a
 * command's or a meeting's refusal, a phrase we could not read), else an apology; ours are logged.
 */
export function replyForError(error: unknown, log: Logger, context: Record<string, unknown>): string {
  if (error instanceof ScheduleParseError) return errorText(error.message, SCHEDULE_FORM);
  if (error instanceof MeetingRefusal && error.kind === 'over') return errorText('that meeting is over');
  if (error instanceof UserFacingError || error instanceof NonexistentTimeError || error instanceof MeetingLookupError || error instanceof CommandError || error instanceof MeetingRefusal) return errorText(error.message);
  log.error({ err: error, ...context }, 'slack listener failed');
  return errorText('Something went wrong on our side; it has been logged. Try again in a moment.');
}

export const ephemeral = (respond: RespondFn, text: string, blocks?: unknown[]) => respond({ response_type: 'ephemeral', text, ...(blocks ? { blocks: blocks as never } : {}) });
