import { startFakeAnthropic, textAnswer, type FakeAnthropic } from '../../fakes/anthropic';
import { type FakeOllama, ollamaError, startFakeOllama, textReply } from '../../fakes/ollama';
import { apiDeps, signUp, startApi, startApiStack, type ApiStack, type TestApi } from '../../helpers/api';
import { playRecordedMeeting, vttOf } from '../../helpers/meeting';
import { testWorld, type TestWorld } from '../../helpers/worker';

// Questions across meetings (POST /ask) on the real stack: answers quote the lines that match, with who said them,
// in which meeting and where; a meeting the asker may not see is never quoted, even when it matches better.
let stack: ApiStack;
let world: TestWorld;
// The same API with Claude configured (its real SDK, pointed at the Anthropic stand-in), on the same database.
let anthropic: FakeAnthropic;
let withClaude: TestApi;
// And with a self-hosted model on Ollama (the real ollama client, pointed at its stand-in).
let ollama: FakeOllama;
let withOllama: TestApi;

beforeAll(async () => {
  world = testWorld('api-ask');
  stack = await startApiStack(world);
  anthropic = await startFakeAnthropic();
  const claudeWorld = testWorld('api-ask-claude', { SUMMARIZER_PROVIDER: 'local', ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: anthropic.url });
  withClaude = await startApi(apiDeps(stack.orm, stack.env.connection, world, { providers: { ...world.providers, answerer: claudeWorld.providers.answerer } }));
  ollama = await startFakeOllama();
  const ollamaWorld = testWorld('api-ask-ollama', { OLLAMA_HOST: ollama.host, OLLAMA_MODEL: 'llama3.1:8b' });
  withOllama = await startApi(apiDeps(stack.orm, stack.env.connection, world, { providers: { ...world.providers, answerer: ollamaWorld.providers.answerer } }));
}, 120_000);

afterAll(async () => {
  await withClaude?.close();
  await anthropic?.close();
  await withOllama?.close();
  await ollama?.close();
  await stack?.stop();
});

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

