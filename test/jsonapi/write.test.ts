// Writing: POST/PATCH/DELETE of resources and relationship endpoints, with
// the JSON:API 1.1 status codes and error documents, for courses and course
// terms in depth and every other type's endpoints.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { resourceByType } from '../../src/resources/registry.js';
import { onlyError, startJsonApi, type JsonApiTestContext } from './support.js';

let api: JsonApiTestContext;
beforeAll(async () => {
  api = await startJsonApi({ demoData: false });
});
afterAll(() => api.stop());

let seq = 0;
function courseAttributes(overrides: Record<string, unknown> = {}) {
  seq++;
  const letters = String.fromCharCode(65 + (seq % 26)) + String.fromCharCode(65 + Math.floor(seq / 26) % 26);
  return {
    school_bulletin_prefix_code: 'XCEF',
    suffix_two: '00',
    subject_area_code: 'ANTB',
    course_number: String(1000 + seq),
    course_identifier: `AN${letters}${String(1000 + seq).slice(-4)}V`,
    course_name: `Course ${seq}`,
    course_description: 'A course.',
    ...overrides,
  };
}

async function createCourse(overrides: Record<string, unknown> = {}) {
  const res = await api.call('POST', '/v1/courses/', { body: { data: { type: 'courses', attributes: courseAttributes(overrides) } } });
  expect(res.status).toBe(201);
  return res.body.data;
}

async function createTerm(courseId: string | null, termIdentifier: string) {
  const res = await api.call('POST', '/v1/course_terms', {
    body: {
      data: {
        type: 'course_terms',
        attributes: { term_identifier: termIdentifier, audit_permitted_code: 0, exam_credit_flag: true },
        relationships: courseId ? { course: { data: { type: 'courses', id: courseId } } } : {},
      },
    },
  });
  expect(res.status).toBe(201);
  return res.body.data;
}

