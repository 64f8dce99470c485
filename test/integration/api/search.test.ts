import type { MikroORM } from '@mikro-orm/postgresql';
import { Recording, Room, Transcript, User } from '../../../db/entities';
import { PHRASE_POOL } from '../../../db/search';
import { type ApiStack, signUp, startApiStack, type TestApi } from '../../helpers/api';
import { unique } from '../../helpers/db';
import { createRoom } from '../../helpers/factories';
import { testWorld } from '../../helpers/worker';

let orm: MikroORM;
let stack: ApiStack;
let api: TestApi;
const world = testWorld('api-search');

beforeAll(async () => {
  stack = await startApiStack(world);
  ({ orm, api } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

/** A meeting of `host` titled `title` whose transcript says `text`; returns the meeting's id. */
async function meetingSaying(host: { id: string }, title: string, text: string, lines: string[] = []): Promise<string> {
  const em = orm.em.fork();
  const room = await createRoom(em, em.getReference(User, host.id), { name: title, status: 'completed' });
  const recording = em.create(Recording, { room, livekitRecordingId: unique('EG'), status: 'completed' });
  em.create(Transcript, { recording, room, text, segments: lines.map((line, i) => ({ speaker: 'Sam', start: i * 5, end: i * 5 + 4, text: line })) });
  await em.flush();
  return room.id;
}

const search = async (token: string, q: string) => {
  const response = await api.call('GET', `/search?q=${encodeURIComponent(q)}`, { token });
  expect(response.status).toBe(200);
  return response.body.results as { meeting: { id: string; title: string }; rank: number; snippet: string }[];
};

test('the best match comes first: the title counts more than the talk, then how often the words are said', async () => {
  const host = await signUp(api, 'Rhea Ranker');
  const word = unique('quokka').replace(/[^a-z]/g, '');
  const once = await meetingSaying(host.user, 'Weekly sync', `We mentioned the ${word} once and moved on to other things.`);
  const often = await meetingSaying(host.user, 'Team sync', `The ${word} plan. The ${word} budget. The ${word} owner. The ${word} risk. The ${word} date.`);
  const best = await meetingSaying(host.user, `${word} planning`, `Our ${word} goals, the ${word} timeline and the ${word} staffing.`);
  const titleOnly = await meetingSaying(host.user, `About the ${word}`, 'Nothing about it was said out loud.');

  const results = await search(host.token, word);
  expect(results.map((result) => result.meeting.id)).toEqual([best, often, titleOnly, once]);
  expect(results[0].snippet).toContain(`<mark>${word}</mark>`);

  // Renaming a meeting re-weights its transcript (a trigger keeps the stored vector in step with the title).
  await orm.em.fork().nativeUpdate(Room, { id: once }, { name: `${word} ${word} ${word} ${word}` });
  expect((await search(host.token, word))[0].meeting.id).toBe(once);
});

test('search only finds meetings the user may see, however well another one matches', async () => {
  const host = await signUp(api, 'Vera Visible');
  const stranger = await signUp(api, 'Otto Other');
  const word = unique('wombat').replace(/[^a-z]/g, '');
  const mine = await meetingSaying(host.user, 'Mine', `One ${word}.`);
  const theirs = await meetingSaying(stranger.user, `${word} ${word}`, `${word} ${word} ${word} ${word}`);
  expect((await search(host.token, word)).map((result) => result.meeting.id)).toEqual([mine]);
  expect((await search(stranger.token, word)).map((result) => result.meeting.id)).toEqual([theirs]);
  expect(await search(stranger.token, `"${word} planning"`)).toEqual([]);
});

test('a quoted phrase finds the meetings that say it, the oldest too, and not those that only have its words', async () => {
  const host = await signUp(api, 'Phil Phrase');
  const [first, second] = [unique('marmot'), unique('tapir')].map((word) => word.replace(/[^a-z]/g, ''));
  const oldest = await meetingSaying(host.user, 'Oldest', `We agreed on the ${first} ${second} early on.`);
  // Newer than it, more transcripts with both words (never as the phrase) than the phrase's pool checks.
  const em = orm.em.fork();
  for (let i = 0; i <= PHRASE_POOL; i++) {
    const slug = unique('filler');
    const room = em.create(Room, { name: `Filler ${i}`, slug, livekitRoomName: `lk-${slug}`, host: em.getReference(User, host.user.id), status: 'completed' });
    const recording = em.create(Recording, { room, livekitRecordingId: unique('EG'), status: 'completed' });
    em.create(Transcript, { recording, room, text: `The ${second} came before the ${first}.`, segments: [] });
  }
  await em.flush();
  const newest = await meetingSaying(host.user, 'Newest', `The ${first} ${second} again.`);

  const found = (await search(host.token, `"${first} ${second}"`)).map((result) => result.meeting.id);
  expect(found.sort()).toEqual([oldest, newest].sort());
  expect(await search(host.token, `${first} ${second}`)).toHaveLength(10);
});

test('the snippet is the first line that says a word of the search, in any of its forms, marked', async () => {
  const host = await signUp(api, 'Lina Liner');
  const word = unique('pangolin').replace(/[^a-z]/g, '');
  const lines = ['Good morning, everyone.', 'Let us start with the roadmap.', `The ${word} companies sent their offers on Monday.`, `A second line about the ${word} company.`];
  await meetingSaying(host.user, 'Supplier call', lines.join(' '), lines);
  const [result] = await search(host.token, `${word} company -printer`);
  expect(result.snippet).toBe(`The <mark>${word}</mark> <mark>companies</mark> sent their offers on Monday.`);
});
