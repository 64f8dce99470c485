import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes (registered on the server by scripts/services.sh and the compose stack). */
export const MeetingStatusKey = defineSearchAttributeKey('MeetingStatus', SearchAttributeType.KEYWORD);
export const MeetingHostKey = defineSearchAttributeKey('MeetingHost', SearchAttributeType.KEYWORD);
export const MeetingStartKey = defineSearchAttributeKey('MeetingStart', SearchAttributeType.DATETIME);
/** Set by Temporal on every run a Schedule starts: the time the Schedule meant it for. */
export const TemporalScheduledStartTimeKey = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);
