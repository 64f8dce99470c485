import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { readdirSync } from 'node:fs';
import { waitForPhase } from '../../clients/video-events';
import { RecordingTrack, Room, Transcript } from '../../db/entities';
import { readChatLog } from '../../integrations/chat/log';
import { releaseRecorderRuntime } from '../../integrations/video/recorder/room-recorder';
import { statusQuery, type MeetingStatus } from '../../workflows/messages';
import { signUp, type TestApi } from '../helpers/api';
import { formSessionCookie, openBrowser, signInOnPage } from '../helpers/browser';
import { startLiveKitStack, type LiveKitStack } from '../helpers/livekit';
import { RELEASE_NOTES_HEARD, Speaker, speakerToken, speech } from '../helpers/speakers';
import { sleep, waitFor } from '../helpers/wait';

// Issue 17 end to end: three people in a real LiveKit room, Meetflow's own recorder, local Whisper. One of them
// declines through POST /meetings/{id}/consent before speaking: nothing of hers is recorded, and neither her words
// nor her name reach the transcript, the summary or anyone else's report; the audit log has her decision.
jest.setTimeout(420_000);

let stack: LiveKitStack;
let env: TestWorkflowEnvironment;
let api: TestApi;
const speakers: Speaker[] = [];

beforeAll(async () => {
  stack = await startLiveKitStack('consent', { RECORDER: 'tracks', TRANSCRIPTION_PROVIDER: 'local' }, { departureTimeoutSeconds: 1 });
  ({ env, api } = stack);
}, 120_000);

afterAll(async () => {
  await Promise.all(speakers.map((speaker) => speaker.leave().catch(() => undefined)));
  await stack?.stop();
  await releaseRecorderRuntime();
});

const query = <T extends object>(sql: string, params: unknown[]) => stack.orm.em.fork().getConnection().execute<T[]>(sql, params);

