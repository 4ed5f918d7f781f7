// Row and field rules (docs/policy.md) through the GraphQL door, the part of
// the permission matrix row-rules.test.ts leaves to it: sorts and filters on
// grades per caller (equal to direct SQL; a filter cannot probe a hidden row),
// creates, relationship edits (a hidden target is NOT_FOUND, a visible row
// outside the write rule FORBIDDEN; the database shows nothing moved), and a
// hidden non-null attribute refused before execution (no data, no statement).
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { StandInIssuer } from '../support/issuer.mjs';

const policy = {
  identityClaim: 'sub',
  groups: { claim: 'groups' },
  rows: {
    grades: {
      read: {
        any: [
          { path: 'student.person.username', equals: { identity: true } },
          { path: 'course_term.instructors.person.username', equals: { identity: true } },
          { group: 'registrar' },
          { client: 'reporting' },
        ],
      },
      write: { any: [{ path: 'course_term.instructors.person.username', equals: { identity: true } }, { group: 'registrar' }, { client: 'reporting' }] },
    },
  },
  // The reporting client sees neither the value (non-null in GraphQL) nor the letter (nullable).
  fields: { grades: { grade_value: { not: { client: true } }, grade_letter: { not: { client: true } } } },
};

let as: StandInIssuer;
let db: Database;
let server: TestServer;
const ids: Record<string, string> = {};

async function seed(): Promise<void> {
  const p = db.prisma;
  const person = async (name: string, username: string) => (await p.person.create({ data: { name, username } })).id;
  const student = async (name: string) => (await p.student.create({ data: { person: { connect: { id: await person(name, name.toLowerCase()) } } } })).id;
  const instructor = async (name: string) => (await p.instructor.create({ data: { person: { connect: { id: await person(name, name.toLowerCase()) } } } })).id;
  ids.alice = await student('Alice');
  ids.bob = await student('Bob');
  ids.carol = await student('Carol');
  ids.dan = await student('Dan');
  ids.ivy = await instructor('Ivy');
  ids.joe = await instructor('Joe');
  const course = await p.course.create({
    data: { schoolBulletinPrefixCode: 'COMS', suffixTwo: '00', subjectAreaCode: 'COMS', courseNumber: '1001', courseIdentifier: 'COMS1001W', courseName: 'Intro', courseDescription: 'd' },
  });
  const term = async (termIdentifier: string, instructors: string[]) =>
    (await p.courseTerm.create({ data: { termIdentifier, courseId: course.id, instructors: { connect: instructors.map((id) => ({ id })) } } })).id;
  ids.t1 = await term('20261COMS1001W', [ids.ivy]);
  ids.t2 = await term('20262COMS1001W', [ids.joe]);
  ids.t3 = await term('20263COMS1001W', [ids.ivy, ids.joe]);
  const grade = async (student: string, courseTermId: string, credits: number, gradeValue: number) =>
    (await p.grade.create({ data: { studentId: ids[student]!, courseTermId, credits, gradeValue } })).id;
  ids.aliceT1 = await grade('alice', ids.t1, 3, 4);
  ids.aliceT2 = await grade('alice', ids.t2, 3, 3.7);
  ids.bobT1 = await grade('bob', ids.t1, 4, 3);
  ids.bobT2 = await grade('bob', ids.t2, 3, 2.7);
  ids.bobT3 = await grade('bob', ids.t3, 3, 3.3);
  ids.carolT1 = await grade('carol', ids.t1, 2, 2);
}

type Caller = 'student' | 'instructor' | 'registrar' | 'client' | 'nobody';
const claims: Record<Caller, Record<string, unknown>> = {
  student: { sub: 'alice', client_id: 'web-app' },
  instructor: { sub: 'ivy', client_id: 'web-app' },
  registrar: { sub: 'rita', client_id: 'web-app', groups: ['registrar'] },
  client: { sub: 'reporting', client_id: 'reporting' },
  nobody: { sub: 'nobody', client_id: 'web-app' },
};
const callers = Object.keys(claims) as Caller[];
const tokens = {} as Record<Caller, string>;

beforeAll(async () => {
  as = await StandInIssuer.start();
  db = await createTestDatabase();
  await seed();
  const policyFile = join(mkdtempSync(join(tmpdir(), 'row-rules-graphql-')), 'policy.json');
  writeFileSync(policyFile, JSON.stringify(policy));
  server = await startTestServer({ OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: as.audience, OAUTH_JWKS_URI: as.jwksUri, DEV_AUTH_SERVER: '0', OAUTH_POLICY_FILE: policyFile }, { db });
  for (const caller of callers) tokens[caller] = await as.sign({ scope: 'read write', ...claims[caller] });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await db?.close();
  await as?.stop();
});

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- GraphQL answers are checked field by field
  data?: any;
  errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
}

