// GraphQL's all-or-nothing writes, over real HTTP on PGlite or PostgreSQL
// (TEST_DATABASE_URL): nested creates (a course with its terms, terms with
// instructors by id) in one transaction per mutation field, and
// `mutation … @atomic` for several fields.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  AddTermsToCourseDocument,
  CreateCourseWithTermsDocument,
  PersonAndInstructorAtomicallyDocument,
  type AddTermsToCourseMutation,
  type AddTermsToCourseMutationVariables,
  type CourseCreateInput,
  type CreateCourseWithTermsMutation,
  type CreateCourseWithTermsMutationVariables,
} from '../graphql/generated/operations.js';
import { codes } from '../graphql/support/client.js';
import { startGraphQLRig, type GraphQLTestRig } from '../graphql/support/setup.js';

let rig: GraphQLTestRig;
beforeAll(async () => {
  rig = await startGraphQLRig({ DEMO_DATA: '0', ATOMIC_MAX_OPERATIONS: '3' });
});
afterAll(async () => rig?.stop());

let serial = 0;
function course(identifier = `GQLA${String(1000 + ++serial).slice(-4)}X`) {
  return {
    courseIdentifier: identifier,
    courseName: `Nested ${identifier}`,
    courseNumber: identifier.slice(4, 8),
    subjectAreaCode: 'GQLA',
    schoolBulletinPrefixCode: 'X',
    suffixTwo: '00',
    courseDescription: 'Made with its terms.',
  };
}

/** The SQL statements the server ran during `work`, without the transaction's own (BEGIN, COMMIT, ROLLBACK). */
async function statementsDuring<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[]; transaction: string[] }> {
  const all: string[] = [];
  const stop = rig.server.db.onQuery((sql) => void all.push(sql));
  try {
    const result = await work();
    const own = (sql: string) => /^\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SET TRANSACTION)\b|^\s*-- Implicit "(BEGIN|COMMIT|ROLLBACK)"/i.test(sql);
    return { result, statements: all.filter((s) => !own(s)), transaction: all.filter(own) };
  } finally {
    stop();
  }
}

async function count(table: string): Promise<number> {
  const rows = await rig.server.db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table}"`);
  return rows[0]!.n;
}

const createCourse = (input: CourseCreateInput) =>
  rig.gql<CreateCourseWithTermsMutation, CreateCourseWithTermsMutationVariables>(CreateCourseWithTermsDocument, { input }, rig.allScopes);
const addTerms = (variables: AddTermsToCourseMutationVariables) => rig.gql<AddTermsToCourseMutation, AddTermsToCourseMutationVariables>(AddTermsToCourseDocument, variables, rig.allScopes);

const termsOf = (c: { courseIdentifier: string }, ...digits: string[]) => digits.map((d) => ({ termIdentifier: `2026${d}${c.courseIdentifier}` }));

