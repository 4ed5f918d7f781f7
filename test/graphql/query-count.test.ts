// Relations load in batches: the SQL queries of a request depend on its shape,
// never on its number of rows.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { systemContext } from '../../src/auth/types.js';
import { createServices } from '../../src/resources/service.js';
import { CoursesWithTermsInstructorsPeopleDocument } from './generated/operations.js';
import { startGraphQLRig, type GraphQLTestRig } from './support/setup.js';

let rig: GraphQLTestRig;

beforeAll(async () => {
  rig = await startGraphQLRig({ DEMO_DATA: '0', GRAPHQL_MAX_COST: '100000' });
  const services = createServices(rig.server.db.prisma);
  const ctx = systemContext('seed');
  const instructors: string[] = [];
  for (let i = 0; i < 20; i++) {
    const person = await services.person.create(ctx, { attributes: { name: `Instructor ${i}` } });
    instructors.push((await services.instructor.create(ctx, { relationships: { person: person.id } })).id);
  }
  for (let c = 0; c < 60; c++) {
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
