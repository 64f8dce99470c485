import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import getRawBody from 'raw-body';
import { ActionItem, MeetingSummary, Participant, ParticipantReport, Session, Transcript, type Person } from '../../db/entities';
import { PUBLISHED_SUMMARY } from '../../db/summaries';
import { meetingBrief } from '../../db/brief';
import { visibleMeetings } from '../../db/visibility';
import { completeActionItem } from '../../commands/action-items';
import { setRecordingConsent } from '../../commands/consent';
import { mayRecordIdentity } from '../../db/consent';
import { createSession } from '../../db/sessions';
import { findVisibleMeeting, joinToken } from '../../commands/meetings';
import { auditRequest, personActor } from '../audit';
import { commandDeps, type ApiDeps } from '../deps';
import { forgetSessionsOf } from '../middleware/auth';
import { asHttpError, HttpError } from '../middleware/errors';
import { rateLimit } from '../middleware/rate-limit';
import { clearSessionCookie, cookieSession, setSessionCookie } from '../middleware/session-cookie';
import { html, layout, STYLESHEET } from '../pages/html';
import { loginPage } from '../pages/login';
import { actionItemsPage, homePage, NOTES_SCRIPT, notesPage } from '../pages/notes';
import { ROOM_SCRIPT, roomPage } from '../pages/room';
import { deviceOf, type PasswordSignIn } from './auth';

/** The link people get in invites and reminders: the meeting's join page. */
export const meetingRoomPath = (roomId: string) => `/meetings/${roomId}/room`;

/** The page people read a meeting on (summary, action items, their report, the transcript): what messages link to. */
export const meetingNotesPath = (roomId: string) => `/meetings/${roomId}/notes`;

const OPEN = ['open', 'in_progress'] as const;