test('one of three declines before speaking: no track, file, word or name of hers is stored; her decision is audited', async () => {
  const alice = await signUp(api, 'Alice Archer');
  const bob = await signUp(api, 'Bob Baker');
  const cora = await signUp(api, 'Cora Quill');
  const created = await api.call('POST', '/meetings', {
    token: alice.token,
    body: { title: 'Launch plan', start: new Date(Date.now() + 1000).toISOString(), invitees: [bob.user.email, cora.user.email], settings: { reminderMinutesBefore: 0 } },
  });
  expect(created.status).toBe(201);
  const { meeting, workflowId } = created.body;
  const handle = env.client.workflow.getHandle(workflowId);

  // The invite says the meeting is recorded, in the email and in the DM.
  const invitesOf = () => query<{ type: string; message: string }>(`select type, message from notifications where user_id = ? and type like 'meeting_invite%' order by type`, [cora.user.id]);
  await waitFor("Cora's invites", async () => (await invitesOf()).length === 2, 30_000, 200);
  const invites = await invitesOf();
  expect(invites.map((invite) => [invite.type, /recorded/.test(invite.message)])).toEqual([
    ['meeting_invite', true],
    ['meeting_invite_dm', true],
  ]);
  expect(invites[0].message).toContain(`/meetings/${meeting.id}/room#recording-consent`);

  // Cora declines before the meeting starts; her join page then says so and offers to undo it.
  const declined = await api.call('POST', `/meetings/${meeting.id}/consent`, { token: cora.token, body: { record: false } });
  expect(declined.status).toBe(200);
  const page = await (await fetch(`${api.url}/meetings/${meeting.id}/room`, { headers: { cookie: await formSessionCookie(api.url, cora.user.email) } })).text();
  expect(page).toContain('You are not recorded in this meeting');
  expect(page).toMatch(/<button type="submit" id="consent-toggle">Record me<\/button>/);

  // Bob tries the join page's switch in a real browser: off, then on again (he is recorded in the end).
  const { context, page: bobsPage } = await openBrowser({ viewport: { width: 1024, height: 768 } });
  try {
    const link = `${api.url}/meetings/${meeting.id}/room`;
    await signInOnPage(bobsPage, link, bob.user.email);
    await expect(bobsPage.locator('#consent-state').innerText()).resolves.toBe('You are recorded in this meeting.');
    await bobsPage.getByRole('button', { name: "Don't record me" }).click();
    await bobsPage.waitForURL(`${link}#recording-consent`);
    await expect(bobsPage.locator('#consent-state').innerText()).resolves.toMatch(/^You are not recorded in this meeting/);
    await bobsPage.getByRole('button', { name: 'Record me' }).click();
    await waitFor("Bob's page to say he is recorded again", async () => (await bobsPage.locator('#consent-state').innerText()) === 'You are recorded in this meeting.', 15_000, 100);
  } finally {
    await context.close();
  }

  await waitForPhase(handle, ['live'], 120_000);
  const roomName = (await stack.orm.em.fork().findOneOrFail(Room, meeting.id)).livekitRoomName;
  const credentials = { apiKey: stack.livekit.apiKey, apiSecret: stack.livekit.apiSecret };
  const join = async (person: typeof alice) => {
    const { speaker } = await Speaker.join(stack.livekit.url, await speakerToken(credentials, roomName, person.user.id, person.user.name));
    speakers.push(speaker);
    return speaker;
  };
  const tracks = () => stack.orm.em.fork().find(RecordingTrack, { recording: { room: meeting.id } }, { orderBy: { identity: 'asc', part: 'asc' } });

  const [aliceSpeaker, bobSpeaker, coraSpeaker] = [await join(alice), await join(bob), await join(cora)];
  await waitFor('all three present in the meeting', async () => (await handle.query(statusQuery)).participants.filter((p) => p.present).length === 3, 30_000, 200);
  await waitFor('Alice and Bob to be recorded', async () => {
    const recorded = new Set((await tracks()).map((t) => t.identity));
    return recorded.has(alice.user.id) && recorded.has(bob.user.id);
  }, 60_000, 200);

  await aliceSpeaker.say(speech('Good morning. We will ship the new website on Monday.', 'en-us'));
  await bobSpeaker.say(speech('I will write the release notes by Friday.', 'en-us+m3'));
  await coraSpeaker.say(speech('My purple elephant budget needs another ten thousand dollars.', 'en-gb+f3'));
  await sleep(1500);
  for (const speaker of [aliceSpeaker, bobSpeaker, coraSpeaker]) await speaker.leave();
  speakers.length = 0;

  const status = (await handle.result()) as MeetingStatus;
  expect(status.phase).toBe('completed');
  expect(status.consent?.map((c) => [c.userId, c.record]).sort()).toEqual([
    [bob.user.id, true],
    [cora.user.id, false],
  ].sort());

  // Recorded: Alice and Bob, each in a file of their own; of Cora, no row and no file.
  const rows = await tracks();
  expect(new Set(rows.map((t) => t.identity))).toEqual(new Set([alice.user.id, bob.user.id]));
  const dir = rows[0].filePath.slice(0, rows[0].filePath.lastIndexOf('/'));
  const files = readdirSync(dir);
  expect(files.filter((file) => file.startsWith(alice.user.id)).length).toBeGreaterThan(0);
  expect(files.filter((file) => file.startsWith(cora.user.id))).toEqual([]);

  // The others' words are in the transcript (the check below could fail); hers and her name are not.
  const hers = /purple|elephant|ten thousand|cora|quill/i;
  const transcript = await stack.orm.em.fork().findOneOrFail(Transcript, { room: meeting.id });
  expect(transcript.text).toMatch(/web ?site/i);
  expect(transcript.text).toMatch(RELEASE_NOTES_HEARD);
  expect(transcript.text).not.toMatch(hers);
  expect(JSON.stringify(transcript.segments)).not.toMatch(hers);
  expect(JSON.stringify(transcript.words)).not.toMatch(hers);

  const [summary] = await query<Record<string, unknown>>(`select executive_summary, key_points, decisions, topics from meeting_summaries where room_id = ?`, [meeting.id]);
  expect(JSON.stringify(summary)).toMatch(/web ?site|release/i);
  expect(JSON.stringify(summary)).not.toMatch(hers);
  const items = await query<{ title: string; description: string | null; assigned_to_id: string | null }>(`select title, description, assigned_to_id from action_items where room_id = ?`, [meeting.id]);
  expect(items.some((item) => item.assigned_to_id === cora.user.id || hers.test(`${item.title} ${item.description ?? ''}`))).toBe(false);

  // Everyone else's report leaves her out; her own (she was there) has no words of hers and no speaking time.
  const reports = await query<{ user_id: string; report_content: string; key_contributions: unknown; speaking_time: number }>(
    `select p.user_id, r.report_content, r.key_contributions, r.speaking_time from participant_reports r join participants p on p.id = r.participant_id where r.room_id = ?`,
    [meeting.id],
  );
  const others = reports.filter((report) => report.user_id !== cora.user.id);
  expect(others.map((report) => report.user_id).sort()).toEqual([alice.user.id, bob.user.id].sort());
  for (const report of others) expect(JSON.stringify([report.report_content, report.key_contributions])).not.toMatch(hers);
  const own = reports.find((report) => report.user_id === cora.user.id);
  expect(own && { speakingTime: own.speaking_time, words: /purple|elephant|ten thousand/i.test(JSON.stringify([own.report_content, own.key_contributions])) }).toEqual({ speakingTime: 0, words: false });

  // She still gets her recap, as everyone does.
  const recaps = (await readChatLog(stack.world.dataDir)).filter((dm) => dm.key.includes('results'));
  expect(recaps.filter((dm) => dm.to === cora.user.email)).toHaveLength(1);

  // The audit log: each decision once, by the person who took it (Bob's two from the page, Cora's from the API).
  const audit = await query<{ actor_id: string; details: { record: boolean } }>(`select actor_id, details from audit_events where action = 'meeting.consent' and target_id = ? order by occurred_at`, [meeting.id]);
  expect(audit.map((row) => [row.actor_id, row.details.record])).toEqual([
    [cora.user.id, false],
    [bob.user.id, false],
    [bob.user.id, true],
  ]);
});
