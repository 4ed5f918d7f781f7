// Row rules through relationships are resolved once per statement as a set of
// rows (src/resources/sql-reads.ts STORED_ROWS), not tested row by row:
//
// - an instructor's page of grades reads the instructor's grades through the
//   indexes, not the grade table: the statement the list sends (rowRule +
//   pageStatement, as reads.ts builds it) is run under EXPLAIN ANALYZE on a
//   table of 4,000 grades, and the grade rows its plan visits are counted
//   (the per-row form visited every grade, for the count and again for the page);
// - `not` over a path keeps the meaning of NOT EXISTS where a foreign key is
//   NULL (a student without a person, a term without a course), through both
//   the list and a single get, over real HTTP.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAccessRules, accessRulesFor } from '../../src/auth/rules.js';
import type { Principal } from '../../src/auth/types.js';
import type { Database } from '../../src/db/database.js';
import { systemContext } from '../../src/resources/request-context.js';
import { resources } from '../../src/resources/registry.js';
import { rowRule, visibleTo } from '../../src/resources/row-access.js';
import { pageStatement } from '../../src/resources/sql-reads.js';
import { createTestDatabase } from '../support/database.js';
import { StandInIssuer } from '../support/issuer.mjs';
import { startTestServer, type TestServer } from '../support/server.js';

const TERMS = 4000;
const TAUGHT = 4; // terms of the instructor p1, one grade each

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
        ],
      },
    },
    // Everyone but oneself; a student without a person is nobody's self.
    students: { read: { not: { path: 'person.username', equals: { identity: true } } } },
    // Courses without a term of this claim's identifier (a term without a course belongs to none).
    courses: { read: { not: { path: 'course_terms.term_identifier', equals: { claim: 'hidden_term' } } } },
  },
};

let db: Database;

const principal = (claims: Record<string, unknown>): Principal => ({ subject: String(claims.sub), issuer: 'test', scopes: new Set(['read']), claims, hasUser: true });

type PlanNode = { 'Relation Name'?: string; 'Actual Rows'?: number; 'Actual Loops'?: number; 'Rows Removed by Filter'?: number; 'Rows Removed by Index Recheck'?: number; Plans?: PlanNode[] };

/** Grade rows the plan's nodes on the grade table produced or threw away, over all their loops. */
function gradeRowsVisited(node: PlanNode): number {
  const own =
    node['Relation Name'] === 'grade'
      ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * (node['Actual Loops'] ?? 1)
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + gradeRowsVisited(child), 0);
}