/** Only a path on this site: `next` comes from the query string, so it must not send people elsewhere. */
const safeNext = (value: unknown) => (typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/');

const livekitClientBuild = () => readFile(require.resolve('livekit-client'), 'utf8');

/**
 * The pages people open in a browser (the API's other routes are JSON for programs): sign in with a form that
 * sets the session cookie, and each meeting's join page. Page errors are pages; the token route answers JSON.
 */
export function pageRoutes(deps: ApiDeps, signIn: PasswordSignIn): Router {
  const router = new Router();
  const publicUrl = deps.cfg.PUBLIC_URL;
  let livekitClient: Promise<string> | undefined;

  const securityHeaders = (ctx: Context) => {
    const livekit = deps.cfg.LIVEKIT_URL ? new URL(deps.cfg.LIVEKIT_URL) : undefined;
    const secure = livekit?.protocol === 'wss:' || livekit?.protocol === 'https:';
    const livekitOrigins = livekit ? ['ws', 'http'].map((scheme) => `${scheme}${secure ? 's' : ''}://${livekit.host}`) : [];
    ctx.set('Content-Security-Policy', `default-src 'self'; connect-src 'self' ${livekitOrigins.join(' ')}; media-src 'self' blob: mediastream:; frame-ancestors 'none'; form-action 'self'`);
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.set('X-Content-Type-Options', 'nosniff');
  };

  /** A form post must come from this site's own pages (the browser's Origin header says where it comes from). */
  const sameOrigin = async (ctx: Context, next: Next) => {
    const origin = ctx.get('origin');
    // (Koa 3's ctx.origin is that header itself: this site's own origin is built from the request.)
    if (origin && origin !== new URL(publicUrl).origin && origin !== `${ctx.protocol}://${ctx.host}`) throw new HttpError(403, 'forbidden', 'This form must be sent from a Meetflow page');
    await next();
  };

  /** Errors of a page become a page with the same status (a non-member gets 404, as from the API). */
  const pageErrors = async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      const problem = asHttpError(error);
      if (!problem) throw error;
      ctx.status = problem.status;
      ctx.type = 'text/html; charset=utf-8';
      securityHeaders(ctx);
      ctx.body = layout({ title: 'Meetflow', body: html`<h1>${problem.status === 404 ? 'Not found' : 'This did not work'}</h1><p role="alert">${problem.message}</p><p><a href="/login">Sign in</a></p>` });
    }
  };

  const renderPage = (ctx: Context, page: string, status = 200) => {
    securityHeaders(ctx);
    ctx.status = status;
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page;
  };

  const asset = (type: string, body: () => Promise<string> | string) => async (ctx: Context) => {
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = await body();
  };
  router.get('/assets/meetflow.css', asset('text/css; charset=utf-8', () => STYLESHEET));
  router.get('/assets/room.js', asset('text/javascript; charset=utf-8', () => ROOM_SCRIPT));
  router.get('/assets/notes.js', asset('text/javascript; charset=utf-8', () => NOTES_SCRIPT));
  router.get('/assets/livekit-client.js', asset('text/javascript; charset=utf-8', () => (livekitClient ??= livekitClientBuild())));

  router.get('/login', pageErrors, async (ctx) => {
    const next = safeNext(ctx.query.next);
    if (await cookieSession(deps, ctx)) return ctx.redirect(next);
    renderPage(ctx, loginPage({ next }));
  });

  router.post('/login', pageErrors, sameOrigin, rateLimit(signIn.perIp, (ctx) => [`ip:${ctx.ip}`]), async (ctx) => {
    const form = new URLSearchParams(await getRawBody(ctx.req, { limit: '16kb', encoding: 'utf8' }));
    const [email, password, next] = [form.get('email') ?? '', form.get('password') ?? '', safeNext(form.get('next'))];
    if (!email || !password) return renderPage(ctx, loginPage({ next, email, error: 'Enter your email and your password.' }), 400);
    let user;
    try {
      user = await signIn.check(ctx, email, password);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return renderPage(ctx, loginPage({ next, email, error: error.message }), error.status);
    }
    const { token } = await createSession(deps.orm.em, user, deviceOf(ctx));
    setSessionCookie(ctx, token, publicUrl);
    ctx.status = 303;
    ctx.redirect(next);
  });

  router.post('/logout', pageErrors, sameOrigin, async (ctx) => {
    const session = await cookieSession(deps, ctx);
    if (session) {
      await deps.orm.em.nativeUpdate(Session, session.id, { revokedAt: new Date() });
      forgetSessionsOf(deps, session.user.id);
      await auditRequest(ctx, deps.orm.em, { actor: session.user, action: 'session.revoke', target: { type: 'session', id: session.id }, details: { how: 'sign out (page)' } });
    }
    clearSessionCookie(ctx, publicUrl);
    ctx.status = 303;
    ctx.redirect('/login');
  });

  /** The signed-in person, or a redirect to the sign-in form that comes back here. */
  const signedIn = async (ctx: Context): Promise<Person | undefined> => {
    const session = await cookieSession(deps, ctx);
    if (!session) ctx.redirect(`/login?next=${encodeURIComponent(ctx.path)}`);
    return session?.user;
  };

  router.get('/meetings/:id/room', pageErrors, async (ctx) => {
    const user = await signedIn(ctx);
    if (!user) return;
    const room = await findVisibleMeeting(commandDeps(deps), personActor(ctx, user), ctx.params.id);
    const recorded = await mayRecordIdentity(deps.orm.em.fork(), room.id, user.id, deps.cfg.RECORDING_CONSENT_DEFAULT);
    renderPage(ctx, roomPage(room, user, deps.providers.video.recordingMode, { recorded, eventId: randomUUID() }));
  });

  // The join page's recording switch (a form, like the notes page's Done): the same command as POST /meetings/{id}/consent.
  router.post('/meetings/:id/room/consent', pageErrors, sameOrigin, async (ctx) => {
    const user = await signedIn(ctx);
    if (!user) return;
    const form = new URLSearchParams(await getRawBody(ctx.req, { limit: '4kb', encoding: 'utf8' }));
    const record = form.get('record');
    if (record !== 'true' && record !== 'false') throw new HttpError(400, 'validation_error', 'record must be true or false');
    const eventId = form.get('eventId') || undefined;
    await setRecordingConsent(commandDeps(deps), personActor(ctx, user), { roomId: ctx.params.id, record: record === 'true', eventId: eventId?.slice(0, 200) });
    ctx.status = 303;
    ctx.redirect(`${meetingRoomPath(ctx.params.id)}#recording-consent`);
  });

  router.get('/', (ctx) => ctx.redirect('/home'));

  router.get('/home', pageErrors, async (ctx) => {
    const user = await signedIn(ctx);
    if (user) renderPage(ctx, homePage(user, await visibleMeetings(deps.orm.em.fork(), user, { scope: 'own', limit: 100 })));
  });

  router.get('/home/action-items', pageErrors, async (ctx) => {
    const user = await signedIn(ctx);
    if (!user) return;
    const em = deps.orm.em.fork();
    const options = { populate: ['room', 'assignedTo'] as const, orderBy: { dueDate: 'asc' as const, createdAt: 'asc' as const } };
    const [mine, hosted] = await Promise.all([
      em.find(ActionItem, { assignedTo: user.id, status: { $in: [...OPEN] }, summary: PUBLISHED_SUMMARY }, options),
      em.find(ActionItem, { room: { host: user.id }, status: { $in: [...OPEN] }, summary: PUBLISHED_SUMMARY }, options),
    ]);
    renderPage(ctx, actionItemsPage(user, mine, hosted));
  });

  router.get('/meetings/:id/notes', pageErrors, async (ctx) => {
    const user = await signedIn(ctx);
    if (!user) return;
    const actor = personActor(ctx, user);
    const room = await findVisibleMeeting(commandDeps(deps), actor, ctx.params.id);
    const em = deps.orm.em.fork();
    const [participants, summaries, transcript, brief] = await Promise.all([
      em.find(Participant, { room: room.id }, { populate: ['user'], orderBy: { role: 'asc', createdAt: 'asc' } }),
      em.find(MeetingSummary, { room: room.id, ...PUBLISHED_SUMMARY }, { orderBy: { version: 'desc', createdAt: 'desc' } }),
      em.findOne(Transcript, { room: room.id }, { orderBy: { createdAt: 'desc' } }),
      meetingBrief(em, room, user),
    ]);
    const latest = summaries[0];
    const [items, report] = latest
      ? await Promise.all([
          em.find(ActionItem, { summary: latest.id }, { populate: ['assignedTo', 'room'], orderBy: { position: 'asc' } }),
          em.findOne(ParticipantReport, { summary: latest.id, participant: { user: user.id } }),
        ])
      : [[], null];
    // Read on a page as through the API: the same audit rows.
    if (latest) await auditRequest(ctx, em, { actor: user, action: 'summary.read', target: { type: 'summary', id: latest.id }, details: { meetingId: room.id, version: latest.version, via: 'notes page' } });
    if (transcript && !transcript.purgedAt) await auditRequest(ctx, em, { actor: user, action: 'transcript.read', target: { type: 'transcript', id: transcript.id }, details: { meetingId: room.id, via: 'notes page' } });
    renderPage(ctx, notesPage({ room, user, participants, summaries, items, report: report ?? undefined, transcript: transcript ?? undefined, brief }));
  });

  // A form on the notes page (works without script): the same command and rules as PATCH /action-items/{id}.
  router.post('/meetings/:id/notes/action-items/:itemId/done', pageErrors, sameOrigin, async (ctx) => {
    const user = await signedIn(ctx);
    if (!user) return;
    const item = await completeActionItem(commandDeps(deps), personActor(ctx, user), ctx.params.itemId);
    ctx.status = 303;
    ctx.redirect(`${meetingNotesPath(item.room.id)}#item-${item.id}`);
  });

  // JSON for the page's script: the errors are the API's problem documents.
  router.get('/meetings/:id/room/token', async (ctx) => {
    const session = await cookieSession(deps, ctx);
    if (!session) throw new HttpError(401, 'unauthenticated', 'Sign in again (your session ended)');
    const actor = personActor(ctx, session.user);
    const room = await findVisibleMeeting(commandDeps(deps), actor, ctx.params.id);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await joinToken(deps.providers.video, actor, room);
  });

  return router;
}
