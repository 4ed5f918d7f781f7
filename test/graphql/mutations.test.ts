// Writes over HTTP: create, update, delete, relationship edits, and the
// services' validation and conflict errors as GraphQL errors with field paths.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  AddCourseTermInstructorsDocument,
  CourseByIdDocument,
  CreateCourseDocument,
  CreateCourseTermDocument,
  CreateGradeDocument,
  CreateInstructorDocument,
  CreatePersonDocument,
  CreateStudentDocument,
  DeleteCourseDocument,
  PersonWithEverythingDocument,
  RemoveCourseTermInstructorsDocument,
  SetCourseTermCourseDocument,
  SetCourseTermInstructorsDocument,
  UpdateCourseDocument,
  type CourseCreateInput,
} from './generated/operations.js';
import { codes } from './support/client.js';
import { startGraphQLRig, type GraphQLTestRig } from './support/setup.js';

let rig: GraphQLTestRig;
beforeAll(async () => {
  rig = await startGraphQLRig();
});
afterAll(async () => rig?.stop());

const course = (identifier: string): CourseCreateInput => ({
  courseIdentifier: identifier,
  courseName: 'Testing Things',
  courseNumber: '12345',
  subjectAreaCode: 'TEST',
  schoolBulletinPrefixCode: 'XC',
  suffixTwo: '00',
  courseDescription: 'A course made by a test.',
});