async function gql(caller: Caller, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[caller]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

/** The statements a request runs (the Database's onQuery listener). */
async function counting<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  let statements = 0;
  const stop = db.onQuery(() => statements++);
  try {
    return { result: await work(), statements };
  } finally {
    stop();
  }
}

/** The grades a caller may read, by the rule written by hand in SQL, in `order`. */
async function visibleGrades(caller: Caller, order = 'g.id'): Promise<string[]> {
  const all = caller === 'registrar' || caller === 'client';
  const rows = await db.prisma.$queryRawUnsafe<{ id: string }[]>(
    `SELECT g.id::text AS id FROM grade g WHERE $1::boolean
       OR EXISTS (SELECT 1 FROM student s JOIN person p ON p.id = s.person_id WHERE s.id = g.student_id AND p.username = $2)
       OR EXISTS (SELECT 1 FROM "_course_term_instructors" j JOIN instructor i ON i.id = j."B" JOIN person p ON p.id = i.person_id WHERE j."A" = g.course_term_id AND p.username = $2)
     ORDER BY ${order}`,
    all,
    claims[caller].sub,
  );
  return rows.map((r) => r.id);
}

const idsOf = (nodes: { id: string }[]) => nodes.map((n) => n.id);

describe.each(callers)('%s: sorts and filters', (caller) => {
  test('a sorted, filtered list of grades equals the direct SQL query; a filter cannot reach hidden rows', async () => {
    const byValue = await visibleGrades(caller, 'g.grade_value DESC, g.id');
    const threeCredits = await visibleGrades(caller, 'g.credits, g.id');
    const answer = await gql(
      caller,
      `query($all: [ID!]!, $hidden: ID!) {
        sorted: grades(limit: 100, sort: [{ field: ${caller === 'client' ? 'CREDITS' : 'GRADE_VALUE'}, direction: DESC }, { field: ID }]) { totalCount nodes { id } }
        filtered: grades(limit: 100, filter: { credits: { eq: 3 } }, sort: [{ field: ID }]) { totalCount nodes { id credits } }
        byIds: grades(limit: 100, filter: { id: { in: $all } }) { totalCount nodes { id } }
        probe: grades(filter: { id: { eq: $hidden } }) { totalCount nodes { id } }
        nested: student(id: "${ids.bob}") { grades(filter: { id: { eq: $hidden } }) { totalCount } }
      }`,
      { all: Object.values(ids), hidden: ids.bobT2 },
    );
    expect(answer.errors).toBeUndefined();
    if (caller === 'client') expect(idsOf(answer.data.sorted.nodes)).toEqual(await visibleGrades(caller, 'g.credits DESC, g.id'));
    else expect(idsOf(answer.data.sorted.nodes)).toEqual(byValue);
    expect(answer.data.sorted.totalCount).toBe(byValue.length);
    const rows = await db.prisma.grade.findMany({ where: { id: { in: threeCredits }, credits: 3 }, orderBy: { id: 'asc' }, select: { id: true } });
    expect(idsOf(answer.data.filtered.nodes)).toEqual(rows.map((r) => r.id));
    expect(answer.data.filtered.totalCount).toBe(rows.length);
    expect(answer.data.byIds.totalCount).toBe(byValue.length);
    expect(idsOf(answer.data.byIds.nodes).sort()).toEqual([...byValue].sort());
    const seesBobT2 = byValue.includes(ids.bobT2!);
    expect(answer.data.probe.totalCount).toBe(seesBobT2 ? 1 : 0);
    expect(answer.data.nested.grades.totalCount).toBe(seesBobT2 ? 1 : 0);
  });
});

test('the client may not sort by a hidden attribute (refused like an unknown one); the registrar may', async () => {
  const refused = await gql('client', `{ grades(sort: [{ field: GRADE_VALUE }]) { totalCount } }`);
  expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sort' });
  expect(refused.data?.grades ?? null).toBeNull();
  expect((await gql('registrar', `{ grades(sort: [{ field: GRADE_VALUE }]) { totalCount } }`)).errors).toBeUndefined();
});

