// JSON:API 1.1 conformance details: links are valid URIs (RFC 3986), refused
// to-many removals are 403, `lid` in a create, Accept precedence (RFC 9110
// §12.5.1), and an empty id in the path is no collection.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MEDIA_TYPE, onlyError, startJsonApi, type JsonApiTestContext } from './support.js';

let api: JsonApiTestContext;
beforeAll(async () => {
  api = await startJsonApi({ demoData: false });
});
afterAll(() => api.stop());

/** RFC 3986 §2.2/§3.4: `[` and `]` are gen-delims, allowed only in an IP-literal host; the query must percent-encode them. */
const rawBrackets = /[[\]]/;

async function create(type: string, attributes: Record<string, unknown>, relationships: Record<string, unknown> = {}) {
  const res = await api.call('POST', `/v1/${type}`, { body: { data: { type, attributes, relationships } } });
  expect([type, res.status, res.body?.errors]).toEqual([type, 201, undefined]);
  return res.body.data as { id: string; type: string };
}

/** A student with one grade in a course term: the grade needs its student and its course term. */
async function gradedStudent(suffix: string) {
  const person = await create('people', { name: `Student ${suffix}` });
  const student = await create('students', {}, { person: { data: { type: 'people', id: person.id } } });
  const term = await create('course_terms', { term_identifier: `20181ZZZZ${suffix}A`, audit_permitted_code: 0, exam_credit_flag: true });
  const grade = await create(
    'grades',
    { credits: 3, grade_letter: 'A', grade_value: 4 },
    { student: { data: { type: 'students', id: student.id } }, course_term: { data: { type: 'course_terms', id: term.id } } },
  );
  return { person, student, term, grade };
}

describe('links are valid URIs (RFC 3986)', () => {
  test('pagination, self and related links percent-encode [ and ] in the query', async () => {
    for (let i = 0; i < 3; i++) await create('people', { name: `Linked ${i}` });
    const res = await api.call('GET', '/v1/people?page[size]=1&page[number]=2&sort=name&fields[people]=name');
    expect(res.status).toBe(200);
    const links = res.body.links as Record<string, string | null>;
    for (const name of ['self', 'first', 'last', 'prev', 'next']) {
      const link = links[name]!;
      expect([name, rawBrackets.test(link)]).toEqual([name, false]);
      // Still the same request, decoded.
      expect(new URL(link).searchParams.get('page[size]')).toBe('1');
      expect(new URL(link).searchParams.get('fields[people]')).toBe('name');
    }
    expect(new URL(links.next!).searchParams.get('page[number]')).toBe('3');
    // Following a link gives the page it names.
    const next = await fetch(links.next!, { headers: { Accept: MEDIA_TYPE, Authorization: `Bearer ${api.token}` } });
    expect(((await next.json()) as { meta: { pagination: { page: number } } }).meta.pagination.page).toBe(3);
    const one = await api.call('GET', `/v1/people/${res.body.data[0].id}?fields[people]=name`);
    expect(rawBrackets.test(one.body.links.self)).toBe(false);
  });
});

describe('refused to-many removals are 403 (JSON:API 1.1 "Updating To-Many Relationships")', () => {
  test('DELETE of a member that needs its owner, and a PATCH replacement that would drop it: 403, nothing changed', async () => {
    const { student, grade } = await gradedStudent('0101');
    const url = `/v1/students/${student.id}/relationships/grades`;
    const remove = await api.call('DELETE', url, { body: { data: [{ type: 'grades', id: grade.id }] } });
    expect(remove.status).toBe(403);
    expect(onlyError(remove.body)).toMatchObject({ status: '403', source: { pointer: '/data' } });
    expect(onlyError(remove.body).detail).toMatch(/cannot be removed/);
    const replace = await api.call('PATCH', url, { body: { data: [] } });
    expect(replace.status).toBe(403);
    expect(onlyError(replace.body)).toMatchObject({ status: '403', source: { pointer: '/data' } });
    // A resource PATCH replacing the relationship: "the server MUST reject the entire update, and return a 403".
    const whole = await api.call('PATCH', `/v1/students/${student.id}`, { body: { data: { type: 'students', id: student.id, relationships: { grades: { data: [] } } } } });
    expect(whole.status).toBe(403);
    expect(onlyError(whole.body)).toMatchObject({ status: '403', source: { pointer: '/data/relationships/grades' } });
    expect((await api.call('GET', url)).body.data).toEqual([{ type: 'grades', id: grade.id }]);
    // What stays allowed: removing a member that is not there, and a replacement that keeps every member.
    expect((await api.call('PATCH', url, { body: { data: [{ type: 'grades', id: grade.id }] } })).status).toBe(200);
  });

  test('a refused removal alongside other problems is the 400 of the whole document', async () => {
    const { student } = await gradedStudent('0102');
    const res = await api.call('PATCH', `/v1/students/${student.id}`, {
      body: { data: { type: 'students', id: student.id, attributes: { effective_start_date: 'not a date' }, relationships: { grades: { data: [] } } } },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { status: string }) => e.status).sort()).toEqual(['400', '403']);
  });
});

