// The resource services on a real database: validation, conflicts, audit
// fields, relationship rules, filters and paging.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Database } from '../../src/db/database.js';
import { ConflictError, NotFoundError, ValidationError, type ServiceError } from '../../src/errors.js';
import { createServices, type Services } from '../../src/resources/service.js';
import type { RequestContext } from '../../src/auth/types.js';
import { createTestDatabase } from '../support/database.js';

let db: Database;
let services: Services;
const as = (actorName: string): RequestContext => ({ principal: null, authorize: () => {}, can: () => true, actorName });
const alice = as('alice');

const course = (identifier: string, extra: Record<string, unknown> = {}) => ({
  attributes: {
    schoolBulletinPrefixCode: 'XCEFK9',
    suffixTwo: '00',
    subjectAreaCode: 'ANTB',
    courseNumber: '04961',
    courseIdentifier: identifier,
    courseName: `Course ${identifier}`,
    courseDescription: 'A course',
    ...extra,
  },
});

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = createServices(db.prisma);
});
afterAll(() => db.close());

describe('validation names the field', () => {
  test('a create missing required fields lists each one', async () => {
    const error = await failure(services.course.create(alice, { attributes: { courseName: 'x' } }));
    expect(error).toBeInstanceOf(ValidationError);
    const fields = error.problems.map((p) => (p.source as { name: string }).name).sort();
    expect(fields).toEqual(['courseDescription', 'courseIdentifier', 'courseNumber', 'schoolBulletinPrefixCode', 'subjectAreaCode', 'suffixTwo']);
    expect(error.problems[0]!.detail).toBe('This field is required.');
  });

  test.each([
    ['courseIdentifier', 'anth3160v', /Enter a valid value/],
    ['courseIdentifier', 'ANTH3160', /exactly 9 characters/],
    ['courseName', 'x'.repeat(81), /no more than 80 characters/],
    ['suffixTwo', 5, /Not a valid string/],
    ['effectiveStartDate', '2024-02-30', /YYYY-MM-DD/],
    ['courseNumber', null, /may not be null/],
    ['bogus', 'x', /not an attribute of courses/],
  ])('%s = %p is refused', async (field, value, message) => {
    const error = await failure(services.course.create(alice, course('ANTH3160V', { [field]: value })));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.problems).toEqual([{ detail: expect.stringMatching(message), source: { kind: 'attribute', name: field } }]);
  });

  test('an audit permitted code below zero and a grade letter outside A–P are refused', async () => {
    const term = await failure(services.courseTerm.create(alice, { attributes: { termIdentifier: '20181ANTH3160V', auditPermittedCode: -1 } }));
    expect(term.problems[0]).toMatchObject({ source: { kind: 'attribute', name: 'auditPermittedCode' } });
    const grade = await failure(services.grade.create(alice, { attributes: { credits: 3, gradeLetter: 'E' } }));
    expect(grade.problems.map((p) => p.source)).toEqual(
      expect.arrayContaining([{ kind: 'attribute', name: 'gradeLetter' }, { kind: 'relationship', name: 'student' }, { kind: 'relationship', name: 'courseTerm' }]),
    );
  });
});