test('a question two meetings speak to cites both, even when one of them repeats the words in many lines', async () => {
  const { api } = stack;
  const dana = await signUp(api, 'Dana Drummer');
  const chatty = await heldMeeting(dana, 'Vendor review', [], [
    ['Dana Drummer', 'The printer vendor sent another printer quote.'],
    ['Dana Drummer', 'Printer paper, printer toner, printer service: the printer quote covers all of it.'],
    ['Dana Drummer', 'I read the printer quote twice.'],
    ['Dana Drummer', 'The printer quote expires soon.'],
  ]);
  const decided = await heldMeeting(dana, 'Office budget', [], [['Dana Drummer', 'We decided to accept the printer quote from the second vendor.']]);
  const asked = (await api.call('POST', '/ask', { token: dana.token, body: { question: 'What about the printer quote?' } })).body;
  const meetings = asked.citations.map((c: { meeting: { id: string } }) => c.meeting.id);
  expect(new Set(meetings)).toEqual(new Set([chatty, decided]));
  expect(meetings.filter((id: string) => id === chatty)).toHaveLength(2);
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

/** What the stand-in received: the system prompt and the user turn, as sent. */
const sent = (index: number) => {
  const body = anthropic.requests[index].body as { system: { text: string }[]; messages: { content: string }[] };
  return { system: body.system.map((block) => block.text).join('\n'), user: body.messages[0].content, raw: JSON.stringify(body) };
};

test('with Claude configured, the answer is written from the asker\'s passages only, and cites them', async () => {
  const { api } = stack;
  anthropic.reset();
  const hana = await signUp(api, 'Hana Host');
  const ivo = await signUp(api, 'Ivo Invited');
  const zed = await signUp(api, 'Zed Secret');
  const roadmap = await heldMeeting(hana, 'Roadmap review', [ivo], [
    ['Hana Host', 'Let us settle the roadmap for spring.'],
    ['Ivo Invited', 'We decided the mobile roadmap ships the offline mode first.'],
  ]);
  await heldMeeting(zed, 'Acquisition roadmap', [], [['Zed Secret', 'We decided the roadmap hides the acquisition of Nimbus until March.']]);
  anthropic.script(textAnswer('The mobile roadmap ships the offline mode first [1].'), textAnswer('The acquisition of Nimbus stays hidden until March [1].'));

  const asked = await withClaude.call('POST', '/ask', { token: ivo.token, body: { question: 'What did we decide about the roadmap?' } });
  expect(asked.status).toBe(200);
  expect(asked.body.answeredBy).toBe('claude');
  expect(asked.body.answer).toMatch(
    new RegExp(`^The mobile roadmap ships the offline mode first \\[1\\]\\.\\n\\nSources:\\n\\[1\\] Ivo Invited, Roadmap review, \\d{4}-\\d{2}-\\d{2} at 0:10 ${world.cfg.PUBLIC_URL}/meetings/${roadmap}/notes#segment-1`),
  );
  expect(asked.body.citations[0]).toMatchObject({ meeting: { id: roadmap, title: 'Roadmap review' }, speaker: 'Ivo Invited', at: 10, url: `${world.cfg.PUBLIC_URL}/meetings/${roadmap}/notes#segment-1` });
  // Claude was told to answer from the numbered passages alone, and was sent only Ivo's: never Zed's meeting.
  const ivos = sent(0);
  expect(ivos.system).toMatch(/using only the numbered passages/);
  expect(ivos.system).toMatch(/do not contain the answer/);
  expect(ivos.user).toMatch(/\[1\] Ivo Invited, in "Roadmap review" \(\d{4}-\d{2}-\d{2}\) at 0:10: We decided the mobile roadmap ships the offline mode first\./);
  expect(ivos.user).toMatch(/Question: What did we decide about the roadmap\?$/);
  expect(ivos.raw).not.toMatch(/Nimbus|acquisition|Acquisition roadmap/i);

  // Zed asks the same: his request carries his meeting and none of Ivo's lines.
  const zeds = await withClaude.call('POST', '/ask', { token: zed.token, body: { question: 'What did we decide about the roadmap?' } });
  expect(zeds.body.answer).toMatch(/^The acquisition of Nimbus stays hidden until March \[1\]\.\n\nSources:\n\[1\] Zed Secret, Acquisition roadmap/);
  expect(sent(1).user).toMatch(/acquisition of Nimbus/);
  expect(sent(1).raw).not.toMatch(/offline mode|Roadmap review|Ivo Invited/);
});

test('when Claude fails, the quoted lines are the answer, labelled so', async () => {
  const { api } = stack;
  anthropic.reset();
  const jo = await signUp(api, 'Jo Fallback');
  const meetingId = await heldMeeting(jo, 'Vendor call', [], [['Jo Fallback', 'The vendor contract renews in April at the same price.']]);
  anthropic.script({ kind: 'error', status: 500, type: 'api_error', message: 'Internal server error' });

  const asked = (await withClaude.call('POST', '/ask', { token: jo.token, body: { question: 'When does the vendor contract renew?' } })).body;
  expect(anthropic.requests).toHaveLength(1);
  expect(asked.answeredBy).toBe('extractive');
  expect(asked.answer).toMatch(/^Claude could not answer just now, so here are the lines from your meetings that match\.\nFrom your meetings:\n• “The vendor contract renews in April at the same price\.” \(Jo Fallback, Vendor call, \d{4}-\d{2}-\d{2} at 0:00\)/);
  expect(asked.citations).toEqual([expect.objectContaining({ meeting: expect.objectContaining({ id: meetingId }), speaker: 'Jo Fallback' })]);
});

test('with a model on Ollama, it writes the answer (answeredBy "ollama"); when it fails, the quoted lines say which model could not', async () => {
  const { api } = stack;
  const kim = await signUp(api, 'Kim Local');
  await heldMeeting(kim, 'Office move', [], [['Kim Local', 'We agreed the office move happens in the second week of January.']]);
  ollama.script(textReply('<think>The line says January.</think>The office move is in the second week of January [1].'), ollamaError(500, 'llama runner process has terminated'));

  const answered = (await withOllama.call('POST', '/ask', { token: kim.token, body: { question: 'When is the office move?' } })).body;
  const failed = (await withOllama.call('POST', '/ask', { token: kim.token, body: { question: 'When is the office move?' } })).body;

  expect(answered.answeredBy).toBe('ollama');
  expect(answered.answer).toMatch(/^The office move is in the second week of January \[1\]\.\n\nSources:\n\[1\] Kim Local, Office move/);
  expect(ollama.requests[0].body.messages[1].content).toMatch(/\[1\] Kim Local, in "Office move" .*: We agreed the office move happens in the second week of January\./);
  expect(failed.answeredBy).toBe('extractive');
  expect(failed.answer).toMatch(/^llama3\.1:8b could not answer just now, so here are the lines from your meetings that match\.\nFrom your meetings:\n• “We agreed the office move/);
});
