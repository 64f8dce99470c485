import type { MikroORM } from '@mikro-orm/postgresql';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { ActionItem, MeetingSummary, Notification, Participant, Recording, Transcript } from '../../db/entities';
import { recordingWorkflowId } from '../../workflows/ids';
import { approveRecapUpdate, recapStatusQuery } from '../../workflows/messages';
import { recordingPipelineWorkflow } from '../../workflows/recording-pipeline';
import { openTestOrm, unique } from '../helpers/db';
import { createRoom, createUser } from '../helpers/factories';
import { timeSkippingEnvironment } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';
import { testWorker, testWorld } from '../helpers/worker';

// The host's approval waits minutes, days or forever: the time-skipping test server makes that time pass at once.
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let worker: Worker;
const world = testWorld('recap-approval');

beforeAll(async () => {
  [env, orm] = await Promise.all([timeSkippingEnvironment(), openTestOrm()]);
});

// No workflow cache: a worker stopped mid-wait leaves no sticky queue behind, and every task replays the history.
const NO_CACHE = { maxCachedWorkflows: 0 };

beforeEach(async () => {
  worker = await testWorker(env, orm, world, NO_CACHE);
});

afterAll(async () => {
  await env?.teardown();
  await orm?.close();
});

/** A processed meeting: host and guest joined, its transcript and its summary (with an action item) stored. */
async function processedMeeting() {
  const em = orm.em.fork();
  const host = await createUser(em, { name: 'Alice Host' });
  const guest = await createUser(em, { name: 'Bob Guest' });
  const room = await createRoom(em, host, { name: 'Launch review' });
  for (const user of [host, guest]) em.create(Participant, { room, user, role: user === host ? 'host' : 'participant', status: 'left', joinedAt: new Date(), leftAt: new Date(), duration: 60 });
  const recording = em.create(Recording, { room, livekitRecordingId: unique('EG') });
  const segments = [
    { speaker: 'Alice Host', start: 0, end: 10, text: 'We launch on Monday.' },
    { speaker: 'Bob Guest', start: 10, end: 20, text: 'I will write the release notes by Friday.' },
  ];
  const transcript = em.create(Transcript, { recording, room, text: segments.map((s) => `${s.speaker}: ${s.text}`).join('\n'), segments, hasSpeakers: true, speakerCount: 2 });
  const summary = em.create(MeetingSummary, { room, transcript, executiveSummary: 'The team agreed to launch on Monday.', decisions: [{ text: 'Launch on Monday' }] });
  em.create(ActionItem, { room, summary, assignedTo: guest, position: 0, title: 'Write the release notes' });
  await em.flush();
  return { host, guest, room, recordingId: recording.livekitRecordingId!, summary };
}

async function startPipeline(roomId: string, recordingId: string, autoReleaseMinutes: number) {
  // The recording was transcribed already: the pipeline picks the stored transcript up (no recordingId to transcribe).
  return env.client.workflow.start(recordingPipelineWorkflow, {
    workflowId: recordingWorkflowId(roomId, recordingId),
    taskQueue: world.taskQueue,
    args: [{ roomId, approval: { autoReleaseMinutes } }],
  });
}

const messagesOf = (roomId: string, type: string) => orm.em.fork().find(Notification, { type, data: { roomId } }, { populate: ['user'] });
/** The recap awaits the host, and the host has its draft (stored as awaiting first, the draft DM follows). */
async function awaitingHost(handle: WorkflowHandle, roomId: string): Promise<void> {
  await waitFor('the recap to await its host', async () => (await handle.query(recapStatusQuery).catch(() => null))?.state === 'awaiting', 30_000);
  await waitFor('the draft DM to be sent', async () => (await messagesOf(roomId, 'recap_draft')).some((row) => row.deliveryStatus === 'sent'), 15_000);
}
const recipients = async (roomId: string) => (await messagesOf(roomId, 'meeting_summary')).map((row) => row.user.name).sort();

test('the host gets the draft with Approve / Edit / Discard; the recap goes out by itself after 30 minutes, not before', async () => {
  const { room, recordingId } = await processedMeeting();
  await worker.runUntil(async () => {
    const handle = await startPipeline(room.id, recordingId, 30);
    await awaitingHost(handle, room.id);
    const [draft] = await messagesOf(room.id, 'recap_draft');
    expect(draft.user.name).toBe('Alice Host');
    expect(draft.message).toContain('The team agreed to launch on Monday.');
    expect(draft.message).toContain('Write the release notes (Bob Guest)');
    expect(await recipients(room.id)).toEqual([]);

    await env.sleep('29 minutes');
    expect((await handle.query(recapStatusQuery))?.state).toBe('awaiting');
    expect(await recipients(room.id)).toEqual([]);

    await env.sleep('2 minutes');
    const result = await handle.result();
    expect(result.approval).toBe('released');
    expect(await recipients(room.id)).toEqual(['Alice Host', 'Bob Guest']);
  });
  const stored = await orm.em.fork().findOneOrFail(MeetingSummary, { room: room.id });
  expect(stored.approvalState).toBe('released');
});

test('with auto-release 0 nothing goes out however long the host waits, across a worker restart; approving sends it once, a second approval is refused', async () => {
  const { host, room, recordingId } = await processedMeeting();
  const handle = await worker.runUntil(async () => {
    const started = await startPipeline(room.id, recordingId, 0);
    await awaitingHost(started, room.id);
    return started;
  });
  // That worker has stopped (runUntil ends it): a new one takes the waiting workflow up from its history.
  worker = await testWorker(env, orm, world, NO_CACHE);
  await worker.runUntil(async () => {
    await env.sleep('30 days');
    expect((await handle.query(recapStatusQuery))?.state).toBe('awaiting');
    expect(await recipients(room.id)).toEqual([]);

    const approved = await handle.executeUpdate(approveRecapUpdate, { args: [{ decision: 'approve', actorId: host.id }] });
    expect(approved.state).toBe('approved');
    const again = handle.executeUpdate(approveRecapUpdate, { args: [{ decision: 'approve', actorId: host.id }] });
    await expect(again).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(again).rejects.toMatchObject({ cause: { message: 'the recap was already approved: nothing awaits approval' } });
    expect((await handle.result()).approval).toBe('approved');
  });
  expect(await recipients(room.id)).toEqual(['Alice Host', 'Bob Guest']);
});

test('a discarded recap reaches nobody, and its auto-release timer never fires', async () => {
  const { host, room, recordingId } = await processedMeeting();
  await worker.runUntil(async () => {
    const handle = await startPipeline(room.id, recordingId, 10);
    await awaitingHost(handle, room.id);
    await handle.executeUpdate(approveRecapUpdate, { args: [{ decision: 'discard', actorId: host.id }] });
    const result = await handle.result();
    expect(result.approval).toBe('discarded');
    expect(result.delivered).toBe(0);
    await env.sleep('1 hour');
  });
  expect(await recipients(room.id)).toEqual([]);
  expect((await orm.em.fork().findOneOrFail(MeetingSummary, { room: room.id })).approvalState).toBe('discarded');
});