describe('conflicts name the natural key', () => {
  test('a duplicate course identifier is a conflict, never a crash', async () => {
    await services.course.create(alice, course('DUPL1000X'));
    const error = await failure(services.course.create(alice, course('DUPL1000X')));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('course with this course identifier already exists.');
    expect(error.problems[0]!.source).toEqual({ kind: 'attribute', name: 'courseIdentifier' });
  });

  test('a duplicate person name, a taken id and a duplicate grade are conflicts', async () => {
    await services.person.create(alice, { attributes: { name: 'Ada' } });
    expect((await failure(services.person.create(alice, { attributes: { name: 'Ada' } }))).message).toBe('person with this name already exists.');

    const c = await services.course.create(alice, course('IDEN1000X'));
    const taken = await failure(services.course.create(alice, { ...course('IDEN2000X'), id: c.id }));
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken.message).toBe('course with this id already exists.');

    const student = await services.student.create(alice, {});
    const term = await services.courseTerm.create(alice, { attributes: { termIdentifier: '20181IDEN1000X' } });
    const grade = { attributes: { credits: 3 }, relationships: { student: student.id, courseTerm: term.id } };
    await services.grade.create(alice, grade);
    const twice = await failure(services.grade.create(alice, grade));
    expect(twice).toBeInstanceOf(ConflictError);
    expect(twice.message).toBe('grade with this student and course term already exists.');
  });

  test('an update onto a taken identifier is a conflict and leaves both rows as they were', async () => {
    const a = await services.course.create(alice, course('KEEP1000A'));
    const b = await services.course.create(alice, course('KEEP1000B'));
    const error = await failure(services.course.update(alice, b.id, { attributes: { courseIdentifier: 'KEEP1000A', courseName: 'changed' } }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((await services.course.get(alice, b.id)).courseName).toBe('Course KEEP1000B');
    expect((await services.course.get(alice, a.id)).courseIdentifier).toBe('KEEP1000A');
  });
});

describe('audit fields come from the caller', () => {
  test('create and update record the caller and today, ignoring client values', async () => {
    const created = await services.course.create(as('user1'), course('AUDT1000X', { lastModUserName: 'mallory', lastModDate: '1999-01-01' }));
    expect(created.lastModUserName).toBe('user1');
    expect((created.lastModDate as Date).toISOString().slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));
    const updated = await services.course.update(as('demo_client'), created.id, { attributes: { courseName: 'Renamed' } });
    expect(updated.lastModUserName).toBe('demo_client');
  });

  test('every service call asks the policy for its operation', async () => {
    const asked: string[] = [];
    const ctx: RequestContext = { principal: null, actorName: 'x', authorize: (op) => void asked.push(op), can: () => true };
    const c = await services.course.create(ctx, course('POLI1000X'));
    await services.course.list(ctx);
    await services.course.update(ctx, c.id, { attributes: { courseName: 'y' } });
    await services.course.delete(ctx, c.id);
    // An update asks for `update` only: a write-only token (`update`, or `write`) may change what it cannot read.
    expect(asked).toEqual(['create', 'read', 'update', 'delete']);
  });
});

