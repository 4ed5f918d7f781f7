// One set of relationship rules for single writes and the import: each rule
// refuses the same input with the same words and names the same field,
// whichever way the row arrives. The import also applies the required and
// owner-required rules (before, a missing student reached the database, and a
// replacement dropping a student's grade failed or deleted it).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Database } from '../../src/db/database.js';
import { ServiceError } from '../../src/errors.js';
import { importCatalogue } from '../../src/resources/import.js';
import { systemContext } from '../../src/resources/request-context.js';
import { createServices, type Services } from '../../src/resources/service.js';
import { createTestDatabase } from '../support/database.js';

let db: Database;
let services: Services;
const ctx = systemContext('rules-test');
const missing = '6f1c1a52-4a5e-4b7e-9d55-0d1d6f0b0c11';
let personId: string;
let studentId: string;
let termId: string;
let gradeId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  services = createServices(db.prisma);
  personId = (await services.person.create(ctx, { attributes: { name: 'Rules Student' } })).id;
  studentId = (await services.student.create(ctx, { relationships: { person: personId } })).id;
  termId = (await services.courseTerm.create(ctx, { attributes: { termIdentifier: '20181RULE1000X' } })).id;
  gradeId = (await services.grade.create(ctx, { attributes: { credits: 3 }, relationships: { student: studentId, courseTerm: termId } })).id;
});
afterAll(() => db.close());

/** A single write's refusal: its problems as detail and relationship field. */
async function singleWrite(write: Promise<unknown>): Promise<{ detail: string; field?: string }[]> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return error.problems.map((p) => ({ detail: p.detail, field: p.source && 'name' in p.source ? p.source.name : undefined }));
  }
  throw new Error('expected the write to be refused');
}

/** One import row's refusals, as detail and field (the file's name for it). */
async function importRow(type: string, row: Record<string, unknown>): Promise<{ detail: string; field?: string }[]> {
  const summary = await importCatalogue(services, ctx, { [type]: [row] });
  expect(summary.created[type]! + summary.updated[type]!).toBe(0);
  return summary.rejected.map((r) => ({ detail: r.detail, field: r.field }));
}

test.each([
  ['a list for a to-one', { course: [missing] }],
  ['an id that is no UUID', { course: 'not-a-uuid' }],
  ['an id with no row', { course: missing }],
])('course term with %s: the same refusal from a single write and from the import', async (_name, relationships) => {
  const single = await singleWrite(services.courseTerm.create(ctx, { attributes: { termIdentifier: '20181RULE2000X' }, relationships }));
  expect(single).toEqual([{ detail: expect.any(String), field: 'course' }]);
  expect(await importRow('course_terms', { term_identifier: '20181RULE2000X', ...relationships })).toEqual(single);
});

test('a grade without its required student: refused by both, by the import too', async () => {
  const single = await singleWrite(services.grade.create(ctx, { attributes: { credits: 1 }, relationships: { courseTerm: termId } }));
  expect(single).toEqual([{ detail: expect.any(String), field: 'student' }]);
  expect(await importRow('grades', { credits: 1, course_term: termId })).toEqual(single);
  expect(await db.prisma.grade.count()).toBe(1);
});

test('a grade whose required student is null: refused by both, by the import too', async () => {
  const single = await singleWrite(services.grade.create(ctx, { attributes: { credits: 1 }, relationships: { student: null, courseTerm: termId } }));
  expect(single).toEqual([{ detail: expect.any(String), field: 'student' }]);
  expect(await importRow('grades', { credits: 1, student: null, course_term: termId })).toEqual(single);
});

test('a person already held by a student: the same conflict from both', async () => {
  const single = await singleWrite(services.student.create(ctx, { relationships: { person: personId } }));
  expect(single).toEqual([{ detail: expect.any(String), field: 'person' }]);
  expect(await importRow('students', { person: personId })).toEqual(single);
});

test("a replacement dropping a student's grade (which needs its student): refused by both, by the import too", async () => {
  const single = await singleWrite(services.student.setRelationship(ctx, studentId, 'grades', []));
  expect(single).toEqual([{ detail: expect.any(String), field: 'grades' }]);
  expect(await importRow('students', { id: studentId, person: personId, grades: [] })).toEqual(single);
  // Nothing was dropped or deleted.
  expect((await db.prisma.grade.findUnique({ where: { id: gradeId } }))?.studentId).toBe(studentId);
  // Keeping every member is no problem.
  const kept = await importCatalogue(services, ctx, { students: [{ id: studentId, person: personId, grades: [gradeId] }] });
  expect(kept).toMatchObject({ updated: { students: 1 }, rejected: [] });
});
