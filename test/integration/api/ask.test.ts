import { signUp, startApiStack, type ApiStack } from '../../helpers/api';
import { playRecordedMeeting, vttOf } from '../../helpers/meeting';
import { testWorld, type TestWorld } from '../../helpers/worker';

// Questions across meetings (POST /ask) on the real stack: answers quote the lines that match, with who said them,
// in which meeting and where; a meeting the asker may not see is never quoted, even when it matches better.
let stack: ApiStack;
let world: TestWorld;

beforeAll(async () => {
  world = testWorld('api-ask');
  stack = await startApiStack(world);
}, 120_000);

afterAll(() => stack?.stop());

async function heldMeeting(host: Awaited<ReturnType<typeof signUp>>, title: string, guests: Awaited<ReturnType<typeof signUp>>[], lines: [string, string][]) {
  const { meeting, workflowId } = (
    await stack.api.call('POST', '/meetings', { token: host.token, body: { title, start: new Date(Date.now() + 1000).toISOString(), invitees: guests.map((g) => g.user.email), settings: { reminderMinutesBefore: 0 } } })
  ).body;
  await playRecordedMeeting(stack.env.client.workflow.getHandle(workflowId), world.dataDir, [host, ...guests].map((p) => ({ id: p.user.id })), vttOf(lines));
  return meeting.id as string;
}

test('a question is answered with quoted lines from my meetings only, each cited with speaker, meeting, time and link', async () => {
  const { api } = stack;
  const alice = await signUp(api, 'Alice Archer');
  const bob = await signUp(api, 'Bob Baker');
  const carol = await signUp(api, 'Carol Secret');
  const planning = await heldMeeting(alice, 'Quarterly planning', [bob], [
    ['Alice Archer', 'Welcome everyone, let us go through the plan for the quarter.'],
    ['Bob Baker', 'We decided to cut the travel budget by ten percent.'],
    ['Alice Archer', 'The hiring plan stays as it is.'],
  ]);
  // Carol's own meeting matches the same words, more often: it must never reach Alice or Bob.
  const secret = await heldMeeting(carol, 'Board only', [], [
    ['Carol Secret', 'The budget decision: the board decided the budget for the merger stays confidential.'],
    ['Carol Secret', 'The merger budget is forty million.'],
  ]);

  const asked = await api.call('POST', '/ask', { token: bob.token, body: { question: 'What did we decide about the budget?' } });
  expect(asked.status).toBe(200);
  expect(asked.body.citations[0]).toEqual({
    meeting: { id: planning, title: 'Quarterly planning', start: expect.any(String) },
    speaker: 'Bob Baker',
    at: 10,
    text: 'We decided to cut the travel budget by ten percent.',
    url: `${world.cfg.PUBLIC_URL}/meetings/${planning}/notes#segment-1`,
  });
  expect(asked.body.answer).toMatch(/^From your meetings:\n• “We decided to cut the travel budget by ten percent\.” \(Bob Baker, Quarterly planning, \d{4}-\d{2}-\d{2} at 0:10\)/);
  expect(JSON.stringify(asked.body)).not.toMatch(/merger|Board only|forty million/);
  expect(asked.body.citations.every((c: { meeting: { id: string } }) => c.meeting.id !== secret)).toBe(true);

  // Carol, asking the same, gets her own meeting and never Bob's.
  const hers = (await api.call('POST', '/ask', { token: carol.token, body: { question: 'What did we decide about the budget?' } })).body;
  expect(new Set(hers.citations.map((c: { meeting: { id: string } }) => c.meeting.id))).toEqual(new Set([secret]));

  // Nothing matching is said so, with what was looked for.
  const nothing = (await api.call('POST', '/ask', { token: bob.token, body: { question: 'What about the zeppelin?' } })).body;
  expect(nothing).toMatchObject({ citations: [], answer: expect.stringMatching(/^Nothing in the meetings you can see matches .*\(looked for: zeppelin\)/) });
});

test('"what do I owe Alice?" lists my open action items from her meetings, linked to the item', async () => {
  const { api } = stack;
  const alice = await signUp(api, 'Alice Owed');
  const dan = await signUp(api, 'Dan Doer');
  const due = new Date(Date.now() + 4 * 86_400_000).toISOString().slice(0, 10);
  const meetingId = await heldMeeting(alice, 'Launch sync', [dan], [
    ['Alice Owed', 'Where are we with the launch?'],
    ['Dan Doer', `I will send the pricing sheet by ${due}.`],
  ]);
  const answer = (await api.call('POST', '/ask', { token: dan.token, body: { question: 'What do I owe Alice?' } })).body;
  expect(answer.actionItems).toEqual([expect.objectContaining({ title: expect.stringMatching(/send the pricing sheet/i), dueDate: due, meeting: { id: meetingId, title: 'Launch sync' } })]);
  expect(answer.answer).toMatch(/^Your open action items from meetings Alice Owed hosted:\n• [^\n]*pricing sheet/i);
  // Alice owes nothing: she is told so.
  expect((await api.call('POST', '/ask', { token: alice.token, body: { question: 'what do I owe Dan?' } })).body.answer).toBe('You have no open action items.');
});

test('a question that is not one is a 400 that says what to send', async () => {
  const { api } = stack;
  const eve = await signUp(api, 'Eve Empty');
  const answer = await api.call('POST', '/ask', { token: eve.token, body: { question: ' ?' } });
  expect([answer.status, answer.body.errors?.[0]?.field]).toEqual([400, 'body.question']);
});
