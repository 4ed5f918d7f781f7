// Database work is bounded by what a request asks for, not by how much is
// stored: a course with 10,000 terms asked for 5 of them reads at most 6 term
// rows (the 5 and one more, to know there is a next page), checked with
// EXPLAIN ANALYZE of the very statements the request sent, with its parameters
// (from Prisma's query events); and a request's statements do not grow with
// its page size or with the number of related rows.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { systemContext } from '../../src/auth/types.js';
import { createServices } from '../../src/resources/service.js';
import { testDatabaseUrl } from '../support/database.js';
import { startGraphQLRig, type GraphQLTestRig } from '../graphql/support/setup.js';

let rig: GraphQLTestRig;
let courseId: string;
const TERMS = 10_000;

interface Sent {
  query: string;
  params: unknown[];
}

/** The statements (with parameters) a piece of work sends. */
async function sentBy(work: () => Promise<unknown>): Promise<Sent[]> {
  const sent: Sent[] = [];
  let listening = true;
  rig.server.db.prisma.$on('query', (event) => {
    if (listening) sent.push({ query: event.query, params: JSON.parse(event.params) as unknown[] });
  });
  try {
    await work();
  } finally {
    listening = false;
  }
  return sent;
}

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** Rows of `table` the plan's scans produced (actual rows × loops), from EXPLAIN ANALYZE. */
async function rowsRead(statement: Sent, table: string): Promise<number> {
  const [row] = await rig.server.db.prisma.$queryRawUnsafe<{ 'QUERY PLAN': unknown }[]>(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.query}`, ...statement.params);
  const raw = row!['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  const walk = (node: PlanNode): number =>
    (node['Relation Name'] === table ? (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1) : 0) + (node.Plans ?? []).reduce((sum, n) => sum + walk(n), 0);
  return walk(plan[0]!.Plan);
}

beforeAll(async () => {
  // One connection, so that its prepared statements can be looked at (PostgreSQL).
  rig = await startGraphQLRig({ DEMO_DATA: '0', DATABASE_POOL_SIZE: '1' });
  const services = createServices(rig.server.db.prisma);
  const course = await services.course.create(systemContext('seed'), {
    attributes: { courseIdentifier: 'BIGX1000X', courseName: 'Many terms', courseNumber: '1000', subjectAreaCode: 'BIGX', schoolBulletinPrefixCode: 'X', suffixTwo: '00', courseDescription: 'seeded' },
  });
  courseId = course.id;
  await rig.server.db.prisma.$executeRawUnsafe(
    `INSERT INTO course_term (id, term_identifier, course_id, last_mod_date) SELECT gen_random_uuid(), 'T' || lpad(g::text, 8, '0'), $1::uuid, CURRENT_DATE FROM generate_series(1, ${TERMS}) g`,
    courseId,
  );
  await rig.server.db.prisma.$executeRawUnsafe('ANALYZE course_term');
}, 120_000);
afterAll(async () => rig?.stop());

describe('a course with 10,000 terms', () => {
  test('GraphQL: its terms asked for 5 (with hasNextPage) read at most 6 term rows', async () => {
    let answer: Awaited<ReturnType<GraphQLTestRig['gql']>> | undefined;
    const sent = await sentBy(async () => {
      answer = await rig.gql(`query($id: ID!) { course(id: $id) { courseTerms(first: 5) { nodes { termIdentifier } pageInfo { hasNextPage } } } }`, { id: courseId }, rig.readOnly);
    });
    expect(answer!.errors).toBeUndefined();
    const terms = (answer!.data as { course: { courseTerms: { nodes: unknown[]; pageInfo: { hasNextPage: boolean } } } }).course.courseTerms;
    expect(terms.nodes).toHaveLength(5);
    expect(terms.pageInfo.hasNextPage).toBe(true);
    const reading = sent.filter((s) => /"course_term"/.test(s.query));
    expect(reading).toHaveLength(1);
    expect(await rowsRead(reading[0]!, 'course_term')).toBeLessThanOrEqual(6);
  });

  test('GraphQL: a later page (after a cursor) reads at most the rows up to it, not the other 9,990', async () => {
    const first = await rig.gql(`query($id: ID!) { course(id: $id) { courseTerms(first: 5) { pageInfo { endCursor } } } }`, { id: courseId }, rig.readOnly);
    const after = (first.data as { course: { courseTerms: { pageInfo: { endCursor: string } } } }).course.courseTerms.pageInfo.endCursor;
    const sent = await sentBy(() => rig.gql(`query($id: ID!, $after: String) { course(id: $id) { courseTerms(first: 5, after: $after) { nodes { termIdentifier } } } }`, { id: courseId, after }, rig.readOnly));
    const reading = sent.filter((s) => /"course_term"/.test(s.query));
    expect(reading).toHaveLength(1);
    expect(await rowsRead(reading[0]!, 'course_term')).toBeLessThanOrEqual(10);
  });

  test('JSON:API: the related endpoint with page[size]=5 is the page and its count in one statement', async () => {
    const sent = await sentBy(async () => {
      const res = await fetch(`${rig.server.url}/v1/courses/${courseId}/course_terms?page[size]=5`, { headers: { authorization: `Bearer ${rig.readOnly}` } });
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { data: unknown[]; meta: { pagination: { count: number } } };
      expect(doc.data).toHaveLength(5);
      expect(doc.meta.pagination.count).toBe(TERMS);
    });
    // The page and its count together (the relationships' linkage of the 5 terms is one more statement, by id).
    const pageOrCount = sent.filter((s) => /"course_term"/.test(s.query) && /LIMIT|count\(/i.test(s.query));
    expect(pageOrCount).toHaveLength(1);
  });
});

describe('statements per request do not grow with page size or related rows', () => {
  test('GraphQL and JSON:API: the same number of statements for 2 and 50 terms', async () => {
    const gql = (n: number) => sentBy(() => rig.gql(`query($id: ID!, $n: Int) { course(id: $id) { courseTerms(first: $n) { nodes { termIdentifier course { courseIdentifier } } } } }`, { id: courseId, n }, rig.readOnly));
    const rest = (n: number) =>
      sentBy(() => fetch(`${rig.server.url}/v1/courses/${courseId}/course_terms?page[size]=${n}&include=course`, { headers: { authorization: `Bearer ${rig.readOnly}` } }).then((r) => r.json()));
    expect((await gql(50)).length).toBe((await gql(2)).length);
    expect((await rest(50)).length).toBe((await rest(2)).length);
  });
});

// PostgreSQL only (PGlite runs in-process, without a wire protocol to prepare on).
(testDatabaseUrl ? describe : describe.skip)('prepared statements (PostgreSQL)', () => {
  test('a read is prepared once per connection: asking again adds no statement, a different page size reuses the same one', async () => {
    const ask = (n: number) => rig.gql(`query($id: ID!, $n: Int) { course(id: $id) { courseTerms(first: $n) { nodes { termIdentifier } } } }`, { id: courseId, n }, rig.readOnly);
    const prepared = async () =>
      (await rig.server.db.prisma.$queryRawUnsafe<{ name: string; statement: string }[]>('SELECT name, statement FROM pg_prepared_statements')).filter((p) => /"course_term"/.test(p.statement));
    await ask(3);
    const once = await prepared();
    expect(once.length).toBeGreaterThanOrEqual(1);
    await ask(3);
    await ask(7);
    expect((await prepared()).map((p) => p.name).sort()).toEqual(once.map((p) => p.name).sort());
  });
});