describe('an instructor reads a page of grades through the indexes', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    const sql = (text: string) => db.prisma.$executeRawUnsafe(text);
    await sql(`INSERT INTO course (id, last_mod_date, school_bulletin_prefix_code, suffix_two, subject_area_code, course_number, course_identifier, course_name, course_description)
               VALUES (gen_random_uuid(), DATE '2026-01-01', 'XCEF', '00', 'PLAN', '00001', 'PLAN0001X', 'Plan', 'd')`);
    await sql(`INSERT INTO course_term (id, last_mod_date, term_identifier, audit_permitted_code, exam_credit_flag, course_id)
               SELECT gen_random_uuid(), DATE '2026-01-01', 'T' || lpad(i::text, 5, '0'), 0, true, (SELECT id FROM course) FROM generate_series(1, ${TERMS}) AS i`);
    await sql(`INSERT INTO person (id, last_mod_date, name, username) SELECT gen_random_uuid(), DATE '2026-01-01', 'Person ' || i, 'p' || i FROM generate_series(1, 200) AS i`);
    await sql(`INSERT INTO instructor (id, last_mod_date, person_id) SELECT gen_random_uuid(), DATE '2026-01-01', id FROM person WHERE username IN ('p1', 'p2')`);
    await sql(`INSERT INTO student (id, last_mod_date, person_id) SELECT gen_random_uuid(), DATE '2026-01-01', id FROM person WHERE username NOT IN ('p1', 'p2')`);
    // p1 teaches the first TAUGHT terms, p2 all the others.
    await sql(`INSERT INTO "_course_term_instructors" ("A", "B")
               SELECT t.id, (SELECT i.id FROM instructor i JOIN person p ON p.id = i.person_id WHERE p.username = CASE WHEN t.term_identifier <= 'T${String(TAUGHT).padStart(5, '0')}' THEN 'p1' ELSE 'p2' END)
               FROM course_term t`);
    await sql(`INSERT INTO grade (id, last_mod_date, student_id, course_term_id, credits, grade_value)
               SELECT gen_random_uuid(), DATE '2026-01-01', s.id, t.id, 3, 4
               FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM course_term) t
               JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM student) s ON s.n = t.n % (SELECT count(*) FROM student)`);
    await sql('ANALYZE');
  }, 240_000);
  afterAll(async () => {
    await db?.close();
  });

  test('the page and its count visit the instructor’s grades, not the table', async () => {
    const set = parseAccessRules(policy, 'groups', [])!;
    const ctx = { ...systemContext(null), rules: accessRulesFor(set, principal({ sub: 'p1' })) };
    const statement = pageStatement(resources.grade, { where: rowRule(ctx, 'grade'), orderBy: [{ id: 'asc' }], offset: 0, take: 10, count: true, visible: visibleTo(ctx) });
    // As the server runs it: a prepared statement, its values bound.
    const rows = await db.prisma.$queryRawUnsafe<{ __total: number; courseTermId: string }[]>(statement.text, ...statement.values);
    const taught = await db.prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT t.id::text AS id FROM course_term t WHERE t.term_identifier <= 'T${String(TAUGHT).padStart(5, '0')}'`,
    );
    expect(rows.map((r) => r.__total)).toEqual(Array(TAUGHT).fill(TAUGHT));
    expect(new Set(rows.map((r) => r.courseTermId))).toEqual(new Set(taught.map((t) => t.id)));

    const [explained] = await db.prisma.$queryRawUnsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }[]>(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, ...statement.values);
    const plan = explained!['QUERY PLAN'];
    const visited = gradeRowsVisited((typeof plan === 'string' ? (JSON.parse(plan) as [{ Plan: PlanNode }]) : plan)[0].Plan);
    // The instructor's 4 grades, a few times over (the set, the count, the page); the per-row form visited all 4,000 at least once.
    expect(visited).toBeLessThanOrEqual(TAUGHT * 10);
  });
});

describe('not over a path, where a foreign key is NULL', () => {
  let as: StandInIssuer;
  let rulesDb: Database;
  let server: TestServer;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    as = await StandInIssuer.start();
    rulesDb = await createTestDatabase();
    const p = rulesDb.prisma;
    const me = await p.person.create({ data: { name: 'Me', username: 'me' } });
    const other = await p.person.create({ data: { name: 'Other', username: 'other' } });
    ids.mine = (await p.student.create({ data: { person: { connect: { id: me.id } } } })).id;
    ids.others = (await p.student.create({ data: { person: { connect: { id: other.id } } } })).id;
    ids.nobodys = (await p.student.create({ data: {} })).id;
    const course = (identifier: string) =>
      p.course.create({ data: { schoolBulletinPrefixCode: 'COMS', suffixTwo: '00', subjectAreaCode: 'COMS', courseNumber: identifier.slice(4, 8), courseIdentifier: identifier, courseName: identifier, courseDescription: 'd' } });
    ids.hiddenCourse = (await course('COMS1001W')).id;
    ids.plainCourse = (await course('COMS1002W')).id;
    await p.courseTerm.create({ data: { termIdentifier: '20261COMS1001W', courseId: ids.hiddenCourse } });
    await p.courseTerm.create({ data: { termIdentifier: '20261COMS1002W', courseId: ids.plainCourse } });
    // A term of no course, with the hidden identifier's twin: no course holds it.
    await p.courseTerm.create({ data: { termIdentifier: '20262COMS1001W' } });
    const dir = mkdtempSync(join(tmpdir(), 'row-rules-sets-'));
    const policyFile = join(dir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify(policy));
    server = await startTestServer(
      { OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: as.audience, OAUTH_JWKS_URI: as.jwksUri, DEV_AUTH_SERVER: '0', OAUTH_POLICY_FILE: policyFile },
      { db: rulesDb },
    );
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await rulesDb?.close();
    await as?.stop();
  });

  const get = async (token: string, path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.api+json' } });
    return { status: res.status, body: (await res.json()) as { data: { id: string }[] | { id: string } } };
  };
  const listed = (body: { data: { id: string }[] | { id: string } }) => (body.data as { id: string }[]).map((r) => r.id).sort();

  test('a student without a person is not oneself', async () => {
    const token = await as.sign({ scope: 'read', sub: 'me' });
    expect(listed((await get(token, '/v1/students')).body)).toEqual([ids.others, ids.nobodys].sort());
    expect((await get(token, `/v1/students/${ids.nobodys}`)).status).toBe(200);
    expect((await get(token, `/v1/students/${ids.mine}`)).status).toBe(404);
  });

  test('a term of no course hides no course', async () => {
    const token = await as.sign({ scope: 'read', sub: 'me', hidden_term: '20261COMS1001W' });
    expect(listed((await get(token, '/v1/courses')).body)).toEqual([ids.plainCourse]);
    const twin = await as.sign({ scope: 'read', sub: 'me', hidden_term: '20262COMS1001W' });
    expect(listed((await get(twin, '/v1/courses')).body)).toEqual([ids.hiddenCourse, ids.plainCourse].sort());
    expect((await get(twin, `/v1/courses/${ids.plainCourse}`)).status).toBe(200);
  });
});