describe('lid (JSON:API 1.1 local ids)', () => {
  test('a created resource may carry a lid; the answer names it in meta', async () => {
    const res = await api.call('POST', '/v1/people', { body: { data: { type: 'people', lid: 'new-person', attributes: { name: 'Local Id' } } } });
    expect(res.status).toBe(201);
    expect(res.body.data.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.data.meta).toEqual({ lid: 'new-person' });
    expect(res.body.data).not.toHaveProperty('lid');
  });

  test('a lid that is not a string, sits beside an id, or is sent in an update is 400 at /data/lid', async () => {
    const number = await api.call('POST', '/v1/people', { body: { data: { type: 'people', lid: 7, attributes: { name: 'Lid Seven' } } } });
    expect(number.status).toBe(400);
    expect(onlyError(number.body).source).toEqual({ pointer: '/data/lid' });
    const both = await api.call('POST', '/v1/people', {
      body: { data: { type: 'people', id: '6f1b7a3e-5d0c-4c1e-9a51-1f2e3d4c5b6a', lid: 'x', attributes: { name: 'Lid And Id' } } },
    });
    expect(both.status).toBe(400);
    expect(onlyError(both.body).source).toEqual({ pointer: '/data/lid' });
    const person = await create('people', { name: 'Lid Update' });
    const update = await api.call('PATCH', `/v1/people/${person.id}`, { body: { data: { type: 'people', id: person.id, lid: 'x' } } });
    expect(update.status).toBe(400);
    expect(onlyError(update.body).source).toEqual({ pointer: '/data/lid' });
  });

  test('linkage by lid must name a resource in the same document: otherwise 400 naming it', async () => {
    const res = await api.call('POST', '/v1/students', { body: { data: { type: 'students', relationships: { person: { data: { type: 'people', lid: 'elsewhere' } } } } } });
    expect(res.status).toBe(400);
    expect(onlyError(res.body)).toMatchObject({ source: { pointer: '/data/relationships/person/data/lid' } });
    expect(onlyError(res.body).detail).toMatch(/elsewhere/);
    const term = await create('course_terms', { term_identifier: '20181ZZZZ0103A', audit_permitted_code: 0, exam_credit_flag: true });
    const edit = await api.call('POST', `/v1/course_terms/${term.id}/relationships/instructors`, { body: { data: [{ type: 'instructors', lid: 'x' }] } });
    expect(edit.status).toBe(400);
    expect(onlyError(edit.body).source).toEqual({ pointer: '/data/0/lid' });
  });
});

describe('Accept: the most specific range decides (RFC 9110 §12.5.1)', () => {
  test('application/*;q=0 refuses the JSON:API media type even beside */*', async () => {
    for (const accept of ['application/*;q=0, */*', '*/*, application/*;q=0']) {
      const res = await api.call('GET', '/v1/people', { headers: { Accept: accept } });
      expect([accept, res.status]).toEqual([accept, 406]);
    }
    for (const accept of ['*/*;q=0, application/*', 'text/html;q=0, */*', `${MEDIA_TYPE};q=0.5, */*;q=0`]) {
      const res = await api.call('GET', '/v1/people', { headers: { Accept: accept } });
      expect([accept, res.status]).toEqual([accept, 200]);
    }
  });
});

describe('paths', () => {
  test('an empty id is no endpoint: /v1/people// is 404, not the collection', async () => {
    for (const path of ['/v1/people//', '/v1/people//?page[size]=1', '/v1/people///']) {
      const res = await api.call('GET', path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(onlyError(res.body).code).toBe('not_found');
    }
    expect((await api.call('GET', '/v1/people/')).status).toBe(200);
  });
});
