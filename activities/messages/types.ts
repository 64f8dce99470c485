import type { UserEntity } from '../../db/entities';
import type { ChatLayout } from '../../integrations/chat/types';
import type { MailMessage } from '../../integrations/mail/types';

/** What composing a message needs to know about the deployment. */
export interface MessageSettings {
  /** Where links point (the API). */
  publicUrl: string;
  /** The deployment's time zone, for people whose own is unknown. */
  timeZone: string;
}

export interface OutgoingMessage {
  /** Deterministic: the same logical message always has the same key (messageKeys builds them all). */
  key: string;
  user: UserEntity;
  type: string;
  title: string;
  text: string;
  /** The rich version of the message, for chat platforms that lay messages out. */
  layout?: ChatLayout;
  data?: Record<string, unknown>;
  actionUrl?: string;
  /** An email version; used when chat cannot reach the user, or sent as well when `alsoEmail`. */
  email?: Omit<MailMessage, 'to' | 'idempotencyKey'>;
  channel: 'chat' | 'email' | 'chat-or-email';
  /** The provider id of an earlier chat message to rewrite in place instead of sending a new one. */
  replaces?: string;
}

/** A person's own time zone when the chat platform told us (Slack users.info), else the deployment's. */
export const zoneOf = (user: UserEntity, settings: MessageSettings) => String(user.notificationPreferences.timeZone ?? settings.timeZone);
