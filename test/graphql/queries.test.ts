// Lists and records over HTTP: filters in the REST vocabulary, search, sort,
// cursor and page-number pagination, nested lists with the same arguments.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { CourseByIdDocument, CourseListDocument, CourseTermsOfCourseDocument, InstructorListDocument, type CourseListQueryVariables, type CourseTermsOfCourseQueryVariables } from './generated/operations.js';
import { codes } from './support/client.js';
import { startGraphQLRig, type GraphQLTestRig } from './support/setup.js';

let rig: GraphQLTestRig;
beforeAll(async () => {
  rig = await startGraphQLRig();
});
afterAll(async () => rig?.stop());

const list = async (variables: CourseListQueryVariables) => {
  const r = await rig.gql(CourseListDocument, variables, rig.readOnly);
  expect(r.errors).toBeUndefined();
  return r.data!.courses;
};
const identifiers = (c: Awaited<ReturnType<typeof list>>) => c.edges.map((e) => e.node.courseIdentifier);

describe('filters', () => {
  test('eq, in, text lookups and comparisons', async () => {
    const acct = await list({ filter: { subjectAreaCode: { eq: 'ACCT' } }, sort: [{ field: 'COURSE_IDENTIFIER' }] });
    expect(identifiers(acct)).toEqual(['ACCT7022B', 'ACCT8122B']);
    expect(acct.totalCount).toBe(2);
    const some = await list({ filter: { courseIdentifier: { in: ['BUEC7255B', 'COMS3102W', 'NOPE0000X'] } }, sort: [{ field: 'COURSE_IDENTIFIER' }] });
    expect(identifiers(some)).toEqual(['BUEC7255B', 'COMS3102W']);
    expect(identifiers(await list({ filter: { courseName: { icontains: 'accounting' } }, sort: [{ field: 'COURSE_IDENTIFIER' }] }))).toEqual(['ACCT7022B', 'ACCT8122B']);
    expect(identifiers(await list({ filter: { courseName: { contains: 'accounting' } } }))).toEqual([]);
    expect(identifiers(await list({ filter: { courseName: { iexact: 'applied physics seminar' } } }))).toEqual(['APPH9143E']);
    expect(identifiers(await list({ filter: { courseIdentifier: { regex: '^AC' } }, sort: [{ field: 'COURSE_IDENTIFIER' }] }))).toEqual(['ACCT7022B', 'ACCT8122B']);
    expect(identifiers(await list({ filter: { courseIdentifier: { gte: 'CI', lt: 'CO' } }, sort: [{ field: 'COURSE_IDENTIFIER' }] }))).toEqual(['CIEN3304E', 'CLEN4414W']);
  });

  test('relationship paths, as in REST (course_terms.term_identifier, name of an instructor)', async () => {
    expect(identifiers(await list({ filter: { courseTerms: { termIdentifier: { eq: '20181AUPH1010O' } } } }))).toEqual(['AUPH1010O']);
    const r = await rig.gql(InstructorListDocument, { filter: { person: { name: { eq: 'John Jay' } } } }, rig.readOnly);
    expect(r.data!.instructors.nodes.map((i) => i.person?.name)).toEqual(['John Jay']);
    const byCourse = await rig.gql(InstructorListDocument, { filter: { courseTerms: { course: { courseName: { icontains: 'body and society' } } } } }, rig.readOnly);
    expect(byCourse.errors).toBeUndefined();
    expect(byCourse.data!.instructors.totalCount).toBeGreaterThan(0);
  });

  test('bad filter values are BAD_USER_INPUT naming the filter', async () => {
    const badRegex = await rig.gql(CourseListDocument, { filter: { courseName: { regex: '(' } } }, rig.readOnly);
    expect(codes(badRegex)).toEqual(['BAD_USER_INPUT']);
    expect(badRegex.errors![0]!.extensions!.field).toBe('filter.courseName.regex');
    const badId = await rig.gql(CourseListDocument, { filter: { id: { eq: 'not-a-uuid' } } }, rig.readOnly);
    expect(badId.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.id.eq' });
    const nullOperand = await rig.gql(CourseListDocument, { filter: { courseName: { contains: null } } }, rig.readOnly);
    expect(nullOperand.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.courseName.contains' });
    const nullOnRequired = await rig.gql(CourseListDocument, { filter: { courseName: { eq: null } } }, rig.readOnly);
    expect(nullOnRequired.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.courseName.eq' });
    for (const filter of [{ courseName: { lt: 'a\u0000' } }, { courseName: { regex: 'a\u0000' } }]) {
      const nul = await rig.gql(CourseListDocument, { filter }, rig.readOnly);
      expect(nul.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' }); // PostgreSQL text cannot hold U+0000
    }
    const nulSearch = await rig.gql(CourseListDocument, { search: 'body \u0000' }, rig.readOnly);
    expect(nulSearch.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
    const tooMany = await rig.gql(CourseListDocument, { filter: { courseName: { in: Array.from({ length: 101 }, (_, i) => `x${i}`) } } }, rig.readOnly);
    expect(tooMany.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.courseName.in' });
    const unknownField = await rig.gql(`{ courses(filter: { nope: { eq: "x" } }) { totalCount } }`, {}, rig.readOnly);
    expect(unknownField.status).toBe(400);
    expect(codes(unknownField)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});

test('search: every word in one of the searched fields, ignoring case', async () => {
  expect(identifiers(await list({ search: 'accounting value' }))).toEqual(['ACCT7022B']);
  expect((await list({ search: 'ACCOUNTING' })).totalCount).toBe(2);
  const tooLong = await rig.gql(CourseListDocument, { search: Array.from({ length: 11 }, (_, i) => `w${i}`).join(' ') }, rig.readOnly);
  expect(tooLong.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
});

test('sort: several keys, both directions', async () => {
  const all = await list({ sort: [{ field: 'SUBJECT_AREA_CODE', direction: 'DESC' }, { field: 'COURSE_IDENTIFIER', direction: 'ASC' }], first: 100 });
  const keys = all.edges.map((e) => [e.node.subjectAreaCode, e.node.courseIdentifier] as const);
  const sorted = [...keys].sort((a, b) => (a[0] === b[0] ? a[1].localeCompare(b[1]) : b[0].localeCompare(a[0])));
  expect(keys).toEqual(sorted);
  expect(all.totalCount).toBe(10);
});

describe('pagination', () => {
  const sort = [{ field: 'COURSE_IDENTIFIER' as const }];
  test('first/after walks forward without gaps or overlaps; last/before walks back', async () => {
    const everything = identifiers(await list({ sort, first: 100 }));
    expect(everything).toHaveLength(10);
    const seen: string[] = [];
    let after: string | null | undefined;
    for (;;) {
      const page = await list({ sort, first: 3, after });
      seen.push(...identifiers(page));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== undefined);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(everything);

    const tail = await list({ sort, last: 3 });
    expect(identifiers(tail)).toEqual(everything.slice(7));
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = await list({ sort, last: 3, before: tail.pageInfo.startCursor });
    expect(identifiers(before)).toEqual(everything.slice(4, 7));
    const start = await list({ sort, last: 10, before: before.edges[1]!.cursor });
    expect(identifiers(start)).toEqual(everything.slice(0, 5));
    expect(start.pageInfo.hasPreviousPage).toBe(false);
  });

  test('offset/limit for page-number clients, with the same totals', async () => {
    const everything = identifiers(await list({ sort, first: 100 }));
    const page2 = await list({ sort, offset: 4, limit: 4 });
    expect(identifiers(page2)).toEqual(everything.slice(4, 8));
    expect(page2.totalCount).toBe(10);
    expect(page2.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    expect(identifiers(await list({ sort, offset: 8, limit: 4 }))).toEqual(everything.slice(8));
    expect(identifiers(await list({ sort, offset: 50 }))).toEqual([]);
    expect(identifiers(await list({ sort }))).toEqual(everything.slice(0, 10)); // default page: 10, as REST
  });

  test('bad pagination arguments are BAD_USER_INPUT naming the argument', async () => {
    const cases: [CourseListQueryVariables, string][] = [
      [{ first: 101 }, 'first'],
      [{ first: -1 }, 'first'],
      [{ limit: 1000 }, 'limit'],
      [{ offset: -5 }, 'offset'],
      [{ after: 'garbage!' }, 'after'],
      [{ before: Buffer.from('position:x').toString('base64url') }, 'before'],
      [{ first: 2, offset: 3 }, 'offset'],
      [{ first: 2, last: 2 }, 'last'],
    ];
    for (const [variables, field] of cases) {
      const r = await rig.gql(CourseListDocument, variables, rig.readOnly);
      expect({ variables, status: r.status, extensions: r.errors?.[0]?.extensions }).toMatchObject({ status: 200, extensions: { code: 'BAD_USER_INPUT', field } });
    }
  });
});

describe('records and nested lists', () => {
  test('one by id with its terms; null for an unknown or malformed id', async () => {
    const id = '31786aff-a593-46ca-8748-6e2c78107739';
    const r = await rig.gql(CourseByIdDocument, { id }, rig.readOnly);
    expect(r.data!.course).toMatchObject({ id, courseIdentifier: 'AUPH1010O', lastModUserName: 'demo-data', lastModDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), effectiveStartDate: null });
    expect(r.data!.course!.courseTerms.nodes.map((t) => t.termIdentifier)).toEqual(['20181AUPH1010O', '20182AUPH1010O']);
    expect((await rig.gql(CourseByIdDocument, { id: '00000000-0000-4000-8000-000000000000' }, rig.readOnly)).data).toEqual({ course: null });
    expect((await rig.gql(CourseByIdDocument, { id: 'nope' }, rig.readOnly)).data).toEqual({ course: null });
  });

  test('a nested list takes the same filter, sort and both pagination styles', async () => {
    const id = '31786aff-a593-46ca-8748-6e2c78107739';
    const q = (variables: Omit<CourseTermsOfCourseQueryVariables, 'id'>) => rig.gql(CourseTermsOfCourseDocument, { id, ...variables }, rig.readOnly);
    const desc = await q({ sort: [{ field: 'TERM_IDENTIFIER', direction: 'DESC' }] });
    expect(desc.data!.course!.courseTerms.edges.map((e) => e.node.termIdentifier)).toEqual(['20182AUPH1010O', '20181AUPH1010O']);
    const filtered = await q({ filter: { termIdentifier: { icontains: '20182' } } });
    expect(filtered.data!.course!.courseTerms.totalCount).toBe(1);
    const first = await q({ sort: [{ field: 'TERM_IDENTIFIER' }], first: 1 });
    const conn = first.data!.course!.courseTerms;
    expect(conn.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = await q({ sort: [{ field: 'TERM_IDENTIFIER' }], first: 1, after: conn.pageInfo.endCursor });
    expect(next.data!.course!.courseTerms.edges.map((e) => e.node.termIdentifier)).toEqual(['20182AUPH1010O']);
    const paged = await q({ sort: [{ field: 'TERM_IDENTIFIER' }], offset: 1, limit: 5 });
    expect(paged.data!.course!.courseTerms).toMatchObject({ totalCount: 2, edges: [{ node: { termIdentifier: '20182AUPH1010O' } }] });
    const bad = await q({ first: 500 });
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(bad.errors![0]!.path).toEqual(['course', 'courseTerms']);
  });

  test('relationships are navigable both ways', async () => {
    const r = await rig.gql(
      `{ people(filter: { name: { eq: "John Jay" } }) { nodes { name instructor { person { name } courseTerms { nodes { course { courseTerms { totalCount } } instructors { nodes { person { name } } } } } } student { id } } } }`,
      {},
      rig.readOnly,
    );
    expect(r.errors).toBeUndefined();
    const person = (r.data as { people: { nodes: { name: string; instructor: { person: { name: string }; courseTerms: { nodes: unknown[] } }; student: null }[] } }).people.nodes[0]!;
    expect(person.instructor.person.name).toBe('John Jay');
    expect(person.instructor.courseTerms.nodes.length).toBe(2);
    expect(person.student).toBeNull();
  });
});
