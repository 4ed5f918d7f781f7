// Bulk import: valid rows load, each invalid row is reported by row and field.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { systemContext } from '../../src/resources/request-context.js';
import type { Database } from '../../src/db/database.js';
import { importCatalogue, readCatalogue } from '../../src/resources/import.js';
import { demoCataloguePath, loadDemoDataIfEmpty } from '../../src/resources/demo-data.js';
import { importOrder } from '../../src/resources/registry.js';
import { createServices } from '../../src/resources/service.js';
import { createTestDatabase } from '../support/database.js';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

test('the demo catalogue loads into an empty database, once', async () => {
  const summary = await loadDemoDataIfEmpty(db);
  expect(summary?.rejected).toEqual([]);
  expect(summary?.created).toEqual({ people: 10, courses: 10, course_terms: 19, instructors: 5, students: 2, grades: 5 });
  expect(await loadDemoDataIfEmpty(db)).toBeNull();
  const term = await db.prisma.courseTerm.findUnique({ where: { termIdentifier: '20181AUPH1010O' }, include: { course: true } });
  expect(term?.course?.courseIdentifier).toBe('AUPH1010O');
  const jj = await db.prisma.person.findFirst({ where: { name: 'John Jay' }, include: { instructor: { include: { courseTerms: true } } } });
  expect(jj?.instructor?.courseTerms.length).toBeGreaterThan(0);
});

test('a file with invalid rows loads the valid ones and reports each invalid one by row and field', async () => {
  const demo = await readCatalogue(demoCataloguePath);
  const course = (demo.courses as Record<string, unknown>[])[0]!;
  const catalogue = {
    courses: [
      { ...course, id: undefined, course_identifier: 'GOOD1000X', course_name: 'Good one' },
      { ...course, id: undefined, course_identifier: 'bad', course_name: 'Bad identifier' },
      { ...course, id: undefined, course_identifier: 'GOOD2000X', course_name: 'x'.repeat(81) },
      { ...course, id: undefined, course_identifier: 'GOOD3000X', course_name: 'Another good one' },
      'not an object',
    ],
    people: [{ name: 'Grace Hopper' }, { name: '' }],
    course_terms: [{ term_identifier: '20191GOOD1000X', course: '6f1c1a52-4a5e-4b7e-9d55-0d1d6f0b0c11' }],
  };
  const progress: number[] = [];
  const summary = await importCatalogue(createServices(db.prisma), systemContext('import'), catalogue, { batchSize: 2, onProgress: (done) => progress.push(done) });
  expect(summary.created).toEqual({ people: 1, courses: 2, course_terms: 0 });
  // Reported type by type in the import order (derived from the descriptions), row by row within a type.
  const loadedBefore = (a: { type: string }, b: { type: string }) => importOrder.findIndex((d) => d.type === a.type) - importOrder.findIndex((d) => d.type === b.type);
  expect(summary.rejected).toEqual(
    [
      { type: 'people', row: 1, field: 'name', detail: 'This field may not be blank.' },
      { type: 'courses', row: 1, field: 'course_identifier', detail: expect.stringMatching(/exactly 9 characters/) },
      { type: 'courses', row: 2, field: 'course_name', detail: 'Ensure this field has no more than 80 characters.' },
      { type: 'courses', row: 4, detail: 'expected an object' },
      { type: 'course_terms', row: 0, field: 'course', detail: expect.stringMatching(/not found/) },
    ].sort(loadedBefore),
  );
  expect(progress.at(-1)).toBe(8);
  expect(await db.prisma.course.count({ where: { courseIdentifier: { in: ['GOOD1000X', 'GOOD3000X'] } } })).toBe(2);
  expect(await db.prisma.course.count({ where: { courseIdentifier: 'GOOD2000X' } })).toBe(0);
});

test('importing the same file again updates by natural key instead of duplicating', async () => {
  const services = createServices(db.prisma);
  const again = await importCatalogue(services, systemContext('import'), { people: [{ name: 'Grace Hopper', effective_start_date: '2020-01-01' }] });
  expect(again).toMatchObject({ created: { people: 0 }, updated: { people: 1 }, rejected: [] });
  expect((await db.prisma.person.findUnique({ where: { name: 'Grace Hopper' } }))?.effectiveStartDate?.toISOString()).toMatch(/^2020-01-01/);
});

test('two rows claiming the same person for their instructor: the first loads, the second is reported', async () => {
  const services = createServices(db.prisma);
  const person = await db.prisma.person.create({ data: { name: 'Claimed Twice' } });
  const summary = await importCatalogue(services, systemContext('import'), {
    instructors: [
      { id: '2b0c6c1e-0d5f-4c65-9a4e-0a8d4c1f0001', person: person.id },
      { id: '2b0c6c1e-0d5f-4c65-9a4e-0a8d4c1f0002', person: person.id },
    ],
  });
  expect(summary.created).toEqual({ instructors: 1 });
  expect(summary.rejected).toEqual([{ type: 'instructors', row: 1, field: 'person', detail: 'instructor with this person already exists.' }]);
  expect((await db.prisma.instructor.findUnique({ where: { personId: person.id } }))?.id).toBe('2b0c6c1e-0d5f-4c65-9a4e-0a8d4c1f0001');
  // Importing the first again (same id, same person) is an update, not a conflict.
  const again = await importCatalogue(services, systemContext('import'), { instructors: [{ id: '2b0c6c1e-0d5f-4c65-9a4e-0a8d4c1f0001', person: person.id }] });
  expect(again).toMatchObject({ created: { instructors: 0 }, updated: { instructors: 1 }, rejected: [] });
});

test('a row the checks cannot foresee fails alone: the rest of its batch still loads', async () => {
  const services = createServices(db.prisma);
  const taken = await db.prisma.course.findFirstOrThrow();
  // A new course whose client id is already another course's: only the database can tell.
  const summary = await importCatalogue(services, systemContext('import'), {
    courses: [
      { id: taken.id, school_bulletin_prefix_code: 'X', suffix_two: '00', subject_area_code: 'A', course_number: '1', course_identifier: 'IDCL1000X', course_name: 'Clash', course_description: 'd' },
      { school_bulletin_prefix_code: 'X', suffix_two: '00', subject_area_code: 'A', course_number: '2', course_identifier: 'IDCL2000X', course_name: 'Fine', course_description: 'd' },
    ],
  });
  expect(summary.created).toEqual({ courses: 1 });
  expect(summary.rejected).toEqual([{ type: 'courses', row: 0, field: 'id', detail: 'course with this id already exists.' }]);
  expect(await db.prisma.course.count({ where: { courseIdentifier: 'IDCL2000X' } })).toBe(1);
});