describe('a hidden non-null attribute is refused before execution', () => {
  test('one FORBIDDEN error naming the path and the rule, no data, no statement', async () => {
    const query = `{ grades(limit: 5) { totalCount nodes { id value: gradeValue } } }`;
    const { result: answer, statements } = await counting(() => gql('client', query));
    expect(answer.status).toBe(403);
    expect(answer.data).toBeUndefined();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', selection: 'grades.nodes.value', resource: 'grades', attribute: 'grade_value' });
    expect(answer.errors![0]!.message).toMatch(/gradeValue .*grades\.grade_value.*grades\.nodes\.value/);
    expect(statements).toBe(0);
    // The same query for a caller the rule lets read it runs.
    const registrar = await gql('registrar', query);
    expect(registrar.errors).toBeUndefined();
    expect(registrar.data.grades.nodes.length).toBeGreaterThan(0);
  });

  test('found through fragments, inline fragments and nested lists; a skipped selection is not refused', async () => {
    const nested = await gql(
      'client',
      `query { courseTerm(id: "${ids.t1}") { ...T } }
       fragment T on CourseTerm { id grades { nodes { ... on Grade { ...G } } } }
       fragment G on Grade { id credits gradeValue }`,
    );
    expect(nested.errors?.map((e) => e.extensions?.selection)).toEqual(['courseTerm.grades.nodes.gradeValue']);
    expect(nested.data).toBeUndefined();
    const skipped = await gql('client', `query($no: Boolean!) { grades { nodes { id gradeValue @include(if: $no) gradeLetter } } }`, { no: false });
    expect(skipped.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['grades', 'nodes', 0, 'gradeLetter'], 'FORBIDDEN']].concat(
      // every node's nullable gradeLetter answers its own error
      Array.from({ length: skipped.data.grades.nodes.length - 1 }, (_, i) => [['grades', 'nodes', i + 1, 'gradeLetter'], 'FORBIDDEN']),
    ));
    expect(skipped.data.grades.nodes[0]).toEqual({ id: expect.any(String), gradeLetter: null });
  });

  test('a mutation selecting it is refused whole: nothing is written', async () => {
    const before = await db.prisma.grade.findUnique({ where: { id: ids.bobT3! } });
    const { result: answer, statements } = await counting(() => gql('client', `mutation($id: ID!) { updateGrade(id: $id, input: { credits: 1 }) { id gradeValue } }`, { id: ids.bobT3 }));
    expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(answer.errors![0]!.extensions?.selection).toBe('updateGrade.gradeValue');
    expect(statements).toBe(0);
    expect(await db.prisma.grade.findUnique({ where: { id: ids.bobT3! } })).toEqual(before);
  });

  test('linear in the document: fragments spread twice per level, 24 levels deep, answer at once', async () => {
    const levels = 24;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1 ? `fragment F${i} on Grade { id credits }` : `fragment F${i} on Grade { id ...F${i + 1} ...F${i + 1} }`,
    );
    const started = performance.now();
    // The hidden field comes after the fragments: every spread is walked before it is found.
    const answer = await gql('client', `{ grades { nodes { ...F0 gradeValue } } } ${fragments.join(' ')}`);
    const ms = performance.now() - started;
    // Walked once per fragment (2^24 paths otherwise).
    expect(answer.errors?.map((e) => e.extensions?.selection)).toEqual(['grades.nodes.gradeValue']);
    expect(answer.data).toBeUndefined();
    expect(ms).toBeLessThan(5_000);
  });
});

