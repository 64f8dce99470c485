import type { Actor } from '../commands/types';
import type { UserEntity } from '../db/entities';

/** The person who typed the command or pressed the button, as commands know them (audited with their Slack id). */
export const slackActor = (me: UserEntity): Actor & { kind: 'person' } => ({ kind: 'person', user: me, source: 'slack', details: { slackUserId: me.oauthId ?? null } });