describe('resources: create, update, delete', () => {
  test('POST creates: 201, Location, the document, audit fields from the token, read-only input ignored', async () => {
    const res = await api.call('POST', '/v1/courses', {
      body: { data: { type: 'courses', attributes: { ...courseAttributes(), last_mod_user_name: 'mallory', last_mod_date: '1999-01-01' } } },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(res.body.data.links.self);
    expect(res.body.data.attributes.last_mod_user_name).toBe('tester');
    expect(res.body.data.attributes.last_mod_date).not.toBe('1999-01-01');
    expect(res.body.data.relationships.course_terms.data).toEqual([]);
    const fetched = await api.call('GET', new URL(res.headers.get('location')!).pathname);
    expect(fetched.body.data).toEqual(res.body.data);
  });

  test('attributes and relationships together; a client-generated UUID is kept; a taken id is 409', async () => {
    const course = await createCourse();
    const id = randomUUID();
    const res = await api.call('POST', '/v1/course_terms', {
      body: {
        data: {
          type: 'course_terms',
          id,
          attributes: { term_identifier: `20181${course.attributes.course_identifier}`, exam_credit_flag: false },
          relationships: { course: { data: { type: 'courses', id: course.id } } },
        },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.data.id).toBe(id);
    expect(res.body.data.relationships.course.data).toEqual({ type: 'courses', id: course.id });
    const again = await api.call('POST', '/v1/course_terms', {
      body: { data: { type: 'course_terms', id, attributes: { term_identifier: `20182${course.attributes.course_identifier}` } } },
    });
    expect(again.status).toBe(409);
    expect(onlyError(again.body)).toMatchObject({ status: '409', source: { pointer: '/data/id' } });
    const notUuid = await api.call('POST', '/v1/courses', { body: { data: { type: 'courses', id: 'abc', attributes: courseAttributes() } } });
    expect(notUuid.status).toBe(400);
    expect(onlyError(notUuid.body).source).toEqual({ pointer: '/data/id' });
  });

  test('validation errors are 400, one error per problem, pointing at the attribute', async () => {
    const res = await api.call('POST', '/v1/courses', {
      body: { data: { type: 'courses', attributes: { ...courseAttributes(), course_identifier: 'bad', suffix_two: 'TOOLONG', course_name: undefined } } },
    });
    expect(res.status).toBe(400);
    const pointers = res.body.errors.map((e: { source: { pointer: string } }) => e.source.pointer).sort();
    expect(pointers).toEqual(['/data/attributes/course_identifier', '/data/attributes/course_name', '/data/attributes/suffix_two']);
    for (const e of res.body.errors) expect(e).toMatchObject({ status: '400', code: 'validation', title: 'Bad Request' });
    expect(res.body.errors.find((e: { source: { pointer: string } }) => e.source.pointer.endsWith('course_name')).detail).toBe('This field is required.');
    const unknown = await api.call('POST', '/v1/courses', { body: { data: { type: 'courses', attributes: { ...courseAttributes(), courseName: 'x', colour: 'red' } } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { source: { pointer: string } }) => e.source.pointer).sort()).toEqual(['/data/attributes/colour', '/data/attributes/courseName']);
  });

  test('a duplicate natural key: 400 with the demo\'s message', async () => {
    const course = await createCourse();
    const res = await api.call('POST', '/v1/courses', {
      body: { data: { type: 'courses', attributes: courseAttributes({ course_identifier: course.attributes.course_identifier }) } },
    });
    expect(res.status).toBe(400);
    expect(onlyError(res.body)).toMatchObject({ detail: 'course with this course identifier already exists.', source: { pointer: '/data/attributes/course_identifier' } });
  });

  test('type or id not matching the endpoint is 409; malformed documents are 400 with a pointer', async () => {
    const course = await createCourse();
    const wrongType = await api.call('POST', '/v1/courses', { body: { data: { type: 'course_terms', attributes: courseAttributes() } } });
    expect(wrongType.status).toBe(409);
    expect(onlyError(wrongType.body).source).toEqual({ pointer: '/data/type' });
    const wrongId = await api.call('PATCH', `/v1/courses/${course.id}`, { body: { data: { type: 'courses', id: randomUUID(), attributes: {} } } });
    expect(wrongId.status).toBe(409);
    expect(onlyError(wrongId.body).source).toEqual({ pointer: '/data/id' });
    const cases: [unknown, string][] = [
      ['not json', ''],
      ['[]', ''],
      [{}, '/data'],
      [{ data: null }, '/data'],
      [{ data: [] }, '/data'],
      [{ data: { attributes: {} } }, '/data/type'],
      [{ data: { type: 'courses', attributes: [] } }, '/data/attributes'],
      [{ data: { type: 'courses', relationships: { course_terms: [] } } }, '/data/relationships/course_terms'],
      [{ data: { type: 'courses', relationships: { course_terms: { data: {} } } } }, '/data/relationships/course_terms/data'],
      [{ data: { type: 'courses', relationships: { course_terms: { data: [{ type: 'course_terms' }] } } } }, '/data/relationships/course_terms/data/0/id'],
      [{ data: { type: 'courses', lid: 7 } }, '/data/lid'], // a lid is accepted when it is a string (JSON:API 1.1)
      [{ data: { type: 'courses' }, included: [] }, '/included'],
    ];
    for (const [body, pointer] of cases) {
      const res = await api.call('POST', '/v1/courses', { body });
      expect([res.status, JSON.stringify(body)]).toEqual([400, JSON.stringify(body)]);
      expect(onlyError(res.body).source).toEqual({ pointer });
    }
    const noId = await api.call('PATCH', `/v1/courses/${course.id}`, { body: { data: { type: 'courses', attributes: {} } } });
    expect(noId.status).toBe(400);
    const wrongLinkType = await api.call('POST', '/v1/course_terms', {
      body: { data: { type: 'course_terms', attributes: { term_identifier: '20181ABCD1234X' }, relationships: { course: { data: { type: 'people', id: course.id } } } } },
    });
    expect(wrongLinkType.status).toBe(409);
  });

  test('linkage to a resource that does not exist is 404 naming it', async () => {
    const missing = randomUUID();
    const res = await api.call('POST', '/v1/course_terms', {
      body: { data: { type: 'course_terms', attributes: { term_identifier: '20181ABCD1234X' }, relationships: { course: { data: { type: 'courses', id: missing } } } } },
    });
    expect(res.status).toBe(404);
    const error = onlyError(res.body);
    expect(error.source).toEqual({ pointer: '/data/relationships/course' });
    expect(error.detail).toContain(missing);
  });

  test('PATCH updates attributes and relationships and answers 200 with the document; DELETE is 204', async () => {
    const course = await createCourse();
    const other = await createCourse();
    const term = await createTerm(course.id, `20181${course.attributes.course_identifier}`);
    const res = await api.call('PATCH', `/v1/course_terms/${term.id}/`, {
      body: { data: { type: 'course_terms', id: term.id, attributes: { audit_permitted_code: 2 }, relationships: { course: { data: { type: 'courses', id: other.id } } } } },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.attributes.audit_permitted_code).toBe(2);
    expect(res.body.data.attributes.term_identifier).toBe(term.attributes.term_identifier);
    expect(res.body.data.relationships.course.data.id).toBe(other.id);
    const invalid = await api.call('PATCH', `/v1/course_terms/${term.id}`, { body: { data: { type: 'course_terms', id: term.id, attributes: { audit_permitted_code: 'x' } } } });
    expect(invalid.status).toBe(400);
    expect(onlyError(invalid.body).source).toEqual({ pointer: '/data/attributes/audit_permitted_code' });
    const missing = randomUUID();
    expect((await api.call('PATCH', `/v1/course_terms/${missing}`, { body: { data: { type: 'course_terms', id: missing, attributes: {} } } })).status).toBe(404);
    const deleted = await api.call('DELETE', `/v1/course_terms/${term.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await api.call('GET', `/v1/course_terms/${term.id}`)).status).toBe(404);
    expect((await api.call('DELETE', `/v1/course_terms/${term.id}`)).status).toBe(404);
  });

  test('methods that do not apply are 405 with Allow', async () => {
    const res = await api.call('PUT', '/v1/courses');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    expect((await api.call('POST', `/v1/courses/${randomUUID()}`, { body: {} })).status).toBe(405);
  });
});

describe('relationship endpoints', () => {
  test('to-many: PATCH replaces, POST adds, DELETE removes; each answers the linkage', async () => {
    const course = await createCourse();
    const t1 = await createTerm(null, '20181ZZZZ0001A');
    const t2 = await createTerm(null, '20181ZZZZ0002A');
    const t3 = await createTerm(null, '20181ZZZZ0003A');
    const url = `/v1/courses/${course.id}/relationships/course_terms`;
    const ident = (t: { id: string }) => ({ type: 'course_terms', id: t.id });
    const sorted = (ids: { id: string }[]) => ids.map((i) => i.id).sort();
    let res = await api.call('PATCH', url, { body: { data: [ident(t1), ident(t2)] } });
    expect(res.status).toBe(200);
    expect(sorted(res.body.data)).toEqual([t1.id, t2.id].sort());
    res = await api.call('POST', url, { body: { data: [ident(t3), ident(t1)] } });
    expect(res.status).toBe(200);
    expect(sorted(res.body.data)).toEqual([t1.id, t2.id, t3.id].sort());
    res = await api.call('DELETE', url, { body: { data: [ident(t2)] } });
    expect(res.status).toBe(200);
    expect(sorted(res.body.data)).toEqual([t1.id, t3.id].sort());
    expect(sorted((await api.call('GET', url)).body.data)).toEqual([t1.id, t3.id].sort());
    const term = await api.call('GET', `/v1/course_terms/${t3.id}`);
    expect(term.body.data.relationships.course.data.id).toBe(course.id);
    // Wrong shapes, types and ids.
    const toOne = await api.call('PATCH', url, { body: { data: ident(t1) } });
    expect(toOne.status).toBe(400);
    expect(onlyError(toOne.body).source).toEqual({ pointer: '/data' });
    expect((await api.call('POST', url, { body: { data: [{ type: 'courses', id: course.id }] } })).status).toBe(409);
    const ghost = await api.call('POST', url, { body: { data: [{ type: 'course_terms', id: randomUUID() }] } });
    expect(ghost.status).toBe(404);
    expect(onlyError(ghost.body).source).toEqual({ pointer: '/data' });
    expect((await api.call('GET', `/v1/courses/${randomUUID()}/relationships/course_terms`)).status).toBe(404);
  });

  test('to-one: PATCH sets and clears; POST/DELETE are 405', async () => {
    const course = await createCourse();
    const term = await createTerm(null, '20181ZZZZ0004A');
    const url = `/v1/course_terms/${term.id}/relationships/course`;
    let res = await api.call('PATCH', url, { body: { data: { type: 'courses', id: course.id } } });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ type: 'courses', id: course.id });
    expect(res.body.links.related).toMatch(/\/v1\/course_terms\/[^/]+\/course$/);
    res = await api.call('PATCH', url, { body: { data: null } });
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect((await api.call('GET', `/v1/course_terms/${term.id}/course`)).body.data).toBeNull();
    expect((await api.call('POST', url, { body: { data: [] } })).status).toBe(405);
    expect((await api.call('DELETE', url, { body: { data: [] } })).status).toBe(405);
  });

  test('a required to-one cannot be cleared (400); members that need their owner cannot be removed (403, JSON:API 1.1)', async () => {
    const person = (await api.call('POST', '/v1/people', { body: { data: { type: 'people', attributes: { name: 'Grace Student' } } } })).body.data;
    const student = (await api.call('POST', '/v1/students', { body: { data: { type: 'students', relationships: { person: { data: { type: 'people', id: person.id } } } } } })).body.data;
    const term = await createTerm(null, '20181ZZZZ0005A');
    const grade = await api.call('POST', '/v1/grades', {
      body: {
        data: {
          type: 'grades',
          attributes: { credits: 3, grade_letter: 'A', grade_value: 4 },
          relationships: { student: { data: { type: 'students', id: student.id } }, course_term: { data: { type: 'course_terms', id: term.id } } },
        },
      },
    });
    expect(grade.status).toBe(201);
    const clear = await api.call('PATCH', `/v1/grades/${grade.body.data.id}/relationships/student`, { body: { data: null } });
    expect(clear.status).toBe(400);
    const remove = await api.call('DELETE', `/v1/students/${student.id}/relationships/grades`, { body: { data: [{ type: 'grades', id: grade.body.data.id }] } });
    expect(remove.status).toBe(403);
    expect(onlyError(remove.body).source).toEqual({ pointer: '/data' });
  });
});

describe('every type: resource, related and relationship endpoints', () => {
  test('people, instructors, students, grades round-trip through their endpoints', async () => {
    const course = await createCourse();
    const term = await createTerm(course.id, `20181${course.attributes.course_identifier}`);
    const person = await api.call('POST', '/v1/people/', { body: { data: { type: 'people', attributes: { name: 'Ada Instructor' } } } });
    expect(person.status).toBe(201);
    const instructor = await api.call('POST', '/v1/instructors/', {
      body: {
        data: {
          type: 'instructors',
          relationships: { person: { data: { type: 'people', id: person.body.data.id } }, course_terms: { data: [{ type: 'course_terms', id: term.id }] } },
        },
      },
    });
    expect(instructor.status).toBe(201);
    const studentPerson = (await api.call('POST', '/v1/people', { body: { data: { type: 'people', attributes: { name: 'Bob Student' } } } })).body.data;
    const student = await api.call('POST', '/v1/students', { body: { data: { type: 'students', relationships: { person: { data: { type: 'people', id: studentPerson.id } } } } } });
    expect(student.status).toBe(201);
    const grade = await api.call('POST', '/v1/grades', {
      body: {
        data: {
          type: 'grades',
          attributes: { credits: 4, grade_letter: 'B', grade_value: 3 },
          relationships: { student: { data: { type: 'students', id: student.body.data.id } }, course_term: { data: { type: 'course_terms', id: term.id } } },
        },
      },
    });
    expect(grade.status).toBe(201);
    const ids: Record<string, string> = {
      people: person.body.data.id,
      instructors: instructor.body.data.id,
      students: student.body.data.id,
      grades: grade.body.data.id,
      courses: course.id,
      course_terms: term.id,
    };
    // Each created record's relationships, as the registry describes its type.
    const relationships = Object.fromEntries(Object.keys(ids).map((type) => [type, resourceByType(type)!.relationships.map((r) => r.external)]));
    for (const [type, rels] of Object.entries(relationships)) {
      const list = await api.call('GET', `/v1/${type}?include=${rels.join(',')}`);
      expect([type, list.status]).toEqual([type, 200]);
      const one = await api.call('GET', `/v1/${type}/${ids[type]}`);
      expect([type, one.status]).toEqual([type, 200]);
      expect(Object.keys(one.body.data.relationships).sort()).toEqual([...rels].sort());
      for (const rel of rels) {
        const linkage = await api.call('GET', `/v1/${type}/${ids[type]}/relationships/${rel}`);
        expect([type, rel, linkage.status]).toEqual([type, rel, 200]);
        expect(linkage.body.data).toEqual(one.body.data.relationships[rel].data);
        const related = await api.call('GET', `/v1/${type}/${ids[type]}/${rel}`);
        expect([type, rel, related.status]).toEqual([type, rel, 200]);
        const relatedIds = ([] as { id: string }[]).concat(related.body.data ?? []).map((r) => r.id).sort();
        const linkedIds = ([] as { id: string }[]).concat(linkage.body.data ?? []).map((r) => r.id).sort();
        expect(relatedIds).toEqual(linkedIds);
      }
    }
    // Updates and deletes on the other types.
    const renamed = await api.call('PATCH', `/v1/people/${ids.people}`, { body: { data: { type: 'people', id: ids.people, attributes: { name: 'Ada Lovelace' } } } });
    expect(renamed.body.data.attributes.name).toBe('Ada Lovelace');
    const regraded = await api.call('PATCH', `/v1/grades/${ids.grades}`, { body: { data: { type: 'grades', id: ids.grades, attributes: { grade_letter: 'Z' } } } });
    expect(regraded.status).toBe(400);
    expect(onlyError(regraded.body).source).toEqual({ pointer: '/data/attributes/grade_letter' });
    const dupName = await api.call('POST', '/v1/people', { body: { data: { type: 'people', attributes: { name: 'Ada Lovelace' } } } });
    expect(dupName.status).toBe(400);
    expect(onlyError(dupName.body).detail).toBe('person with this name already exists.');
    const unlink = await api.call('PATCH', `/v1/instructors/${ids.instructors}/relationships/course_terms`, { body: { data: [] } });
    expect(unlink.body.data).toEqual([]);
    for (const type of ['grades', 'students', 'instructors', 'people']) expect((await api.call('DELETE', `/v1/${type}/${ids[type]}`)).status).toBe(204);
  });
});
