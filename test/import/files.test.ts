// Import files: CSV of one type (header row of JSON:API names) beside the JSON
// catalogue, read as streams; links written as single writes write them; a
// row the database refuses fails alone and leaves nothing half-written; a
// second import of a file changes nothing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Database } from '../../src/db/database.js';
import { demoCataloguePath } from '../../src/resources/demo-data.js';
import { importFiles } from '../../src/resources/import-files.js';
import { importCatalogue, type ImportSummary } from '../../src/resources/import.js';
import { systemContext } from '../../src/resources/request-context.js';
import { createServices, type Services } from '../../src/resources/service.js';
import { createTestDatabase } from '../support/database.js';
import { fixedUuid } from './generate.js';

let db: Database;
let services: Services;
let dir: string;
const ctx = systemContext('files-test');
beforeAll(async () => {
  db = await createTestDatabase();
  services = createServices(db.prisma);
  dir = await mkdtemp(join(tmpdir(), 'import-files-'));
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const courseId = fixedUuid('csv course');

test('CSV files: typed cells, empty cells, ids; loaded in dependency order whatever the order given; problems by file and line', async () => {
  const terms = await file(
    'course_terms.csv',
    [
      'term_identifier,audit_permitted_code,exam_credit_flag,course,effective_start_date',
      `20241CSVA1000X,2,false,${courseId},2024-09-01`,
      '20241CSVA1001X,,TRUE,,',
      '20241CSVA1002X,two,maybe,,2024-02-30',
      '20241CSVA1003X,1',
    ].join('\n'),
  );
  const courses = await file(
    'courses.csv',
    [
      'id,course_identifier,course_name,course_description,school_bulletin_prefix_code,suffix_two,subject_area_code,course_number,effective_end_date',
      `${courseId},CSVA1000X,"A course, with a comma","Quoted ""words""",X,00,CSVA,04961,`,
      ',CSVA1001X,Second,d,X,00,CSVA,1,2025-06-30',
    ].join('\r\n'),
  );
  const summary = await importFiles(services, ctx, [terms, courses]);
  expect(summary.created).toEqual({ courses: 2, course_terms: 2 });
  expect(summary.rejected).toEqual([
    { type: 'course_terms', file: terms, row: 2, line: 4, field: 'audit_permitted_code', detail: 'A valid integer is required.' },
    { type: 'course_terms', file: terms, row: 2, line: 4, field: 'exam_credit_flag', detail: 'Must be a valid boolean.' },
    { type: 'course_terms', file: terms, row: 2, line: 4, field: 'effective_start_date', detail: expect.stringMatching(/^Date has wrong format/) },
    { type: 'course_terms', file: terms, row: 3, line: 5, detail: 'expected 5 fields (term_identifier, audit_permitted_code, exam_credit_flag, course, effective_start_date), found 2' },
  ]);
  const course = await db.prisma.course.findUniqueOrThrow({ where: { id: courseId }, include: { courseTerms: true } });
  expect(course).toMatchObject({ courseName: 'A course, with a comma', courseDescription: 'Quoted "words"', courseNumber: '04961', effectiveEndDate: null, lastModUserName: 'files-test' });
  expect(course.courseTerms).toEqual([expect.objectContaining({ termIdentifier: '20241CSVA1000X', auditPermittedCode: 2, examCreditFlag: false })]);
  // Empty cells: a nullable field is null, one with a default gets it.
  expect(await db.prisma.courseTerm.findUnique({ where: { termIdentifier: '20241CSVA1001X' } })).toMatchObject({ auditPermittedCode: 0, examCreditFlag: true, courseId: null, effectiveStartDate: null });
  expect((await db.prisma.course.findUnique({ where: { courseIdentifier: 'CSVA1001X' } }))?.effectiveEndDate?.toISOString()).toMatch(/^2025-06-30/);
});

test('a CSV header naming no attribute of its type refuses the file before anything loads', async () => {
  const path = await file('people.csv', 'name,nickname\nAda Lovelace,Ada\n');
  await expect(importFiles(services, ctx, [path])).rejects.toThrow(/"nickname" is no attribute or relationship of people; expected some of id, effective_start_date/);
  const typeless = await file('staff.csv', 'name\nAda Lovelace\n');
  await expect(importFiles(services, ctx, [typeless])).rejects.toThrow(/unknown type\(s\) staff; expected courses, course_terms/);
  expect(await importFiles(services, ctx, [typeless], { type: 'people' })).toMatchObject({ created: { people: 1 }, rejected: [] });
  expect(await db.prisma.person.count({ where: { name: 'Ada Lovelace' } })).toBe(1);
});

test('links on the other side of a foreign key and in join tables are replaced, as a single write sets them', async () => {
  const [t1, t2, t3] = ['20241LINK1000X', '20241LINK1001X', '20241LINK1002X'];
  const terms = await importCatalogue(services, ctx, { course_terms: [t1, t2, t3].map((term_identifier) => ({ term_identifier })) });
  expect(terms.rejected).toEqual([]);
  const termIds = (await db.prisma.courseTerm.findMany({ where: { termIdentifier: { in: [t1, t2, t3] } }, orderBy: { termIdentifier: 'asc' } })).map((t) => t.id);
  const person = fixedUuid('link person');
  const instructor = fixedUuid('link instructor');
  const load = (courseTerms: string[], instructorTerms: string[], personsInstructor: string | null) =>
    importCatalogue(services, ctx, {
      courses: [{ course_identifier: 'LINK1000X', course_name: 'Links', course_description: 'd', school_bulletin_prefix_code: 'X', suffix_two: '00', subject_area_code: 'LINK', course_number: '1', course_terms: courseTerms }],
      instructors: [{ id: instructor, course_terms: instructorTerms }],
      people: [{ id: person, name: 'Link Person', instructor: personsInstructor }],
    });
  // (people load before instructors: the person's instructor must exist first, so it is linked on the second import.)
  expect((await load([termIds[0]!, termIds[1]!], [termIds[0]!, termIds[2]!], null)).rejected).toEqual([]);
  expect((await load([termIds[1]!, termIds[2]!], [termIds[2]!], instructor)).rejected).toEqual([]);
  const course = await db.prisma.course.findUniqueOrThrow({ where: { courseIdentifier: 'LINK1000X' }, include: { courseTerms: { orderBy: { termIdentifier: 'asc' } } } });
  expect(course.courseTerms.map((t) => t.termIdentifier)).toEqual([t2, t3]);
  expect((await db.prisma.courseTerm.findUniqueOrThrow({ where: { termIdentifier: t1 } })).courseId).toBeNull();
  const taught = await db.prisma.instructor.findUniqueOrThrow({ where: { id: instructor }, include: { courseTerms: true } });
  expect(taught.courseTerms.map((t) => t.termIdentifier)).toEqual([t3]);
  expect(taught.personId).toBe(person);
  // Cleared again: a null to-one on the side without the foreign key.
  expect((await load([], [], null)).rejected).toEqual([]);
  expect((await db.prisma.instructor.findUniqueOrThrow({ where: { id: instructor } })).personId).toBeNull();
  expect(await db.prisma.courseTerm.count({ where: { course: { courseIdentifier: 'LINK1000X' } } })).toBe(0);
});

test('a row only the database can refuse fails alone, with its links unwritten; the rest of its batch loads', async () => {
  const terms = await importCatalogue(services, ctx, { course_terms: [{ term_identifier: '20241HALF1000X' }, { term_identifier: '20241HALF1001X' }] });
  expect(terms.rejected).toEqual([]);
  const [first, second] = (await db.prisma.courseTerm.findMany({ where: { termIdentifier: { startsWith: '20241HALF' } }, orderBy: { termIdentifier: 'asc' } })).map((t) => t.id);
  const shared = fixedUuid('half-written');
  const course = (identifier: string, termId: string) => ({
    id: shared,
    course_identifier: identifier,
    course_name: identifier,
    course_description: 'd',
    school_bulletin_prefix_code: 'X',
    suffix_two: '00',
    subject_area_code: 'HALF',
    course_number: '1',
    course_terms: [termId],
  });
  // Two new courses with one id: no check before the write can see it (the id is free until the first is written).
  const fine = { ...course('HALF3000X', first!), id: undefined, course_terms: [] };
  const summary = await importCatalogue(services, ctx, { courses: [course('HALF1000X', first!), fine, course('HALF2000X', second!)] });
  expect(summary.created).toEqual({ courses: 2 });
  expect(summary.rejected).toEqual([{ type: 'courses', row: 2, field: 'id', detail: 'course with this id already exists.' }]);
  expect((await db.prisma.courseTerm.findUniqueOrThrow({ where: { id: first! } })).courseId).toBe(shared);
  expect((await db.prisma.courseTerm.findUniqueOrThrow({ where: { id: second! } })).courseId).toBeNull();
  expect(await db.prisma.course.count({ where: { courseIdentifier: { in: ['HALF1000X', 'HALF2000X', 'HALF3000X'] } } })).toBe(2);
});

test('two rows of a file with one key: the later updates the row the earlier wrote', async () => {
  const summary = await importCatalogue(services, ctx, { people: [{ name: 'Twice Named' }, { name: 'Twice Named', effective_start_date: '2021-01-01' }] }, { batchSize: 10 });
  expect(summary).toMatchObject({ created: { people: 1 }, updated: { people: 1 }, rejected: [] });
  expect((await db.prisma.person.findUniqueOrThrow({ where: { name: 'Twice Named' } })).effectiveStartDate?.toISOString()).toMatch(/^2021-01-01/);
});

test('the demo catalogue imported twice: the second import updates every row and every link stays as it was', async () => {
  const linkage = async () => ({
    terms: await db.prisma.courseTerm.findMany({ select: { id: true, courseId: true }, orderBy: { id: 'asc' } }),
    instructors: await db.prisma.instructor.findMany({ select: { id: true, personId: true, courseTerms: { select: { id: true }, orderBy: { id: 'asc' } } }, orderBy: { id: 'asc' } }),
  });
  const first: ImportSummary = await importFiles(services, ctx, [demoCataloguePath]);
  expect(first.rejected).toEqual([]);
  const before = await linkage();
  const again = await importFiles(services, ctx, [demoCataloguePath]);
  expect(again).toMatchObject({ created: { courses: 0, course_terms: 0, people: 0, instructors: 0 }, updated: first.created, rejected: [] });
  expect(await linkage()).toEqual(before);
});

test('a CSV file the parser cannot read stops the import at that line, naming the file', async () => {
  const path = await file('courses.csv', 'course_identifier,course_name\nBADQ1000X,Quoted "badly"\n');
  await expect(importFiles(services, ctx, [path])).rejects.toThrow(/courses\.csv: Invalid Opening Quote: a quote is found on field 1 at line 2/);
});
