// Row rules from token claims (docs/policy.md), through both doors over real
// HTTP: students see their own grades, instructors their course terms' grades,
// the registrar group and one reporting client every grade, a user without a
// person none. Lists, counts, gets, includes, related lists, linkage, filters
// and sorts agree with direct SQL; writes outside the write rule are refused
// (403 visible, 404 invisible) and the database shows nothing was written.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../src/db/database.js';
import pg from 'pg';
import { createTestDatabase, testDatabaseUrl } from '../support/database.js';
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
    // People: a caller reads their own person; filters reaching people through a relationship see no other.
    people: { read: { any: [{ path: 'username', equals: { identity: true } }, { group: 'registrar' }] } },
  },
  // The reporting client counts grades but never sees a letter.
  fields: { grades: { grade_letter: { not: { client: true } } } },
};

let as: StandInIssuer;
let db: Database;
let server: TestServer;
let plain: TestServer;
const ids: Record<string, string> = {};

async function seed(): Promise<void> {
  const p = db.prisma;
  const person = async (name: string, username: string) => (await p.person.create({ data: { name, username } })).id;
  ids.alice = (await p.student.create({ data: { person: { connect: { id: await person('Alice', 'alice') } } } })).id;
  ids.bob = (await p.student.create({ data: { person: { connect: { id: await person('Bob', 'bob') } } } })).id;
  ids.carol = (await p.student.create({ data: { person: { connect: { id: await person('Carol', 'carol') } } } })).id;
  ids.ivy = (await p.instructor.create({ data: { person: { connect: { id: await person('Ivy', 'ivy') } } } })).id;
  ids.joe = (await p.instructor.create({ data: { person: { connect: { id: await person('Joe', 'joe') } } } })).id;
  const course = await p.course.create({
    data: { schoolBulletinPrefixCode: 'COMS', suffixTwo: '00', subjectAreaCode: 'COMS', courseNumber: '1001', courseIdentifier: 'COMS1001W', courseName: 'Intro', courseDescription: 'd' },
  });
  ids.course = course.id;
  const term = async (termIdentifier: string, instructors: string[]) =>
    (await p.courseTerm.create({ data: { termIdentifier, courseId: course.id, instructors: { connect: instructors.map((id) => ({ id })) } } })).id;
  ids.t1 = await term('20261COMS1001W', [ids.ivy]);
  ids.t2 = await term('20262COMS1001W', [ids.joe]);
  ids.t3 = await term('20263COMS1001W', [ids.ivy, ids.joe]);
  const grade = async (student: string, courseTermId: string, gradeValue: number) =>
    (await p.grade.create({ data: { studentId: ids[student]!, courseTermId, credits: 3, gradeValue } })).id;
  ids.aliceT1 = await grade('alice', ids.t1, 4);
  ids.aliceT2 = await grade('alice', ids.t2, 3.7);
  ids.bobT1 = await grade('bob', ids.t1, 3);
  ids.bobT2 = await grade('bob', ids.t2, 2.7);
  ids.bobT3 = await grade('bob', ids.t3, 3.3);
}

beforeAll(async () => {
  as = await StandInIssuer.start();
  db = await createTestDatabase();
  await seed();
  const dir = mkdtempSync(join(tmpdir(), 'row-rules-'));
  const policyFile = join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(policy));
  const env = { OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: as.audience, OAUTH_JWKS_URI: as.jwksUri, DEV_AUTH_SERVER: '0' };
  server = await startTestServer({ ...env, OAUTH_POLICY_FILE: policyFile }, { db });
  plain = await startTestServer(env, { db });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await plain?.stop();
  await db?.close();
  await as?.stop();
});

type Caller = 'student' | 'instructor' | 'registrar' | 'client' | 'nobody';
const claims: Record<Caller, Record<string, unknown>> = {
  student: { sub: 'alice', client_id: 'web-app' },
  instructor: { sub: 'ivy', client_id: 'web-app' },
  registrar: { sub: 'rita', client_id: 'web-app', groups: ['registrar'] },
  client: { sub: 'reporting', client_id: 'reporting' },
  nobody: { sub: 'nobody', client_id: 'web-app' },
};
const tokens = {} as Record<Caller, string>;
beforeAll(async () => {
  for (const caller of Object.keys(claims) as Caller[]) tokens[caller] = await as.sign({ scope: 'read write', ...claims[caller] });
});

