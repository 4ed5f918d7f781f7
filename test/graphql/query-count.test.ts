// Relations load in batches: the SQL queries of a request depend on its shape,
// never on its number of rows. A list counts its records only when the answer
// needs the number (totalCount, or positions counted from the end); the
// answers are the same whatever is selected.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { systemContext } from '../../src/auth/types.js';
import { encodeCursor } from '../../src/graphql/pagination.js';
import { createServices } from '../../src/resources/service.js';
import { CoursesWithTermsInstructorsPeopleDocument } from './generated/operations.js';
import { startGraphQLRig, type GraphQLTestRig } from './support/setup.js';

let rig: GraphQLTestRig;
const courseCount = 60;

beforeAll(async () => {
  rig = await startGraphQLRig({ DEMO_DATA: '0', GRAPHQL_MAX_COST: '100000' });
  const services = createServices(rig.server.db.prisma);
  const ctx = systemContext('seed');
  const instructors: string[] = [];
  for (let i = 0; i < 20; i++) {
    const person = await services.person.create(ctx, { attributes: { name: `Instructor ${i}` } });
    instructors.push((await services.instructor.create(ctx, { relationships: { person: person.id } })).id);
  }
  for (let c = 0; c < courseCount; c++) {
    const identifier = `QCNT${String(1000 + c)}X`;
    const course = await services.course.create(ctx, {
      attributes: { courseIdentifier: identifier, courseName: `Course ${c}`, courseNumber: String(c), subjectAreaCode: 'QCNT', schoolBulletinPrefixCode: 'X', suffixTwo: '00', courseDescription: 'seeded' },
    });
    for (const term of ['1', '2']) {
      await services.courseTerm.create(ctx, {
        attributes: { termIdentifier: `2024${term}${identifier}` },
        relationships: { course: course.id, instructors: [instructors[c % 20]!, instructors[(c + term.length * 7 + Number(term)) % 20]!] },
      });
    }
  }
});
afterAll(async () => rig?.stop());
/** A third of the courses without an end date, the others on four dates (ties broken by id): for sorts with empty values. */
beforeAll(async () => {
  const courses = await rig.server.db.prisma.course.findMany({ select: { id: true }, orderBy: { courseIdentifier: 'asc' } });
  for (const [i, { id }] of courses.entries()) {
    if (i % 3) await rig.server.db.prisma.course.update({ where: { id }, data: { effectiveEndDate: new Date(Date.UTC(2030, i % 4, 1)) } });
  }
});

async function countQueries(first: number): Promise<{ queries: number; courses: number; terms: number; people: number }> {
  let queries = 0;
  const stop = rig.server.db.onQuery(() => void queries++);
  try {
    const r = await rig.gql(CoursesWithTermsInstructorsPeopleDocument, { first, termsFirst: 10, instructorsFirst: 10 }, rig.readOnly);
    expect(r.errors).toBeUndefined();
    const courses = r.data!.courses.nodes;
    const terms = courses.flatMap((c) => c.courseTerms.nodes);
    const people = terms.flatMap((t) => t.instructors.nodes.map((i) => i.person?.name));
    expect(people.every((name) => typeof name === 'string')).toBe(true);
    return { queries, courses: courses.length, terms: terms.length, people: people.length };
  } finally {
    stop();
  }
}

test('50 courses with their terms, the terms’ instructors and their people: a fixed, small number of SQL queries', async () => {
  const few = await countQueries(2);
  const many = await countQueries(50);
  expect(many).toMatchObject({ courses: 50, terms: 100, people: 200 });
  expect(few).toMatchObject({ courses: 2, terms: 4 });
  // courses + count, terms of all courses, instructors of all terms (rows + links), people of all instructors
  expect(many.queries).toBe(few.queries);
  expect(many.queries).toBeLessThanOrEqual(6);
});