describe('nested creates', () => {
  test('a course with 3 terms: one mutation field, at most 3 SQL statements plus the transaction’s own', async () => {
    const c = course();
    const { result: r, statements } = await statementsDuring(async () => {
      const answer = await createCourse({ ...c, courseTerms: termsOf(c, '1', '2', '3') });
      return answer;
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.createCourse.courseIdentifier).toBe(c.courseIdentifier);
    expect(statements.length).toBeLessThanOrEqual(3);
    const terms = await rig.server.db.prisma.courseTerm.findMany({ where: { courseId: r.data!.createCourse.id }, orderBy: { termIdentifier: 'asc' } });
    expect(terms.map((t) => t.termIdentifier)).toEqual(termsOf(c, '1', '2', '3').map((t) => t.termIdentifier));
    expect(terms.every((t) => t.lastModUserName !== null)).toBe(true);
  });

  test('an update adds terms with instructors linked by id', async () => {
    const c = course();
    const made = await createCourse({ ...c });
    const person = await rig.gql('mutation($n: String!) { createPerson(input: { name: $n }) { id } }', { n: `Teacher ${serial}` }, rig.allScopes);
    const instructor = await rig.gql('mutation($p: ID!) { createInstructor(input: { personId: $p }) { id } }', { p: (person.data as { createPerson: { id: string } }).createPerson.id }, rig.allScopes);
    const instructorId = (instructor.data as { createInstructor: { id: string } }).createInstructor.id;
    const r = await addTerms({ id: made.data!.createCourse.id, input: { courseTerms: [{ ...termsOf(c, '1')[0]!, instructorIds: [instructorId] }, ...termsOf(c, '2')] } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.updateCourse.courseTerms.nodes).toEqual([
      { termIdentifier: `20261${c.courseIdentifier}`, instructors: { nodes: [{ id: instructorId }] } },
      { termIdentifier: `20262${c.courseIdentifier}`, instructors: { nodes: [] } },
    ]);
  });

  test('a member that breaks a rule: BAD_USER_INPUT at its argument path, nothing stored', async () => {
    const c = course();
    const before = [await count('course'), await count('course_term')];
    const r = await createCourse({ ...c, courseTerms: [...termsOf(c, '1'), { termIdentifier: 'nope' }, { termIdentifier: `20263${c.courseIdentifier}`, instructorIds: ['00000000-0000-4000-8000-000000000000'] }] });
    expect(codes(r)).toEqual(['NOT_FOUND']);
    const invalid = await createCourse({ ...c, courseTerms: [...termsOf(c, '1'), { termIdentifier: 'nope' }] });
    expect(codes(invalid)).toEqual(['BAD_USER_INPUT']);
    expect(invalid.errors![0]!.extensions!.field).toBe('input.courseTerms.1.termIdentifier');
    expect([await count('course'), await count('course_term')]).toEqual(before);
  });

  test('a member whose natural key is taken: CONFLICT naming the member’s field; the course is not stored either', async () => {
    const c = course();
    expect((await createCourse({ ...c, courseTerms: termsOf(c, '1') })).errors).toBeUndefined();
    const other = course();
    const r = await createCourse({ ...other, courseTerms: termsOf(c, '1') });
    expect(codes(r)).toEqual(['CONFLICT']);
    expect(r.errors![0]!.message).toMatch(/course term with this term identifier already exists/);
    expect(await rig.server.db.prisma.course.count({ where: { courseIdentifier: other.courseIdentifier } })).toBe(0);
  });
});

describe('mutation @atomic', () => {
  test('every field stored together', async () => {
    const c = course();
    const made = await createCourse({ ...c });
    const r = await rig.gql(PersonAndInstructorAtomicallyDocument, { person: { name: `Atomic ${serial}` }, courseId: made.data!.createCourse.id, course: { courseName: 'Renamed' } }, rig.allScopes);
    expect(r.errors).toBeUndefined();
    expect(await rig.server.db.prisma.person.count({ where: { name: `Atomic ${serial}` } })).toBe(1);
    expect((await rig.server.db.prisma.course.findUnique({ where: { id: made.data!.createCourse.id } }))!.courseName).toBe('Renamed');
  });

  test('a field that fails: nothing stored, data null, the field’s error and ROLLED_BACK', async () => {
    const c = course();
    const made = await createCourse({ ...c });
    const name = `Rolled back ${++serial}`;
    const r = await rig.gql(PersonAndInstructorAtomicallyDocument, { person: { name }, courseId: made.data!.createCourse.id, course: { courseNumber: 'far too long a number' } }, rig.allScopes);
    expect(r.data).toBeNull();
    expect(codes(r)).toEqual(['BAD_USER_INPUT', 'ROLLED_BACK']);
    expect(await rig.server.db.prisma.person.count({ where: { name } })).toBe(0);
  });

  test('a field that fails stops the fields after it', async () => {
    const name = `Never ${++serial}`;
    const { result: r, statements } = await statementsDuring(() =>
      rig.gql(`mutation($n: String!) @atomic { a: createPerson(input: { name: "" }) { id } b: createPerson(input: { name: $n }) { id } }`, { n: name }, rig.allScopes),
    );
    expect(r.data).toBeNull();
    expect(codes(r)).toEqual(['BAD_USER_INPUT', 'ROLLED_BACK']);
    expect(statements.filter((sql) => /INSERT/i.test(sql))).toEqual([]);
    expect(await rig.server.db.prisma.person.count({ where: { name } })).toBe(0);
  });

  test('more fields than ATOMIC_MAX_OPERATIONS: refused before any SQL statement', async () => {
    const fields = [1, 2, 3, 4].map((i) => `p${i}: createPerson(input: { name: "Over ${serial} ${i}" }) { id }`).join(' ');
    const { result: r, statements } = await statementsDuring(() => rig.gql(`mutation @atomic { ${fields} }`, {}, rig.allScopes));
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.message).toMatch(/4 operations .* at most 3/);
    expect(statements).toEqual([]);
  });

  test('a token lacking one field’s scope: refused before any SQL statement, nothing stored', async () => {
    const token = await rig.issuer.token('read create');
    const name = `Unscoped ${++serial}`;
    const { result: r, statements } = await statementsDuring(() =>
      rig.gql(`mutation($n: String!) @atomic { createPerson(input: { name: $n }) { id } deletePerson(id: "00000000-0000-4000-8000-000000000000") }`, { n: name }, token),
    );
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(statements).toEqual([]);
    expect(await rig.server.db.prisma.person.count({ where: { name } })).toBe(0);
  });
});