describe('courses', () => {
  test('create, read, update, delete; audit fields set by the server', async () => {
    const created = await rig.gql(CreateCourseDocument, { input: { ...course('TEST1001X'), effectiveStartDate: '2024-09-01' } }, rig.allScopes);
    expect(created.errors).toBeUndefined();
    const c = created.data!.createCourse;
    expect(c).toMatchObject({ courseIdentifier: 'TEST1001X', effectiveStartDate: '2024-09-01', effectiveEndDate: null, lastModUserName: 'tester' });
    expect(c.lastModDate).toBe(new Date().toISOString().slice(0, 10));

    const updated = await rig.gql(UpdateCourseDocument, { id: c.id, input: { courseName: 'Testing More Things', effectiveStartDate: null } }, rig.allScopes);
    expect(updated.data!.updateCourse).toMatchObject({ courseName: 'Testing More Things', courseNumber: '12345', effectiveStartDate: null });

    const deleted = await rig.gql(DeleteCourseDocument, { id: c.id }, rig.allScopes);
    expect(deleted.data).toEqual({ deleteCourse: c.id });
    expect((await rig.gql(CourseByIdDocument, { id: c.id }, rig.readOnly)).data).toEqual({ course: null });
    const again = await rig.gql(DeleteCourseDocument, { id: c.id }, rig.allScopes);
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  test('a client-generated id is kept', async () => {
    const id = 'a3a0e7a2-5f5e-4b55-8f35-7c86bb6c0f01';
    const r = await rig.gql(CreateCourseDocument, { input: { ...course('TEST1002X'), id } }, rig.allScopes);
    expect(r.data!.createCourse.id).toBe(id);
  });

  test('validation errors are BAD_USER_INPUT with every field path', async () => {
    const r = await rig.gql(CreateCourseDocument, { input: { ...course('bad'), suffixTwo: '123', courseName: ' ' } }, rig.allScopes);
    expect(r.status).toBe(200);
    expect(r.data).toBeNull();
    const e = r.errors![0]!;
    expect(e.extensions!.code).toBe('BAD_USER_INPUT');
    expect(e.extensions!.field).toBe('input.suffixTwo');
    expect(e.extensions!.problems).toEqual(
      expect.arrayContaining([
        { field: 'input.suffixTwo', message: 'Ensure this field has no more than 2 characters.' },
        { field: 'input.courseIdentifier', message: 'Ensure this field has exactly 9 characters.' },
        { field: 'input.courseName', message: 'This field may not be blank.' },
      ]),
    );
    expect(e.message).toContain('input.courseName: This field may not be blank.');
    const nul = await rig.gql(CreateCourseDocument, { input: { ...course('TEST1009X'), courseName: 'a\u0000b' } }, rig.allScopes);
    expect(nul.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.courseName' });
    expect(nul.errors![0]!.message).toBe('input.courseName: Null characters are not allowed.');
  });

  test('schema-level input errors (missing required field, bad date) are BAD_USER_INPUT too', async () => {
    const { courseName: _, ...withoutName } = course('TEST1003X');
    const missing = await rig.gql(CreateCourseDocument, { input: withoutName as CourseCreateInput }, rig.allScopes);
    expect(missing.status).toBe(400);
    expect(codes(missing)).toEqual(['BAD_USER_INPUT']);
    expect(missing.errors![0]!.message).toContain('courseName');
    const badDate = await rig.gql(CreateCourseDocument, { input: { ...course('TEST1003X'), effectiveEndDate: '2024-02-30' } }, rig.allScopes);
    expect(codes(badDate)).toEqual(['BAD_USER_INPUT']);
    expect(badDate.errors![0]!.message).toContain('YYYY-MM-DD');
  });

  test('a duplicate natural key is a CONFLICT naming the field', async () => {
    const r = await rig.gql(CreateCourseDocument, { input: course('ANTH3160V') }, rig.allScopes);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.courseIdentifier' });
    expect(r.errors![0]!.message).toContain('course with this course identifier already exists.');
  });

  test('updating an unknown record is NOT_FOUND', async () => {
    const r = await rig.gql(UpdateCourseDocument, { id: '00000000-0000-4000-8000-000000000000', input: { courseName: 'x' } }, rig.allScopes);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});

describe('relationships', () => {
  const anth = '06d57ab7-087e-46fd-9131-853fe7739f32';
  const auph = '31786aff-a593-46ca-8748-6e2c78107739';

  test('create with linkage, set a to-one, set/add/remove a to-many', async () => {
    const term = await rig.gql(CreateCourseTermDocument, { input: { termIdentifier: '20251ANTH3160V', courseId: anth } }, rig.allScopes);
    expect(term.errors).toBeUndefined();
    const t = term.data!.createCourseTerm;
    expect(t).toMatchObject({ auditPermittedCode: 0, examCreditFlag: true, course: { id: anth } });

    expect((await rig.gql(SetCourseTermCourseDocument, { id: t.id, courseId: auph }, rig.allScopes)).data!.setCourseTermCourse.course).toEqual({ id: auph });
    expect((await rig.gql(SetCourseTermCourseDocument, { id: t.id, courseId: null }, rig.allScopes)).data!.setCourseTermCourse.course).toBeNull();

    const people = await Promise.all(['Ada Lovelace', 'Alan Turing'].map((name) => rig.gql(CreatePersonDocument, { input: { name } }, rig.allScopes)));
    const instructors = await Promise.all(people.map((p) => rig.gql(CreateInstructorDocument, { input: { personId: p.data!.createPerson.id } }, rig.allScopes)));
    const [a, b] = instructors.map((i) => i.data!.createInstructor.id).sort() as [string, string];
    expect(instructors[0]!.data!.createInstructor.person!.name).toBe('Ada Lovelace');

    const ids = (r: { data?: object | null }) => (Object.values(r.data!)[0] as { instructors: { nodes: { id: string }[] } }).instructors.nodes.map((n) => n.id);
    expect(ids(await rig.gql(SetCourseTermInstructorsDocument, { id: t.id, instructorIds: [a] }, rig.allScopes))).toEqual([a]);
    expect(ids(await rig.gql(AddCourseTermInstructorsDocument, { id: t.id, instructorIds: [a, b] }, rig.allScopes))).toEqual([a, b]);
    expect(ids(await rig.gql(RemoveCourseTermInstructorsDocument, { id: t.id, instructorIds: [a] }, rig.allScopes))).toEqual([b]);
    expect(ids(await rig.gql(SetCourseTermInstructorsDocument, { id: t.id, instructorIds: [] }, rig.allScopes))).toEqual([]);
  });

  test('linking an unknown or malformed id names the argument', async () => {
    const missing = await rig.gql(CreateCourseTermDocument, { input: { termIdentifier: '20252ANTH3160V', courseId: '00000000-0000-4000-8000-000000000000' } }, rig.allScopes);
    expect(missing.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.courseId' });
    const malformed = await rig.gql(CreateCourseTermDocument, { input: { termIdentifier: '20252ANTH3160V', courseId: 'x' } }, rig.allScopes);
    expect(malformed.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.courseId' });
    const terms = await rig.gql(`{ courseTerms(first: 1) { nodes { id } } }`, {}, rig.readOnly);
    const termId = (terms.data as { courseTerms: { nodes: { id: string }[] } }).courseTerms.nodes[0]!.id;
    const badMember = await rig.gql(AddCourseTermInstructorsDocument, { id: termId, instructorIds: ['nope'] }, rig.allScopes);
    expect(badMember.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'instructorIds' });
  });

  test('grades: required links, unique together, members that need their owner', async () => {
    const person = await rig.gql(CreatePersonDocument, { input: { name: 'Grace Hopper' } }, rig.allScopes);
    const student = await rig.gql(CreateStudentDocument, { input: { personId: person.data!.createPerson.id } }, rig.allScopes);
    const studentId = student.data!.createStudent.id;
    const term = await rig.gql(CreateCourseTermDocument, { input: { termIdentifier: '20253ANTH3160V', courseId: anth } }, rig.allScopes);
    const courseTermId = term.data!.createCourseTerm.id;

    const grade = await rig.gql(CreateGradeDocument, { input: { studentId, courseTermId, credits: 3, gradeLetter: 'A' } }, rig.allScopes);
    expect(grade.data!.createGrade).toMatchObject({ credits: 3, gradeLetter: 'A', gradeValue: 0, student: { id: studentId }, courseTerm: { id: courseTermId } });

    const twice = await rig.gql(CreateGradeDocument, { input: { studentId, courseTermId, credits: 4 } }, rig.allScopes);
    expect(twice.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.studentId' });
    expect(twice.errors![0]!.message).toContain('grade with this student and course term already exists.');

    const negative = await rig.gql(CreateGradeDocument, { input: { studentId, courseTermId, credits: -1 } }, rig.allScopes);
    expect(negative.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.credits' });

    const orphan = await rig.gql(`mutation($id: ID!, $g: [ID!]!) { removeCourseTermGrades(id: $id, gradeIds: $g) { id } }`, { id: courseTermId, g: [grade.data!.createGrade.id] }, rig.allScopes);
    expect(orphan.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'gradeIds' });

    const everything = await rig.gql(PersonWithEverythingDocument, { id: person.data!.createPerson.id }, rig.readOnly);
    expect(everything.data!.person).toMatchObject({ instructor: null, student: { grades: { totalCount: 1, nodes: [{ gradeLetter: 'A', courseTerm: { termIdentifier: '20253ANTH3160V' } }] } } });
  });
});
