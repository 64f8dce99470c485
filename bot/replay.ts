import type { IncomingMessage } from 'node:http';
import { HTTPReceiver, LogLevel, type AnyMiddlewareArgs, type Middleware } from '@slack/bolt';
import type { BotDeps } from './deps';

/** Slack signs its timestamp; a request more than this far from our clock, either way, is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/** How long a handled request's key is kept: well past the ±5 minutes in which its signature holds. */
const REMEMBER_MINUTES = 60;

/**
 * The HTTP receiver Bolt would make, with what Bolt leaves out: Bolt refuses a timestamp more than five minutes
 * old, not one five minutes (or a year) ahead, so a signed request dated in the future could be replayed for as
 * long as its date lies ahead. The request's signature is kept in the listener's context for deduplication.
 */
export function slackReceiver(signingSecret: string): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret,
    logLevel: LogLevel.WARN,
    customPropertiesExtractor: (request) => ({ slackSignature: header(request, 'x-slack-signature') }),
  });
  const verified = receiver.requestListener;
  receiver.requestListener = (request, response) => {
    const timestamp = Number(header(request, 'x-slack-request-timestamp'));
    if (Number.isFinite(timestamp) && timestamp > Date.now() / 1000 + MAX_CLOCK_SKEW_SECONDS) {
      response.writeHead(401).end();
      return;
    }
    verified(request, response);
  };
  return receiver;
}

const header = (request: Pick<IncomingMessage, 'headers'>, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

type SlackBody = { event_id?: unknown; trigger_id?: unknown; team_id?: unknown; team?: { id?: unknown } | null };

/**
 * What makes a delivery the same one again: the event id (Slack's Events API retries, x-slack-retry-num), else
 * the trigger id (one per command, click or submission), else the signature (the same bytes sent again).
 */
export function deliveryKey(body: unknown, context: Record<string, unknown>): string | undefined {
  const fields = (body ?? {}) as SlackBody;
  const team = String(fields.team_id ?? fields.team?.id ?? '-');
  if (typeof fields.event_id === 'string' && fields.event_id) return `${team}:event:${fields.event_id}`;
  if (typeof fields.trigger_id === 'string' && fields.trigger_id) return `${team}:trigger:${fields.trigger_id}`;
  if (typeof context.slackSignature === 'string' && context.slackSignature) return `signature:${context.slackSignature}`;
  return undefined;
}

/**
 * True the first time this request is seen (then it is remembered), false for a replay or a retry. Stored in
 * PostgreSQL, so every bot replica agrees; each call also forgets the keys older than an hour. Call it after
 * ack(): it is a database round trip, and Slack waits for the ack.
 */
export async function firstDelivery(deps: Pick<BotDeps, 'orm'>, body: unknown, context: Record<string, unknown>): Promise<boolean> {
  const key = deliveryKey(body, context);
  if (!key) return true;
  const [row] = await deps.orm.em.fork().execute<{ claimed: number }[]>(
    `with forgotten as (delete from slack_requests where created_at < now() - make_interval(mins => ?)),
          claimed as (insert into slack_requests (delivery_key) values (?) on conflict (delivery_key) do nothing returning 1)
     select count(*)::integer as claimed from claimed`,
    [REMEMBER_MINUTES, key.slice(0, 300)],
  );
  return row.claimed === 1;
}

/** Events are acknowledged by Bolt before any middleware runs: an event seen before goes no further. */
export function dedupeEvents(deps: Pick<BotDeps, 'orm'>): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    if ((body as SlackBody).event_id && !(await firstDelivery(deps, body, context))) return;
    await next();
  };
}