describe('relationships', () => {
  test('linking to a missing row is not found, naming the relationship', async () => {
    const error = await failure(services.courseTerm.create(alice, { attributes: { termIdentifier: '20181MISS1000X' }, relationships: { course: '6f1c1a52-4a5e-4b7e-9d55-0d1d6f0b0c11' } }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.problems[0]!.source).toEqual({ kind: 'relationship', name: 'course' });
  });

  test('deleting a course deletes its terms; grades cannot be orphaned', async () => {
    const c = await services.course.create(alice, course('CASC1000X'));
    const t = await services.courseTerm.create(alice, { attributes: { termIdentifier: '20181CASC1000X' }, relationships: { course: c.id } });
    const s = await services.student.create(alice, {});
    await services.grade.create(alice, { attributes: { credits: 1 }, relationships: { student: s.id, courseTerm: t.id } });
    const orphan = await failure(services.student.setRelationship(alice, s.id, 'grades', []));
    expect(orphan).toBeInstanceOf(ValidationError);
    await services.course.delete(alice, c.id);
    await expect(services.courseTerm.get(alice, t.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  test('a person already taken by an instructor is a conflict naming the relationship, not a silent move', async () => {
    const person = await services.person.create(alice, { attributes: { name: 'Only One Instructor' } });
    const first = await services.instructor.create(alice, { relationships: { person: person.id } });
    const error = await failure(services.instructor.create(alice, { relationships: { person: person.id } }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('instructor with this person already exists.');
    expect(error.problems[0]!.source).toEqual({ kind: 'relationship', name: 'person' });
    expect((await services.instructor.get(alice, first.id)).personId).toBe(person.id);
    // Setting it again on its own instructor is no conflict.
    await services.instructor.update(alice, first.id, { relationships: { person: person.id } });
  });

  test('adding members asks the policy for create, removing for delete, replacing for update', async () => {
    const asked: string[] = [];
    const ctx: RequestContext = { principal: null, actorName: 'x', authorize: (op) => void asked.push(op), can: () => true };
    const i = await services.instructor.create(alice, {});
    const t = await services.courseTerm.create(alice, { attributes: { termIdentifier: '20181OPER1000X' } });
    await services.instructor.addToRelationship(ctx, i.id, 'courseTerms', [t.id]);
    await services.instructor.removeFromRelationship(ctx, i.id, 'courseTerms', [t.id]);
    await services.instructor.setRelationship(ctx, i.id, 'courseTerms', [t.id]);
    expect(asked).toEqual(['create', 'delete', 'update']);
  });

  test('to-many add, remove and replace, with batched related rows and linkage', async () => {
    const i = await services.instructor.create(alice, {});
    const t1 = await services.courseTerm.create(alice, { attributes: { termIdentifier: '20181MANY1000A' } });
    const t2 = await services.courseTerm.create(alice, { attributes: { termIdentifier: '20181MANY1000B' } });
    await services.instructor.addToRelationship(alice, i.id, 'courseTerms', [t1.id, t2.id, t1.id]);
    expect(((await services.instructor.linkage(alice, [i.id], ['courseTerms'])).get(i.id)!.courseTerms as string[]).sort()).toEqual([t1.id, t2.id].sort());
    await services.instructor.removeFromRelationship(alice, i.id, 'courseTerms', [t1.id]);
    const related = await services.courseTerm.related(alice, 'instructors', [t1.id, t2.id]);
    expect(related.get(t1.id)).toEqual([]);
    expect(related.get(t2.id)!.map((r) => r.id)).toEqual([i.id]);
    await services.instructor.setRelationship(alice, i.id, 'courseTerms', [t1.id]);
    expect((await services.instructor.relatedPage(alice, i.id, 'courseTerms')).rows.map((r) => r.id)).toEqual([t1.id]);
  });
});

describe('lists', () => {
  test('filters, lookups, search, sort and paging', async () => {
    for (const id of ['LIST1000A', 'LIST2000B', 'LIST3000C']) await services.course.create(alice, course(id, { courseName: `Intro to ${id}` }));
    const page = await services.course.list(alice, {
      filters: [{ path: 'courseIdentifier', lookup: 'regex', value: '^LIST' }],
      sort: [{ field: 'courseIdentifier', descending: true }],
      offset: 1,
      limit: 1,
    });
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => r.courseIdentifier)).toEqual(['LIST2000B']);
    const search = await services.course.list(alice, { search: 'intro list3000c' });
    expect(search.rows.map((r) => r.courseIdentifier)).toEqual(['LIST3000C']);
    const within = await services.course.list(alice, { filters: [{ path: 'courseIdentifier', lookup: 'in', value: ['LIST1000A', 'LIST3000C'] }] });
    expect(within.total).toBe(2);
  });

  test('bad filters, lookups, values and regexes are validation errors naming them', async () => {
    const cases: [Parameters<Services['course']['list']>[1], string][] = [
      [{ filters: [{ path: 'courseName', lookup: 'regex', value: '([' }] }, 'courseName.regex'],
      [{ filters: [{ path: 'lastModUserName', lookup: 'exact', value: 'x' }] }, 'lastModUserName.exact'],
      [{ filters: [{ path: 'id', lookup: 'exact', value: 'not-a-uuid' }] }, 'id.exact'],
    ];
    for (const [query, name] of cases) {
      const error = await failure(services.course.list(alice, query));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.problems[0]!.source).toEqual({ kind: 'filter', name });
    }
    const sort = await failure(services.course.list(alice, { sort: [{ field: 'nope' }] }));
    expect(sort.problems[0]!.source).toEqual({ kind: 'sort', name: 'nope' });
    const bool = await failure(services.courseTerm.list(alice, { filters: [{ path: 'examCreditFlag', lookup: 'exact', value: 'maybe' }] }));
    expect(bool).toBeInstanceOf(ValidationError);
  });

  test('an unknown id is not found', async () => {
    await expect(services.course.get(alice, '6f1c1a52-4a5e-4b7e-9d55-0d1d6f0b0c11')).rejects.toBeInstanceOf(NotFoundError);
    await expect(services.course.get(alice, 'garbage')).rejects.toBeInstanceOf(NotFoundError);
    await expect(services.course.delete(alice, '6f1c1a52-4a5e-4b7e-9d55-0d1d6f0b0c11')).rejects.toBeInstanceOf(NotFoundError);
  });
});
