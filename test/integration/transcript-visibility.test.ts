import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Participant, Recording, RoomInvitation, Transcript, type RoomEntity, type UserEntity } from '../../db/entities';
import { findPassages } from '../../db/ask';
import { openOrm } from '../../db/orm';
import { searchTranscripts, SEARCH_CANDIDATES } from '../../db/search';
import { transcriptScope } from '../../db/visibility';
import { createScratchDatabase } from '../helpers/db';
import { createRoom, createUser, randomToken } from '../helpers/factories';

// Search and ask keep to the meetings a user may see in one of two SQL forms, chosen by how many meetings that is
// against how many transcripts there are. Both forms must find exactly the same meetings. A database of its own,
// so the transcript count (which sets the threshold) is exact: 14 transcripts, threshold ceil(sqrt(2·200·14)) = 75.
// Past it, search takes a rare word's matches from the index and keeps those in the user's rooms (db/search.ts), and
// walks transcripts for a word most of them say, checking each one's room before its words: a stranger's meeting
// about the quokka budget and its roadmap is there to be left out.
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let orm: MikroORM;
let people: Record<'wide' | 'guest' | 'member' | 'outsider' | 'admin', UserEntity>;
let quokkaRooms: RoomEntity[];
let strangersRoom: RoomEntity;

async function transcribed(em: EntityManager, room: RoomEntity, text: string): Promise<void> {
  const recording = em.create(Recording, { room, livekitRecordingId: `EG_${randomToken()}`, status: 'completed', completedAt: new Date() });
  em.create(Transcript, { recording, room, text, segments: [{ speaker: 'Host', start: 0, end: 4, text }] });
  await em.flush();
}

beforeAll(async () => {
  scratch = await createScratchDatabase('meetflow_visibility');
  orm = await openOrm(scratch.url, { debug: false });
  await orm.getMigrator().up();
  const em = orm.em.fork();
  people = {
    wide: await createUser(em, { name: 'Wide Host' }),
    guest: await createUser(em, { name: 'Invited Guest' }),
    member: await createUser(em, { name: 'Joined Member' }),
    outsider: await createUser(em, { name: 'Out Sider' }),
    admin: await createUser(em, { name: 'Ada Admin', role: 'admin' }),
  };
  // The wide host hosts 80 meetings (past the threshold); 12 were transcribed, 3 of them about the quokka budget.
  const hosted: RoomEntity[] = [];
  for (let i = 0; i < 80; i++) hosted.push(await createRoom(em, people.wide, { name: `Planning ${i}` }));
  for (let i = 0; i < 12; i++) await transcribed(em, hosted[i], i < 3 ? `We approved the quokka budget for phase ${i}.` : `We reviewed the roadmap for phase ${i}.`);
  quokkaRooms = hosted.slice(0, 3);
  em.create(RoomInvitation, { room: quokkaRooms[0], inviter: people.wide, invitee: people.guest, inviteeEmail: people.guest.email, token: randomToken(), expiresAt: new Date(Date.now() + 86_400_000) });
  em.create(Participant, { room: quokkaRooms[1], user: people.member, status: 'joined' });
  await em.flush();
  strangersRoom = await createRoom(em, await createUser(em, { name: 'Stray Stranger' }), { name: 'Elsewhere' });
  await transcribed(em, strangersRoom, 'They approved their own quokka budget.');
  await transcribed(em, strangersRoom, 'They reviewed their own roadmap for phase one.');
  await em.execute('analyze transcripts');
});

afterAll(async () => {
  await orm?.close();
  await scratch?.drop();
});

const searchedRooms = async (user: UserEntity) => (await searchTranscripts(orm.em.fork(), user, 'quokka', 10)).map((hit) => hit.meeting_id).sort();
const askedRooms = async (user: UserEntity) => [...new Set((await findPassages(orm.em.fork(), user, ['quokka'], 10)).map((passage) => passage.meetingId))].sort();
const ids = (rooms: RoomEntity[]) => rooms.map((room) => room.id).sort();

test('someone who sees more meetings than the threshold is scoped by a walk over transcripts, and finds all of theirs', async () => {
  const scope = await transcriptScope(orm.em.fork(), people.wide, SEARCH_CANDIDATES);
  expect(scope?.sql).toMatch(/^and \(exists/);
  expect(await searchedRooms(people.wide)).toEqual(ids(quokkaRooms));
  expect(await askedRooms(people.wide)).toEqual(ids(quokkaRooms));
});

test('a word most transcripts say is found by the walk in the asker\'s meetings only, newest first', async () => {
  const hits = await searchTranscripts(orm.em.fork(), people.wide, 'phase', 10);
  // Every one of them says the word once, so they rank the same and the newest transcripts come first.
  const newest = await orm.em.fork().execute<{ room_id: string }[]>(
    `select t.room_id from transcripts t join rooms r on r.id = t.room_id where r.host_id = ? order by t.created_at desc, t.id desc limit 10`,
    [people.wide.id],
  );
  expect(hits.map((hit) => hit.meeting_id)).toEqual(newest.map((row) => row.room_id));
});

test('someone who sees a few meetings is scoped by their meetings\' ids, and finds only the one they were invited to or joined', async () => {
  for (const [user, room] of [[people.guest, quokkaRooms[0]], [people.member, quokkaRooms[1]]] as const) {
    expect((await transcriptScope(orm.em.fork(), user, SEARCH_CANDIDATES))?.sql).toMatch(/^and t\.room_id in \(/);
    expect(await searchedRooms(user)).toEqual([room.id]);
    expect(await askedRooms(user)).toEqual([room.id]);
  }
});

test('the walk, chosen for everyone, finds the same meetings for each of them as their meetings\' ids do', async () => {
  for (const user of [people.wide, people.guest, people.member]) {
    const walk = await transcriptScope(orm.em.fork(), user, 0);
    const byIds = await transcriptScope(orm.em.fork(), user, 1e9);
    expect([walk?.sql.slice(0, 11), byIds?.sql.slice(0, 15)]).toEqual(['and (exists', 'and t.room_id i']);
    const found = async (scope: typeof walk) =>
      (await orm.em.fork().execute<{ room_id: string }[]>(`select t.room_id from transcripts t where t.search_vector @@ to_tsquery('english', 'quokka') ${scope!.sql}`, scope!.params)).map((row) => row.room_id).sort();
    expect(await found(walk)).toEqual(await found(byIds));
  }
});

test('someone who sees no meeting finds nothing (without reading transcripts); an admin finds every meeting', async () => {
  expect(await transcriptScope(orm.em.fork(), people.outsider, SEARCH_CANDIDATES)).toBeNull();
  expect([await searchedRooms(people.outsider), await askedRooms(people.outsider)]).toEqual([[], []]);
  expect(await searchedRooms(people.admin)).toEqual(ids([...quokkaRooms, strangersRoom]));
});