describe('writes', () => {
  const grade = (id: string) => db.prisma.grade.findUnique({ where: { id } });

  test('creates: an instructor only in a term they teach (nothing stored otherwise); student and nobody never; registrar and client anywhere', async () => {
    const create = (caller: Caller, term: string) =>
      gql(caller, `mutation($s: ID!, $t: ID!) { createGrade(input: { credits: 2, studentId: $s, courseTermId: $t }) { id } }`, { s: ids.dan, t: ids[term] });
    const count = () => db.prisma.grade.count({ where: { studentId: ids.dan! } });
    const before = await count();
    const refused = await create('instructor', 't2');
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    for (const caller of ['student', 'nobody'] as Caller[]) expect((await create(caller, 't1')).errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await count()).toBe(before);
    const made: string[] = [];
    for (const [caller, term] of [['instructor', 't1'], ['registrar', 't2'], ['client', 't3']] as [Caller, string][]) {
      const answer = await create(caller, term);
      expect(answer.errors).toBeUndefined();
      made.push(answer.data.createGrade.id);
    }
    expect(await count()).toBe(before + 3);
    await db.prisma.grade.deleteMany({ where: { id: { in: made } } });
  });

  const edit = (caller: Caller, mutation: string, id: string, gradeIds: string[]) =>
    gql(caller, `mutation($id: ID!, $g: [ID!]!) { ${mutation}(id: $id, gradeIds: $g) { id } }`, { id, g: gradeIds });
  const codes = (answer: Answer) => answer.errors?.map((e) => e.extensions?.code);

  test('relationship edits: a hidden grade is NOT_FOUND, a visible one outside the write rule FORBIDDEN; nothing moves', async () => {
    const termOf = async (id: string) => (await grade(id))?.courseTermId;
    // The instructor (Ivy: t1, t3) linking Joe's grade into her term: she cannot see it.
    expect(codes(await edit('instructor', 'addCourseTermGrades', ids.t1!, [ids.bobT2!]))).toEqual(['NOT_FOUND']);
    expect(codes(await edit('instructor', 'setCourseTermGrades', ids.t1!, [ids.aliceT1!, ids.bobT1!, ids.bobT2!]))).toEqual(['NOT_FOUND']);
    expect(codes(await gql('instructor', `mutation { setGradeCourseTerm(id: "${ids.bobT2}", courseTermId: "${ids.t1}") { id } }`))).toEqual(['NOT_FOUND']);
    // Moving her own grade into Joe's term: the grade would leave her write rule.
    expect(codes(await gql('instructor', `mutation { setGradeCourseTerm(id: "${ids.aliceT1}", courseTermId: "${ids.t2}") { id } }`))).toEqual(['FORBIDDEN']);
    expect(codes(await gql('instructor', `mutation { setGradeCourseTerm(id: "${ids.carolT1}", courseTermId: "${ids.t2}") { id } }`))).toEqual(['FORBIDDEN']);
    expect(codes(await edit('instructor', 'addCourseTermGrades', ids.t2!, [ids.carolT1!]))).toEqual(['FORBIDDEN']);
    expect(codes(await edit('instructor', 'setCourseTermGrades', ids.t2!, [ids.carolT1!]))).toEqual(['FORBIDDEN']);
    expect(codes(await edit('instructor', 'addStudentGrades', ids.dan!, [ids.aliceT2!]))).toEqual(['NOT_FOUND']);
    // The JSON:API door asks the same services.
    const viaRest = await fetch(`${server.url}/v1/course_terms/${ids.t2}/relationships/grades`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.instructor}`, 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify({ data: [{ type: 'grades', id: ids.carolT1 }] }),
    });
    expect(viaRest.status).toBe(403);
    // The student sees her grade but may not move it.
    expect(codes(await edit('student', 'addCourseTermGrades', ids.t3!, [ids.aliceT1!]))).toEqual(['FORBIDDEN']);
    expect(codes(await edit('student', 'addStudentGrades', ids.dan!, [ids.aliceT1!]))).toEqual(['FORBIDDEN']);
    expect(codes(await edit('student', 'addStudentGrades', ids.alice!, [ids.bobT1!]))).toEqual(['NOT_FOUND']);
    // Nobody sees no grade.
    expect(codes(await edit('nobody', 'addCourseTermGrades', ids.t1!, [ids.aliceT1!]))).toEqual(['NOT_FOUND']);
    expect(await termOf(ids.aliceT1!)).toBe(ids.t1);
    expect(await termOf(ids.carolT1!)).toBe(ids.t1);
    expect(await termOf(ids.bobT2!)).toBe(ids.t2);
    expect((await grade(ids.aliceT2!))?.studentId).toBe(ids.alice);
    expect((await grade(ids.aliceT1!))?.studentId).toBe(ids.alice);
    expect((await grade(ids.bobT1!))?.studentId).toBe(ids.bob);
  });

  test('relationship edits the rules allow: the instructor between her own terms, the registrar and the client anywhere', async () => {
    expect((await edit('instructor', 'addCourseTermGrades', ids.t3!, [ids.carolT1!])).errors).toBeUndefined();
    expect((await grade(ids.carolT1!))?.courseTermId).toBe(ids.t3);
    expect((await gql('instructor', `mutation { setGradeCourseTerm(id: "${ids.carolT1}", courseTermId: "${ids.t1}") { id } }`)).errors).toBeUndefined();
    expect((await grade(ids.carolT1!))?.courseTermId).toBe(ids.t1);
    for (const caller of ['registrar', 'client'] as Caller[]) {
      expect((await edit(caller, 'addCourseTermGrades', ids.t3!, [ids.aliceT2!])).errors).toBeUndefined();
      expect((await grade(ids.aliceT2!))?.courseTermId).toBe(ids.t3);
      expect((await edit(caller, 'addCourseTermGrades', ids.t2!, [ids.aliceT2!])).errors).toBeUndefined();
      expect((await grade(ids.aliceT2!))?.courseTermId).toBe(ids.t2);
    }
  });
});
