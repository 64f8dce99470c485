import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { findLiveSessionByHash, hashToken, type LiveSession } from './sessions';

/** The channel the triggers of migration 20261202153000 notify, with the id of the user whose sessions changed. */
export const AUTH_CHANGES_CHANNEL = 'meetflow_auth';

export interface SessionCacheOptions {
  /** How long a live session is kept at most (SESSION_CACHE_SECONDS); 0 turns the cache off. */
  seconds: number;
  /** The most sessions kept; the oldest goes first. */
  maxEntries?: number;
  /** First wait before listening again after the connection is lost; doubles up to 30 s. */
  reconnectMs?: number;
}

interface Entry {
  session: LiveSession;
  /** Epoch ms: the cache's own limit or the session's expiry, whichever comes first. */
  until: number;
}

const MAX_RECONNECT_MS = 30_000;
/** Its connection's application_name, with the process id after it: operators see which API process listens. */
export const SESSION_CACHE_APPLICATION = 'meetflow-session-cache';

/**
 * Live sessions of bearer tokens and cookies, kept in memory so an authenticated request makes no round trip for
 * its session (bench/api: GET /meetings/:id about 1.45× the requests per second). Correct while PostgreSQL can tell
 * it about changes: a trigger notifies every change to a session or a user (a revocation, a deactivation, a new
 * role), and the process drops that user's sessions when the notice arrives, a few milliseconds after the change
 * commits. This process's own revocations drop them at once (`forgetUser`). Without its listening connection the
 * cache keeps nothing and every request reads the database, until it listens again. Unknown tokens are never
 * kept, so a guessed token always costs a lookup.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly tokensOfUser = new Map<string, Set<string>>();
  /** Changes on each notice and on each loss of the connection: a lookup that spans one does not keep its answer. */
  private epoch = 0;
  private listener?: Client;
  private listening = false;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;

  private constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
    private readonly options: Required<SessionCacheOptions>,
  ) {}

  /** Starts listening; resolves once it listens (or at once when the cache is off). A failed start retries in the background. */
  static async start(databaseUrl: string, log: Logger, options: SessionCacheOptions): Promise<SessionCache> {
    const cache = new SessionCache(databaseUrl, log, { maxEntries: 10_000, reconnectMs: 1_000, ...options });
    if (options.seconds > 0) await cache.listen(cache.options.reconnectMs);
    return cache;
  }

  get isListening(): boolean {
    return this.listening;
  }

  async find(em: EntityManager, token: string): Promise<LiveSession | null> {
    const key = hashToken(token);
    const kept = this.entries.get(key);
    if (kept && kept.until > Date.now()) return kept.session;
    if (kept) this.drop(key, kept.session.user.id);
    const epoch = this.epoch;
    const session = await findLiveSessionByHash(em, key);
    if (session && this.listening && epoch === this.epoch) this.keep(key, session);
    return session;
  }

  /** Drops every kept session of this user: called by this process's own revocations, and on each notice. */
  forgetUser(userId: string): void {
    this.epoch += 1;
    for (const key of this.tokensOfUser.get(userId) ?? []) this.entries.delete(key);
    this.tokensOfUser.delete(userId);
  }

  get size(): number {
    return this.entries.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.forgetAll();
    await this.listener?.end().catch(() => undefined);
  }

  private keep(key: string, session: LiveSession): void {
    if (this.entries.size >= this.options.maxEntries) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry];
      this.drop(oldestKey, oldest.session.user.id);
    }
    const until = Math.min(Date.now() + this.options.seconds * 1000, session.expiresAt.getTime());
    this.entries.set(key, { session: frozen(session), until });
    const tokens = this.tokensOfUser.get(session.user.id) ?? new Set<string>();
    tokens.add(key);
    this.tokensOfUser.set(session.user.id, tokens);
  }

  private drop(key: string, userId: string): void {
    this.entries.delete(key);
    const tokens = this.tokensOfUser.get(userId);
    tokens?.delete(key);
    if (tokens?.size === 0) this.tokensOfUser.delete(userId);
  }

  private forgetAll(): void {
    this.epoch += 1;
    this.entries.clear();
    this.tokensOfUser.clear();
  }

  /** Connects and listens; on failure tries again after `waitOnFailureMs`, twice as long each time up to 30 s. */
  private async listen(waitOnFailureMs: number): Promise<void> {
    if (this.stopped) return;
    // TCP keepalive: a connection cut without a reset (a dead host, a dropped route) is noticed, not listened on forever.
    const client = new Client({ connectionString: this.databaseUrl, application_name: `${SESSION_CACHE_APPLICATION}-${process.pid}`, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    client.on('notification', (message) => {
      if (message.channel === AUTH_CHANGES_CHANNEL && message.payload) this.forgetUser(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the connection ended')));
    try {
      await client.connect();
      await client.query(`listen ${AUTH_CHANGES_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.log.warn({ err: error, retryInMs: waitOnFailureMs }, 'session cache cannot listen for changes: every request reads its session from the database');
      return this.retryIn(waitOnFailureMs);
    }
    if (this.stopped) return void (await client.end().catch(() => undefined));
    this.listener = client;
    this.listening = true;
    this.log.info('session cache listening for session and user changes');
  }

  private lost(client: Client, error: Error): void {
    if (client !== this.listener) return;
    this.listener = undefined;
    this.listening = false;
    this.forgetAll();
    if (this.stopped) return;
    this.log.warn({ err: error }, 'session cache lost its connection: every request reads its session from the database until it listens again');
    client.end().catch(() => undefined);
    this.retryIn(this.options.reconnectMs);
  }

  private retryIn(waitMs: number): void {
    if (this.stopped) return;
    this.reconnectTimer = setTimeout(() => void this.listen(Math.min(waitMs * 2, MAX_RECONNECT_MS)), waitMs);
    this.reconnectTimer.unref();
  }
}

/** Requests share a kept session: one that changed it would change it for all, so trying to throws instead. */
function frozen(session: LiveSession): LiveSession {
  Object.freeze(session.user.notificationPreferences);
  Object.freeze(session.user);
  return Object.freeze(session);
}
