export * from './user';
export * from './room';
export * from './participant';
export * from './recording';
export * from './recording-track';
export * from './recording-consent';
export * from './transcript';
export * from './meeting-summary';
export * from './action-item';
export * from './participant-report';
export * from './session';
export * from './room-invitation';
export * from './notification';
export * from './audit-event';
export * from './slack-request';

import { ActionItem } from './action-item';
import { AuditEvent } from './audit-event';
import { MeetingSummary } from './meeting-summary';
import { Notification } from './notification';
import { Participant } from './participant';
import { ParticipantReport } from './participant-report';
import { Recording } from './recording';
import { RecordingConsent } from './recording-consent';
import { RecordingTrack } from './recording-track';
import { Room } from './room';
import { RoomInvitation } from './room-invitation';
import { Session } from './session';
import { SlackRequest } from './slack-request';
import { Transcript } from './transcript';
import { User } from './user';

/** Every table: the seed schema's 11, in dependency order, then the audit log, the recordings' per-person tracks, the Slack requests handled and recording consent. */
export const entities = [
  User,
  Room,
  Participant,
  Recording,
  Transcript,
  MeetingSummary,
  ActionItem,
  ParticipantReport,
  Session,
  RoomInvitation,
  Notification,
  AuditEvent,
  RecordingTrack,
  SlackRequest,
  RecordingConsent,
];