/** A GraphQL operation's answer and the SQL statements it ran (Prisma's query log). */
async function measured(query: string, variables: Record<string, unknown> = {}) {
  const statements: string[] = [];
  const stop = rig.server.db.onQuery((sql) => void statements.push(sql));
  try {
    const r = await rig.gql(query, variables, rig.readOnly);
    return { r, statements, counts: statements.filter((sql) => /\bcount\s*\(/i.test(sql)).length };
  } finally {
    stop();
  }
}

const sorted = 'sort: [{ field: COURSE_IDENTIFIER }]';

describe('counting only when the answer needs it', () => {
  test('a page without totalCount (the benchmark’s shape): the page’s rows and the nested rows, no COUNT', async () => {
    const m = await measured(`{ courses(first: 10, ${sorted}) { nodes { id courseTerms(first: 100) { nodes { id } } } } }`);
    expect(m.r.errors).toBeUndefined();
    expect(m.r.data).toMatchObject({ courses: { nodes: expect.arrayContaining([expect.objectContaining({ courseTerms: { nodes: expect.any(Array) } })]) } });
    expect(m.counts).toBe(0);
    expect(m.statements).toHaveLength(2);
  });

  test('hasNextPage without totalCount: one statement (a row more than the page), no COUNT', async () => {
    const m = await measured(`{ courses(first: 10, ${sorted}) { pageInfo { hasNextPage endCursor } edges { cursor } } }`);
    expect(m.r.errors).toBeUndefined();
    expect(m.counts).toBe(0);
    expect(m.statements).toHaveLength(1);
  });

  test('totalCount alone: the COUNT alone; with the page: the COUNT and the page in one statement', async () => {
    const alone = await measured(`{ courses(first: 10) { totalCount } }`);
    expect(alone.r.data).toEqual({ courses: { totalCount: courseCount } });
    expect(alone.statements).toHaveLength(1);
    expect(alone.counts).toBe(1);
    const both = await measured(`{ courses(first: 10) { totalCount nodes { id } } }`);
    expect(both.r.data).toMatchObject({ courses: { totalCount: courseCount } });
    expect((both.r.data as { courses: { nodes: unknown[] } }).courses.nodes).toHaveLength(10);
    expect(both.statements).toHaveLength(1);
    expect(both.counts).toBe(1);
  });

  test('last: without cursors, the last rows alone; with cursors, the COUNT and the rows in one statement (was a COUNT, the rows and a second COUNT)', async () => {
    const rows = await measured(`{ courses(last: 5, ${sorted}) { nodes { courseIdentifier } pageInfo { hasPreviousPage hasNextPage } } }`);
    expect(rows.r.errors).toBeUndefined();
    expect(rows.counts).toBe(0);
    expect(rows.statements).toHaveLength(1);
    const cursors = await measured(`{ courses(last: 5, ${sorted}) { edges { cursor } } }`);
    expect(cursors.r.errors).toBeUndefined();
    expect(cursors.counts).toBe(1);
    expect(cursors.statements).toHaveLength(1);
  });

  test('whatever is selected, bad list arguments are still refused', async () => {
    for (const selection of ['totalCount', '__typename', 'pageInfo { hasNextPage }']) {
      const bad = await measured(`{ courses(filter: { courseIdentifier: { regex: "(" } }) { ${selection} } }`);
      expect({ selection, code: bad.r.errors?.[0]?.extensions?.code }).toEqual({ selection, code: 'BAD_USER_INPUT' });
      const empty = await measured(`{ courses(filter: { courseName: { eq: null } }) { ${selection} } }`);
      expect({ selection, code: empty.r.errors?.[0]?.extensions?.code }).toEqual({ selection, code: 'BAD_USER_INPUT' });
    }
  });
});

describe('the same answers whatever is selected', () => {
  /** Every course's cursor and identifier, in COURSE_IDENTIFIER order. */
  let all: { cursor: string; node: { courseIdentifier: string } }[];
  beforeAll(async () => {
    const r = await rig.gql(`{ courses(first: 100, ${sorted}) { edges { cursor node { courseIdentifier } } } }`, {}, rig.readOnly);
    all = (r.data as { courses: { edges: typeof all } }).courses.edges;
    expect(all).toHaveLength(courseCount);
  });
  const c = (position: number) => JSON.stringify(all[position]!.cursor);
  const beyond = (position: number) => JSON.stringify(encodeCursor(position)); // a cursor past the end of the list
  const none = 'filter: { courseIdentifier: { eq: "NONE0000X" } }';
  const n = courseCount;

  interface Case {
    args: () => string;
    /** The positions on the page: [from, to). */
    from: number;
    to: number;
    next: boolean;
    previous: boolean;
    total?: number;
    /** last without before: positions are counted from the end, so cursors need the total. */
    fromEnd?: boolean;
  }
  const cases: Case[] = [
    { args: () => 'first: 10', from: 0, to: 10, next: true, previous: false },
    { args: () => `first: 10, after: ${c(n - 11)}`, from: n - 10, to: n, next: false, previous: true }, // ends exactly at the end
    { args: () => `first: 10, after: ${c(n - 12)}`, from: n - 11, to: n - 1, next: true, previous: true }, // one short of it
    { args: () => `first: 10, after: ${c(n - 1)}`, from: n, to: n, next: false, previous: true }, // just past the end
    { args: () => `first: 10, after: ${beyond(n + 20)}`, from: n, to: n, next: false, previous: true },
    { args: () => `first: ${n}`, from: 0, to: n, next: false, previous: false },
    { args: () => `first: ${n - 1}`, from: 0, to: n - 1, next: true, previous: false },
    { args: () => `first: 5, before: ${c(0)}`, from: 0, to: 0, next: true, previous: false }, // an empty range
    { args: () => `first: 5, after: ${c(10)}, before: ${c(12)}`, from: 11, to: 12, next: true, previous: true },
    { args: () => `offset: ${n - 10}, limit: 10`, from: n - 10, to: n, next: false, previous: true },
    { args: () => `offset: ${n}, limit: 10`, from: n, to: n, next: false, previous: true },
    { args: () => `offset: ${n + 40}`, from: n, to: n, next: false, previous: true },
    { args: () => 'last: 10', from: n - 10, to: n, next: false, previous: true, fromEnd: true },
    { args: () => `last: ${n}`, from: 0, to: n, next: false, previous: false, fromEnd: true }, // exactly the whole list
    { args: () => `last: ${n + 1}`, from: 0, to: n, next: false, previous: false, fromEnd: true },
    { args: () => `last: ${n - 1}`, from: 1, to: n, next: false, previous: true, fromEnd: true },
    { args: () => `last: 5, before: ${c(5)}`, from: 0, to: 5, next: true, previous: false },
    { args: () => `last: 5, before: ${c(6)}`, from: 1, to: 6, next: true, previous: true },
    { args: () => `last: 3, before: ${beyond(n + 10)}`, from: n + 7, to: n + 7, next: false, previous: true },
    { args: () => `last: 10, after: ${c(n - 5)}`, from: n - 4, to: n, next: false, previous: true, fromEnd: true },
    { args: () => `last: 10, after: ${c(n - 1)}`, from: n, to: n, next: false, previous: true, fromEnd: true },
    { args: () => `last: 3, after: ${c(10)}, before: ${c(12)}`, from: 11, to: 12, next: true, previous: true },
    { args: () => `first: 10, ${none}`, from: 0, to: 0, next: false, previous: false, total: 0 },
    { args: () => `first: 10, after: ${c(3)}, ${none}`, from: 4, to: 4, next: false, previous: false, total: 0 }, // past the end of an empty list
    { args: () => `offset: 5, ${none}`, from: 5, to: 5, next: false, previous: false, total: 0 },
    { args: () => `last: 3, ${none}`, from: 0, to: 0, next: false, previous: false, total: 0, fromEnd: true },
  ];

  /** The whole answer of a case, as every field would show it. */
  function expected(k: Case) {
    const edges = Array.from({ length: k.to - k.from }, (_, i) => all[k.from + i]!);
    return {
      totalCount: k.total ?? n,
      pageInfo: { hasNextPage: k.next, hasPreviousPage: k.previous, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      edges,
      nodes: edges.map((e) => e.node),
    };
  }
  type Answer = ReturnType<typeof expected>;
  interface Selection {
    name: string;
    text: string;
    fragments?: string;
    pick: (a: Answer) => unknown;
    /** Asks for totalCount (so a COUNT may run). */
    total?: boolean;
    /** Asks for cursors (under last without before, they need the total). */
    cursors?: boolean;
    /** Asks for hasPreviousPage. */
    previous?: boolean;
  }
  const selections: Selection[] = [
    {
      name: 'everything',
      text: 'totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { courseIdentifier } } nodes { courseIdentifier }',
      pick: (a) => a,
      total: true,
      cursors: true,
      previous: true,
    },
    { name: 'nodes', text: 'nodes { courseIdentifier }', pick: (a) => ({ nodes: a.nodes }) },
    { name: 'hasNextPage', text: 'pageInfo { hasNextPage }', pick: (a) => ({ pageInfo: { hasNextPage: a.pageInfo.hasNextPage } }) },
    { name: 'hasPreviousPage', text: 'pageInfo { hasPreviousPage }', pick: (a) => ({ pageInfo: { hasPreviousPage: a.pageInfo.hasPreviousPage } }), previous: true },
    {
      name: 'cursors',
      text: 'pageInfo { startCursor endCursor } edges { cursor }',
      pick: (a) => ({ pageInfo: { startCursor: a.pageInfo.startCursor, endCursor: a.pageInfo.endCursor }, edges: a.edges.map((e) => ({ cursor: e.cursor })) }),
      cursors: true,
    },
    { name: 'totalCount', text: 'totalCount', pick: (a) => ({ totalCount: a.totalCount }), total: true },
    {
      name: 'fragments and aliases',
      text: '...Counted p: pageInfo { ... on PageInfo { n: hasNextPage } ...Back } list: nodes { courseIdentifier }',
      fragments: 'fragment Counted on CourseConnection { t: totalCount } fragment Back on PageInfo { b: hasPreviousPage }',
      pick: (a) => ({ t: a.totalCount, p: { n: a.pageInfo.hasNextPage, b: a.pageInfo.hasPreviousPage }, list: a.nodes }),
      total: true,
      previous: true,
    },
    {
      name: 'an inline fragment and a fragment of cursors',
      text: '... on CourseConnection { e: edges { ...Where } }',
      fragments: 'fragment Where on CourseEdge { at: cursor }',
      pick: (a) => ({ e: a.edges.map((e) => ({ at: e.cursor })) }),
      cursors: true,
    },
    { name: '@skip of totalCount', text: 'pageInfo { hasNextPage } totalCount @skip(if: $yes)', pick: (a) => ({ pageInfo: { hasNextPage: a.pageInfo.hasNextPage } }) },
    { name: '@include of totalCount', text: 'totalCount @include(if: $yes) nodes { courseIdentifier } pageInfo { hasNextPage @include(if: $no) }', pick: (a) => ({ totalCount: a.totalCount, nodes: a.nodes, pageInfo: {} }), total: true },
  ];

  test('last reads the same rows as the end of the list under sorts with empty values, without a COUNT', async () => {
    for (const direction of ['ASC', 'DESC']) {
      const sort = `sort: [{ field: EFFECTIVE_END_DATE, direction: ${direction} }]`;
      const whole = await rig.gql(`{ courses(first: 100, ${sort}) { nodes { courseIdentifier } } }`, {}, rig.readOnly);
      const nodes = (whole.data as { courses: { nodes: unknown[] } }).courses.nodes;
      expect(nodes).toHaveLength(n);
      for (const last of [1, 7, 25, n]) {
        const m = await measured(`{ courses(last: ${last}, ${sort}) { nodes { courseIdentifier } pageInfo { hasPreviousPage hasNextPage } } }`);
        expect({ direction, last, data: m.r.data }).toEqual({ direction, last, data: { courses: { nodes: nodes.slice(-last), pageInfo: { hasPreviousPage: last < n, hasNextPage: false } } } });
        expect(m.counts).toBe(0);
      }
    }
  });

  test.each(cases.map((k) => [k.args.toString().replace(/^\(\) => /, ''), k] as const))('%s', async (_, k) => {
    const answer = expected(k);
    for (const s of selections) {
      const variables = Object.fromEntries([['yes', true], ['no', false]].filter(([name]) => s.text.includes(`$${name}`)));
      const declared = Object.keys(variables).map((name) => `$${name}: Boolean!`);
      const query = `query ${declared.length ? `(${declared.join(', ')})` : ''} { courses(${k.args()}, ${sorted}) { ${s.text} } } ${s.fragments ?? ''}`;
      const m = await measured(query, variables);
      expect({ selection: s.name, errors: m.r.errors, data: m.r.data }).toEqual({ selection: s.name, errors: undefined, data: { courses: s.pick(answer) } });
      // What is counted: a COUNT only for totalCount, or for cursors of rows counted from the end.
      const mayCount = s.total || (k.fromEnd && (s.cursors || k.args().includes('after')));
      expect({ selection: s.name, counts: m.counts }).toEqual({ selection: s.name, counts: mayCount ? 1 : 0 });
      // At most the page and the COUNT; without a COUNT one statement, and a second only to tell
      // hasPreviousPage of an empty page after the start (whether the list has any record).
      const most = mayCount ? 2 : 1 + (s.previous && k.from === k.to && k.from > 0 ? 1 : 0);
      expect({ selection: s.name, statements: m.statements.length <= most }).toEqual({ selection: s.name, statements: true });
    }
  });
});