async function rest(caller: Caller, method: string, path: string, body?: unknown, on = server) {
  const res = await fetch(`${on.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[caller]}`, accept: 'application/vnd.api+json', ...(body ? { 'content-type': 'application/vnd.api+json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) };  
}

async function gql(caller: Caller, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[caller]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json());  
}

/** What the database says each caller may read: the rule written by hand in SQL. */
async function visibleGrades(caller: Caller): Promise<string[]> {
  const q = (text: string, ...values: unknown[]) => db.prisma.$queryRawUnsafe<{ id: string }[]>(text, ...values);
  let rows: { id: string }[];
  if (caller === 'registrar' || caller === 'client') rows = await q('SELECT id::text FROM grade');
  else
    rows = await q(
      `SELECT g.id::text FROM grade g JOIN student s ON s.id = g.student_id JOIN person p ON p.id = s.person_id WHERE p.username = $1
       UNION SELECT g.id::text FROM grade g JOIN "_course_term_instructors" j ON j."A" = g.course_term_id JOIN instructor i ON i.id = j."B" JOIN person p ON p.id = i.person_id WHERE p.username = $1`,
      claims[caller].sub,
    );
  return rows.map((r) => r.id).sort();
}

const sorted = (list: { id: string }[]) => list.map((r) => r.id).sort();
const callers: Caller[] = ['student', 'instructor', 'registrar', 'client', 'nobody'];

describe.each(callers)('%s reads', (caller) => {
  test('JSON:API list, count, get, include, related, linkage, filter and sort agree with SQL', async () => {
    const expected = await visibleGrades(caller);
    const list = await rest(caller, 'GET', '/v1/grades?page[size]=100');
    expect(list.status).toBe(200);
    expect(sorted(list.body.data)).toEqual(expected);
    expect(list.body.meta.pagination.count).toBe(expected.length);
    // A filter and a sort see only visible rows.
    const filtered = await rest(caller, 'GET', '/v1/grades?filter[credits]=3&sort=-grade_value');
    expect(sorted(filtered.body.data)).toEqual(expected);
    const values = filtered.body.data.map((g: { attributes: { grade_value: number } }) => g.attributes.grade_value);
    expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
    for (const id of [ids.aliceT1, ids.bobT2]) {
      const one = await rest(caller, 'GET', `/v1/grades/${id}`);
      expect(one.status).toBe(expected.includes(id!) ? 200 : 404);
    }
    const withTerms = new Set<string>();
    for (const term of ['t1', 't2', 't3']) {
      const termId = ids[term]!;
      const inTerm = (await db.prisma.grade.findMany({ where: { courseTermId: termId }, select: { id: true } })).map((g) => g.id).filter((id) => expected.includes(id)).sort();
      inTerm.forEach((id) => withTerms.add(id));
      const related = await rest(caller, 'GET', `/v1/course_terms/${termId}/grades`);
      expect(sorted(related.body.data)).toEqual(inTerm);
      expect(related.body.meta.pagination.count).toBe(inTerm.length);
      const linkage = await rest(caller, 'GET', `/v1/course_terms/${termId}/relationships/grades`);
      expect(sorted(linkage.body.data)).toEqual(inTerm);
      const included = await rest(caller, 'GET', `/v1/course_terms/${termId}?include=grades`);
      expect(sorted(included.body.data.relationships.grades.data)).toEqual(inTerm);
      expect(sorted(included.body.included ?? [])).toEqual(inTerm);
    }
    expect([...withTerms].sort()).toEqual(expected);
    // From the student's side too: Bob's grades as this caller may see them.
    const bobs = await rest(caller, 'GET', `/v1/students/${ids.bob}/grades`);
    expect(sorted(bobs.body.data)).toEqual(expected.filter((id) => [ids.bobT1, ids.bobT2, ids.bobT3].includes(id)));
  });

  test('GraphQL list, totalCount, one grade, nested grades and their counts agree with SQL', async () => {
    const expected = await visibleGrades(caller);
    const answer = await gql(
      caller,
      `query($hidden: ID!, $t: ID!) { grades(limit: 100) { totalCount nodes { id gradeValue } }
        grade(id: $hidden) { id }
        courseTerm(id: $t) { grades(limit: 100) { totalCount nodes { id } } }
        student(id: "${ids.bob}") { grades(limit: 100) { totalCount nodes { id courseTerm { id } } } } }`,
      { hidden: ids.bobT2, t: ids.t1 },
    );
    expect(answer.errors).toBeUndefined();
    expect(sorted(answer.data.grades.nodes)).toEqual(expected);
    expect(answer.data.grades.totalCount).toBe(expected.length);
    expect(answer.data.grade).toEqual(expected.includes(ids.bobT2!) ? { id: ids.bobT2 } : null);
    const inT1 = [ids.aliceT1!, ids.bobT1!].filter((id) => expected.includes(id)).sort();
    expect(sorted(answer.data.courseTerm.grades.nodes)).toEqual(inT1);
    expect(answer.data.courseTerm.grades.totalCount).toBe(inT1.length);
    const bobs = [ids.bobT1!, ids.bobT2!, ids.bobT3!].filter((id) => expected.includes(id)).sort();
    expect(sorted(answer.data.student.grades.nodes)).toEqual(bobs);
    expect(answer.data.student.grades.totalCount).toBe(bobs.length);
  });
});

const gradeBody = (id: string | undefined, attributes: Record<string, unknown>, relationships: Record<string, string> = {}) => ({
  data: {
    type: 'grades',
    ...(id ? { id } : {}),
    attributes,
    relationships: Object.fromEntries(Object.entries(relationships).map(([k, v]) => [k, { data: { type: k === 'student' ? 'students' : 'course_terms', id: v } }])),
  },
});

describe('writes', () => {
  const valueOf = async (id: string) => (await db.prisma.grade.findUnique({ where: { id } }))?.gradeValue;

  test('an instructor changes grades of their own terms only: 404 for a grade they cannot see, 403 moving one out of their terms', async () => {
    expect((await rest('instructor', 'PATCH', `/v1/grades/${ids.bobT1}`, gradeBody(ids.bobT1, { grade_value: 3.1 }))).status).toBe(200);
    expect(await valueOf(ids.bobT1!)).toBe(3.1);
    expect((await rest('instructor', 'PATCH', `/v1/grades/${ids.bobT2}`, gradeBody(ids.bobT2, { grade_value: 0 }))).status).toBe(404);
    expect((await rest('instructor', 'DELETE', `/v1/grades/${ids.bobT2}`)).status).toBe(404);
    expect((await rest('instructor', 'PATCH', `/v1/grades/${ids.aliceT1}/relationships/course_term`, { data: { type: 'course_terms', id: ids.t2 } })).status).toBe(403);
    expect(await valueOf(ids.bobT2!)).toBe(2.7);
    expect((await db.prisma.grade.findUnique({ where: { id: ids.aliceT1! } }))?.courseTermId).toBe(ids.t1);
    // GraphQL: the same decisions.
    const hidden = await gql('instructor', `mutation($id: ID!) { updateGrade(id: $id, input: { gradeValue: 0 }) { id } }`, { id: ids.bobT2 });
    expect(hidden.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await valueOf(ids.bobT2!)).toBe(2.7);
  });

  test('a student sees their grade but may not change or delete it (403); nobody sees nothing (404)', async () => {
    expect((await rest('student', 'PATCH', `/v1/grades/${ids.aliceT1}`, gradeBody(ids.aliceT1, { grade_value: 0 }))).status).toBe(403);
    expect((await rest('student', 'DELETE', `/v1/grades/${ids.aliceT1}`)).status).toBe(403);
    const viaGraphql = await gql('student', `mutation($id: ID!) { deleteGrade(id: $id) }`, { id: ids.aliceT1 });
    expect(viaGraphql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await rest('nobody', 'DELETE', `/v1/grades/${ids.aliceT1}`)).status).toBe(404);
    expect(await valueOf(ids.aliceT1!)).toBe(4);
  });

  test('creates: an instructor only in their own term; the registrar anywhere', async () => {
    const before = await db.prisma.grade.count();
    const refused = await rest('instructor', 'POST', '/v1/grades', gradeBody(undefined, { credits: 3 }, { student: ids.carol!, course_term: ids.t2! }));
    expect(refused.status).toBe(403);
    expect(await db.prisma.grade.count()).toBe(before);
    const made = await rest('instructor', 'POST', '/v1/grades', gradeBody(undefined, { credits: 3 }, { student: ids.carol!, course_term: ids.t1! }));
    expect(made.status).toBe(201);
    const byRegistrar = await rest('registrar', 'POST', '/v1/grades', gradeBody(undefined, { credits: 3 }, { student: ids.carol!, course_term: ids.t2! }));
    expect(byRegistrar.status).toBe(201);
    const byStudent = await rest('student', 'POST', '/v1/grades', gradeBody(undefined, { credits: 3 }, { student: ids.alice!, course_term: ids.t3! }));
    expect(byStudent.status).toBe(403);
    expect(await db.prisma.grade.count()).toBe(before + 2);
    // Linking a grade the instructor cannot see into their term: not found, nothing moved.
    const linked = await rest('instructor', 'POST', `/v1/course_terms/${ids.t1}/relationships/grades`, { data: [{ type: 'grades', id: byRegistrar.body.data.id }] });
    expect(linked.status).toBe(404);
    expect((await db.prisma.grade.findUnique({ where: { id: byRegistrar.body.data.id } }))?.courseTermId).toBe(ids.t2);
    await db.prisma.grade.deleteMany({ where: { id: { in: [made.body.data.id, byRegistrar.body.data.id] } } });
  });
});

describe('all-or-nothing requests decide every operation\'s rows before any write', () => {
  const ATOMIC = 'application/vnd.api+json;ext="https://jsonapi.org/ext/atomic"';
  const writesDuring = async (work: () => Promise<unknown>) => {
    const writes: string[] = [];
    const stop = db.onQuery((sql) => void (/^\s*(INSERT|UPDATE|DELETE)\b/i.test(sql) && writes.push(sql)));
    try {
      await work();
    } finally {
      stop();
    }
    return writes;
  };
  const atomic = async (caller: Caller, operations: unknown[]) => {
    const res = await fetch(`${server.url}/v1/operations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[caller]}`, 'content-type': ATOMIC, accept: ATOMIC },
      body: JSON.stringify({ 'atomic:operations': operations }),
    });
    return { status: res.status, body: (await res.json()) as { errors: { status: string; source?: { pointer?: string } }[] } };
  };
  const update = (id: string, value: number) => ({ op: 'update', data: { type: 'grades', id, attributes: { grade_value: value } } });

  test('JSON:API: a grade the instructor cannot see (404) or a student may not write (403) refuses the request before the first operation writes', async () => {
    const values = async () => (await db.prisma.grade.findMany({ orderBy: { id: 'asc' } })).map((g) => [g.id, g.gradeValue, g.courseTermId]);
    const stored = await values();
    let answer!: Awaited<ReturnType<typeof atomic>>;
    expect(await writesDuring(async () => (answer = await atomic('instructor', [update(ids.bobT1!, 1), update(ids.bobT2!, 1)])))).toEqual([]);
    expect(answer.status).toBe(404);
    expect(answer.body.errors[0]!.source?.pointer).toMatch(/^\/atomic:operations\/1\//);
    expect(await writesDuring(async () => (answer = await atomic('student', [{ op: 'add', data: { type: 'people', attributes: { name: 'New' } } }, update(ids.aliceT1!, 1)])))).toEqual([]);
    expect(answer.status).toBe(403);
    expect(answer.body.errors[0]!.source?.pointer).toMatch(/^\/atomic:operations\/1/);
    // Linking a grade the instructor cannot see into her term, after a write she may make.
    const link = { op: 'add', ref: { type: 'course_terms', id: ids.t1, relationship: 'grades' }, data: [{ type: 'grades', id: ids.bobT2 }] };
    expect(await writesDuring(async () => (answer = await atomic('instructor', [update(ids.bobT1!, 1), link])))).toEqual([]);
    expect(answer.status).toBe(404);
    expect(await values()).toEqual(stored);
  });

  test('GraphQL: a mutation field on a row the caller cannot see refuses the operation before the first field writes', async () => {
    const grade = await db.prisma.grade.findUniqueOrThrow({ where: { id: ids.bobT1! } });
    let answer!: { data?: unknown; errors?: { extensions: { code: string } }[] };
    const mutation = `mutation($a: ID!, $b: ID!) @atomic { a: updateGrade(id: $a, input: { gradeValue: 1 }) { id } b: updateGrade(id: $b, input: { gradeValue: 1 }) { id } }`;
    expect(await writesDuring(async () => (answer = await gql('instructor', mutation, { a: ids.bobT1, b: ids.bobT2 })))).toEqual([]);
    expect(answer.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    // Without @atomic too: mutations are authorized as a whole, rows included.
    expect(await writesDuring(async () => (answer = await gql('instructor', mutation.replace(' @atomic', ''), { a: ids.bobT1, b: ids.bobT2 })))).toEqual([]);
    expect(answer.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect((await db.prisma.grade.findUniqueOrThrow({ where: { id: ids.bobT1! } })).gradeValue).toBe(grade.gradeValue);
    // A row the operation itself creates (a client-generated id) is checked by its own field, not refused as missing.
    const id = '11111111-2222-4333-8444-555555555555';
    const made = await gql(
      'instructor',
      `mutation($id: ID!, $student: ID!, $term: ID!) @atomic { a: createGrade(input: { id: $id, credits: 3, studentId: $student, courseTermId: $term }) { id } b: updateGrade(id: $id, input: { gradeValue: 2.5 }) { id } }`,
      { id, student: ids.carol, term: ids.t1 },
    );
    expect(made.errors).toBeUndefined();
    expect((await db.prisma.grade.findUniqueOrThrow({ where: { id } })).gradeValue).toBe(2.5);
    await db.prisma.grade.delete({ where: { id } });
  });
});

// PostgreSQL only: PGlite's one connection cannot hold a row lock while the server writes.
const onPostgres = testDatabaseUrl ? test : test.skip;
onPostgres('a write lands only on the row as it was checked: a grade moved out of the instructor\'s terms meanwhile is left alone (409)', async () => {
  const [{ name }] = (await db.prisma.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`) as [{ name: string }];
  const url = new URL(testDatabaseUrl!);
  url.pathname = `/${name}`;
  const registrar = new pg.Client({ connectionString: url.toString() });
  const watcher = new pg.Client({ connectionString: url.toString() });
  await registrar.connect();
  await watcher.connect();
  const before = await db.prisma.grade.findUniqueOrThrow({ where: { id: ids.bobT1! } });
  const joes = await db.prisma.courseTerm.create({ data: { termIdentifier: '20264COMS1001W', courseId: ids.course!, instructors: { connect: [{ id: ids.joe! }] } } });
  try {
    // The registrar moves Bob's grade from the instructor's term to Joe's, and has not committed yet.
    await registrar.query('BEGIN');
    await registrar.query('UPDATE grade SET course_term_id = $1 WHERE id = $2', [joes.id, ids.bobT1]);
    // The instructor's change is checked against the committed row (still in her term) and then waits for the row.
    const change = rest('instructor', 'PATCH', `/v1/grades/${ids.bobT1}`, gradeBody(ids.bobT1, { grade_value: 1.3 }));
    for (let waited = 0; ; waited += 20) {
      const { rows } = await watcher.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [name]);
      if (rows[0]!.n > 0) break;
      if (waited > 30_000) throw new Error('the write never waited for the row');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await registrar.query('COMMIT');
    const answer = await change;
    expect(answer.status).toBe(409);
    expect(answer.body.errors[0].detail).toMatch(/changed/);
    // The grade is in Joe's term, with the value it had: nothing of the instructor's write landed.
    const after = await db.prisma.grade.findUniqueOrThrow({ where: { id: ids.bobT1! } });
    expect(after.courseTermId).toBe(joes.id);
    expect(after.gradeValue).toBe(before.gradeValue);
  } finally {
    await registrar.query('ROLLBACK').catch(() => undefined);
    await db.prisma.grade.update({ where: { id: ids.bobT1! }, data: { courseTermId: before.courseTermId, gradeValue: before.gradeValue } });
    await db.prisma.courseTerm.delete({ where: { id: joes.id } });
    await registrar.end();
    await watcher.end();
  }
});

test('a field rule: the hidden attribute is omitted (JSON:API), null with FORBIDDEN at its path (GraphQL), and refused as a sort key like an unknown one', async () => {
  const list = await rest('client', 'GET', '/v1/grades');
  expect(list.body.data.length).toBeGreaterThan(0);
  for (const g of list.body.data) expect(Object.keys(g.attributes)).not.toContain('grade_letter');
  expect(Object.keys((await rest('registrar', 'GET', '/v1/grades')).body.data[0].attributes)).toContain('grade_letter');
  const sortedBy = await rest('client', 'GET', '/v1/grades?sort=grade_letter');
  expect(sortedBy.status).toBe(400);
  expect(sortedBy.body.errors[0]).toMatchObject({ source: { parameter: 'sort' }, detail: 'gradeLetter is not a sortable field of grades.' });
  expect((await rest('registrar', 'GET', '/v1/grades?sort=grade_letter')).status).toBe(200);
  // A write's answer hides it too.
  const written = await rest('client', 'PATCH', `/v1/grades/${ids.bobT3}`, gradeBody(ids.bobT3, { credits: 3 }));
  expect(written.status).toBe(200);
  expect(Object.keys(written.body.data.attributes)).not.toContain('grade_letter');
  const answer = await gql('client', `{ grades(limit: 1) { nodes { id gradeLetter } } }`);
  expect(answer.data.grades.nodes[0].gradeLetter).toBeNull();
  expect(answer.errors).toEqual([expect.objectContaining({ path: ['grades', 'nodes', 0, 'gradeLetter'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
  const registrar = await gql('registrar', `{ grades(limit: 1) { nodes { id gradeLetter } } }`);
  expect(registrar.errors).toBeUndefined();
});

test('a broken rule stops the start with a message naming the rule', async () => {
  const { policyFromJson } = await import('../../src/auth/policy.js');
  const broken = { rows: { grades: { read: { any: [{ group: 'registrar' }, { path: 'student.nope.username', equals: { identity: true } }] }, wirte: true } } };
  expect(() => policyFromJson(broken, 'OAUTH_POLICY_FILE (p.json)')).toThrow(
    /rows\.grades\.read\.any\[1\]\.path: "student\.nope\.username" is not a path of grades.*rows\.grades\.wirte: not an operation/,
  );
  expect(() => policyFromJson({ fields: { grades: { grade_value: { path: 'credits', equals: 1 } } } }, 'p')).toThrow(/fields\.grades\.grade_value\.path: a field rule depends on the caller only/);
});

test("a filter through a relationship cannot probe rows the rules hide: students by their person's name", async () => {
  const names = async (caller: Caller, name: string) => sorted((await rest(caller, 'GET', `/v1/students?filter[name]=${name}`)).body.data);
  expect((await rest('student', 'GET', '/v1/students')).body.data).toHaveLength(3);
  expect(await names('student', 'Alice')).toEqual([ids.alice]);
  expect(await names('student', 'Bob')).toEqual([]);
  expect(await names('registrar', 'Bob')).toEqual([ids.bob]);
  const search = await gql('student', `{ students(filter: { person: { name: { eq: "Bob" } } }) { totalCount } }`);
  expect(search.data?.students.totalCount ?? search).toBe(0);
  const bobPerson = (await db.prisma.student.findUnique({ where: { id: ids.bob! } }))!.personId!;
  expect((await rest('student', 'GET', `/v1/people/${bobPerson}`)).status).toBe(404);
  expect((await rest('student', 'GET', `/v1/students/${ids.bob}/relationships/person`)).body.data).toBeNull();
});

test('the rules add no statement: the same requests run as many SQL statements with and without rules', async () => {
  const count = async (on: TestServer, caller: Caller, path: string) => {
    let statements = 0;
    const stop = db.onQuery(() => statements++);
    try {
      expect((await rest(caller, 'GET', path, undefined, on)).status).toBe(200);
    } finally {
      stop();
    }
    return statements;
  };
  for (const path of ['/v1/grades', `/v1/course_terms/${ids.t1}?include=grades,instructors`, `/v1/course_terms/${ids.t1}/grades`, `/v1/course_terms/${ids.t1}/relationships/grades`]) {
    const without = await count(plain, 'instructor', path);
    expect(without).toBeGreaterThan(0);
    expect(await count(server, 'instructor', path)).toBe(without);
    expect(await count(server, 'registrar', path)).toBe(without);
  }
});

test('the identity claim is the policy\'s: preferred_username, or a nested claim under a claim URL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'row-rules-identity-'));
  const env = { OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: as.audience, OAUTH_JWKS_URI: as.jwksUri, DEV_AUTH_SERVER: '0' };
  const cases: [unknown, Record<string, unknown>][] = [
    ['preferred_username', { preferred_username: 'alice' }],
    [['https://university.example/claims', 'uni'], { 'https://university.example/claims': { uni: 'alice' } }],
  ];
  for (const [identityClaim, claim] of cases) {
    const file = join(dir, `policy-${cases.findIndex((c) => c[0] === identityClaim)}.json`);
    writeFileSync(file, JSON.stringify({ ...policy, identityClaim }));
    const own = await startTestServer({ ...env, OAUTH_POLICY_FILE: file }, { db });
    try {
      const list = async (claims: Record<string, unknown>) => {
        const token = await as.sign({ scope: 'read', client_id: 'web-app', sub: 'a-subject-id', ...claims });
        const res = await fetch(`${own.url}/v1/grades`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
        return sorted(((await res.json()) as { data: { id: string }[] }).data);
      };
      // Alice's grades by the configured claim; \`sub\` (here not her username) no longer counts.
      expect(await list(claim)).toEqual(await visibleGrades('student'));
      expect(await list({ sub: 'alice' })).toEqual([]);
    } finally {
      await own.stop();
    }
  }
});

test('without row rules in the policy every grade is read, as before', async () => {
  const all = (await db.prisma.grade.findMany({ select: { id: true } })).map((g) => g.id).sort();
  for (const caller of ['student', 'nobody'] as Caller[]) {
    const list = await rest(caller, 'GET', '/v1/grades?page[size]=100', undefined, plain);
    expect(sorted(list.body.data)).toEqual(all);
  }
});

test('the development policy over the demo data: user1 teaches, user2 studies, registrar sees all, a client sees no values', async () => {
  const demoDb = await createTestDatabase();
  const demo = await startTestServer({ OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: as.audience, OAUTH_JWKS_URI: as.jwksUri, DEV_AUTH_SERVER: '0', DEMO_DATA: '1', OAUTH_POLICY_FILE: 'src/auth/policies/development-policy.json' }, { db: demoDb });
  const prisma = demoDb.prisma;
  try {
    const group = 'https://api.columbia.edu/claim/group';
    const read = async (claims: Record<string, unknown>) => {
      const res = await fetch(`${demo.url}/v1/grades`, { headers: { authorization: `Bearer ${await as.sign({ scope: 'read', client_id: 'web-app', ...claims })}` } });
      return ((await res.json()) as { data: { attributes: Record<string, unknown> }[] }).data;
    };
    expect(await read({ sub: 'user1', [group]: 'team-a team-c' })).toHaveLength(2);
    expect(await read({ sub: 'user2', [group]: 'team-a team-b' })).toHaveLength(3);
    expect(await read({ sub: 'user3' })).toHaveLength(0);
    expect(await read({ sub: 'registrar', [group]: 'registrar' })).toHaveLength(5);
    const byClient = await read({ sub: 'demo-client', client_id: 'demo-client' });
    expect(byClient).toHaveLength(5);
    expect(Object.keys(byClient[0]!.attributes)).not.toContain('grade_value');

    // The rows that tie a token to grades (people, students, instructors, course terms and their
    // instructors) are the registrar's and clients' to write: no user can take another's grades.
    const send = async (claims: Record<string, unknown>, method: string, path: string, body?: unknown) => {
      const token = await as.sign({ scope: 'read create update delete', client_id: 'web-app', ...claims });
      const res = await fetch(`${demo.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.api+json', ...(body ? { 'content-type': 'application/vnd.api+json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (res.status === 204 ? null : await res.json()) as { data: { id: string } & Record<string, unknown> } | null };
    };
    const user1 = { sub: 'user1', [group]: 'team-a team-c' };
    const user2 = { sub: 'user2', [group]: 'team-a team-b' };
    const user3 = { sub: 'user3' };
    const registrar = { sub: 'registrar', [group]: 'registrar' };
    const personOf = async (username: string) => (await prisma.person.findUniqueOrThrow({ where: { username }, include: { student: true, instructor: true } }));
    const two = await personOf('user2');
    const john = await personOf('user1');
    const herGrade = await prisma.grade.findFirstOrThrow({ where: { studentId: two.student!.id } });
    const snapshot = async () => ({
      people: await prisma.person.findMany({ orderBy: { id: 'asc' } }),
      students: await prisma.student.findMany({ orderBy: { id: 'asc' } }),
      instructors: await prisma.instructor.findMany({ orderBy: { id: 'asc' }, include: { courseTerms: { select: { id: true }, orderBy: { id: 'asc' } } } }),
      courses: await prisma.course.count(),
      terms: await prisma.courseTerm.count(),
      grades: await prisma.grade.findMany({ orderBy: { id: 'asc' } }),
    });
    const stored = await snapshot();
    // user3 (no person) renames User Two's login to their own, or makes a person of their own and a student of User Two's grades.
    expect((await send(user3, 'PATCH', `/v1/people/${two.id}`, { data: { type: 'people', id: two.id, attributes: { username: 'user3' } } })).status).toBe(403);
    expect((await send(user3, 'POST', '/v1/people', { data: { type: 'people', attributes: { name: 'Three', username: 'user3' } } })).status).toBe(403);
    expect((await send(user3, 'PATCH', `/v1/students/${two.student!.id}/relationships/person`, { data: { type: 'people', id: john.id } })).status).toBe(403);
    // user2 (a student) makes herself an instructor of her own term, from either side.
    expect((await send(user2, 'POST', '/v1/instructors', { data: { type: 'instructors', relationships: { person: { data: { type: 'people', id: two.id } } } } })).status).toBe(403);
    expect((await send(user2, 'POST', `/v1/course_terms/${herGrade.courseTermId}/relationships/instructors`, { data: [{ type: 'instructors', id: john.instructor!.id }] })).status).toBe(403);
    expect((await send(user2, 'DELETE', `/v1/instructors/${john.instructor!.id}`)).status).toBe(403);
    expect((await send(user2, 'PATCH', `/v1/grades/${herGrade.id}`, { data: { type: 'grades', id: herGrade.id, attributes: { grade_value: 4 } } })).status).toBe(403);
    // user1 (an instructor) deletes a course, and with it its terms and their grades.
    const term = await prisma.courseTerm.findUniqueOrThrow({ where: { id: herGrade.courseTermId } });
    expect((await send(user1, 'DELETE', `/v1/courses/${term.courseId}`)).status).toBe(403);
    // GraphQL: the same rule.
    const gql = await fetch(`${demo.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await as.sign({ scope: 'read create update delete', client_id: 'web-app', ...user3 })}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($id: ID!) { updatePerson(id: $id, input: { username: "user3" }) { id } }', variables: { id: two.id } }),
    });
    expect(((await gql.json()) as { errors?: { extensions: { code: string } }[] }).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(await snapshot()).toEqual(stored);
    // The registrar and a client may.
    expect((await send(registrar, 'PATCH', `/v1/people/${two.id}`, { data: { type: 'people', id: two.id, attributes: { name: two.name } } })).status).toBe(200);
    expect((await send({ sub: 'demo-client', client_id: 'demo-client' }, 'PATCH', `/v1/people/${two.id}`, { data: { type: 'people', id: two.id, attributes: { name: two.name } } })).status).toBe(200);
    // An instructor still records grades in the terms he teaches.
    const hisGrade = await prisma.grade.findFirstOrThrow({ where: { courseTerm: { instructors: { some: { id: john.instructor!.id } } } } });
    expect((await send(user1, 'PATCH', `/v1/grades/${hisGrade.id}`, { data: { type: 'grades', id: hisGrade.id, attributes: { grade_value: hisGrade.gradeValue } } })).status).toBe(200);
  } finally {
    await demo.stop();
    await demoDb.close();
  }
});
