// Every response document validates against the official JSON:API 1.0 schema
// (vendored in ./schema/, CC0), with format checks: lists, single resources,
// compound documents, related and relationship endpoints, writes, and errors
// of every kind the door answers.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { resourceList } from '../../src/resources/registry.js';
import { startJsonApi, type ApiResponse, type JsonApiTestContext } from './support.js';

const schema = JSON.parse(readFileSync(new URL('./schema/jsonapi-1.0.schema.json', import.meta.url), 'utf8')) as object;
// strict: false because the official schema mixes draft-07 keywords
// (`dependencies`, `definitions`) into its 2020-12 dialect; formats on.
const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(schema);

let api: JsonApiTestContext;
beforeAll(async () => {
  api = await startJsonApi();
});
afterAll(() => api.stop());

interface Seen {
  request: string;
  status: number;
  body: unknown;
}
const seen: Seen[] = [];

async function call(method: string, path: string, options: Parameters<JsonApiTestContext['call']>[2] = {}): Promise<ApiResponse> {
  const res = await api.call(method, path, options);
  seen.push({ request: `${method} ${path}`, status: res.status, body: res.body });
  return res;
}

async function created(type: string, data: Record<string, unknown>) {
  const res = await call('POST', `/v1/${type}`, { body: { data: { type, ...data } } });
  expect([type, res.status, res.body?.errors]).toEqual([type, 201, undefined]);
  return res.body.data as { id: string };
}

test('every response document of a broad set of requests is valid JSON:API 1.0 (schema and formats)', async () => {
  // One of each type (the demo data has no grades), then writes: create, update, relationship edits, delete.
  const person = await created('people', { attributes: { name: 'Schema Person' } });
  const student = await created('students', { relationships: { person: { data: { type: 'people', id: person.id } } } });
  const course = await created('courses', {
    attributes: {
      school_bulletin_prefix_code: 'XCEF', suffix_two: '00', subject_area_code: 'ANTB', course_number: '09999',
      course_identifier: 'SCHM9999V', course_name: 'Schemas', course_description: 'Documents that validate.',
    },
  });
  const term = await created('course_terms', {
    attributes: { term_identifier: '20181SCHM9999V', audit_permitted_code: 0, exam_credit_flag: false },
    relationships: { course: { data: { type: 'courses', id: course.id } } },
  });
  const bare = await created('course_terms', { attributes: { term_identifier: '20182SCHM9999V' } });
  await call('GET', `/v1/course_terms/${bare.id}/course`); // to-one related, empty: data null
  await call('GET', `/v1/course_terms/${bare.id}/relationships/course`);
  const grade = await created('grades', {
    attributes: { credits: 3, grade_letter: 'B', grade_value: 3 },
    relationships: { student: { data: { type: 'students', id: student.id } }, course_term: { data: { type: 'course_terms', id: term.id } } },
  });
  // Reads of every type: pages with every parameter, single resources, compound documents.
  for (const d of resourceList) {
    const includes = d.relationships.map((r) => r.external).join(',');
    const list = await call('GET', `/v1/${d.type}?page[size]=2&page[number]=2&include=${includes}&sort=-id`);
    expect([d.type, list.status]).toEqual([d.type, 200]);
    await call('GET', `/v1/${d.type}/?page[size]=1&fields[${d.type}]=${d.attributes.at(-1)!.external}`);
    await call('GET', `/v1/${d.type}?filter[id]=${randomUUID()}`); // empty page
    await call('GET', `/v1/${d.type}?page[number]=9999`); // past the end
    const first = (await call('GET', `/v1/${d.type}?page[size]=1`)).body.data[0] as { id: string } | undefined;
    if (!first) continue; // a type without rows (no demo data, e.g. a newly added resource): its list documents are checked above
    const id = first.id;
    await call('GET', `/v1/${d.type}/${id}?include=${includes}`);
    for (const r of d.relationships) {
      await call('GET', `/v1/${d.type}/${id}/${r.external}${r.toMany ? '?page[size]=1' : ''}`);
      await call('GET', `/v1/${d.type}/${id}/relationships/${r.external}`);
    }
  }
  await call('GET', '/v1/courses?include=course_terms.instructors.person,course_terms.grades.student.person&page[size]=10');
  await call('GET', '/v1/courses?filter[search]=body&filter[course_name.icontains]=the&fields[courses]=course_name,course_terms');

  await call('PATCH', `/v1/courses/${course.id}?include=course_terms`, { body: { data: { type: 'courses', id: course.id, attributes: { course_name: 'Schemas II' } } } });
  await call('POST', `/v1/courses/${course.id}/relationships/course_terms`, { body: { data: [{ type: 'course_terms', id: bare.id }] } });
  await call('DELETE', `/v1/courses/${course.id}/relationships/course_terms`, { body: { data: [{ type: 'course_terms', id: bare.id }] } });
  await call('PATCH', `/v1/course_terms/${bare.id}/relationships/course`, { body: { data: null } });
  await call('PATCH', `/v1/courses/${course.id}/relationships/course_terms`, { body: { data: [{ type: 'course_terms', id: term.id }] } });

  // Errors of every kind.
  const errors = [
    await call('GET', '/v1/courses?page[size]=abc'), // 400 parameter
    await call('GET', '/v1/courses?unknown=1'), // 400 unknown parameter
    await call('GET', '/v1/courses?filter[course_name.regex]=(a'), // 400 filter value
    await call('POST', '/v1/courses', { body: { data: { type: 'courses', attributes: { course_name: 'x'.repeat(200), nope: 1 } } } }), // 400, several
    await call('POST', '/v1/courses', { body: '{"data":' }), // 400 not JSON
    await call('POST', '/v1/people', { body: { data: { type: 'people', attributes: { name: 'Schema Person' } } } }), // 400 unique
    await call('GET', '/v1/courses', { token: null }), // 401
    await call('GET', '/v1/courses', { token: 'abc.def.ghi' }), // 401 invalid token
    await call('POST', '/v1/courses', { body: {}, token: await api.issuer.token('read') }), // 403 scope
    await call('DELETE', `/v1/students/${student.id}/relationships/grades`, { body: { data: [{ type: 'grades', id: grade.id }] } }), // 403 refused removal
    await call('GET', `/v1/courses/${randomUUID()}`), // 404
    await call('GET', '/v1/widgets'), // 404 collection
    await call('GET', '/v1/courses//'), // 404 empty id
    await call('PUT', '/v1/courses'), // 405
    await call('POST', `/v1/course_terms/${term.id}/relationships/course`, { body: { data: [] } }), // 405 to-one
    await call('GET', '/v1/courses', { headers: { Accept: 'application/json' } }), // 406
    await call('PATCH', `/v1/courses/${course.id}`, { body: { data: { type: 'people', id: course.id } } }), // 409 type
    await call('POST', '/v1/people', { body: { data: { type: 'people', id: person.id, attributes: { name: 'Taken Id' } } } }), // 409 id
    await call('POST', '/v1/courses', { body: JSON.stringify({ data: { type: 'courses', attributes: { course_description: 'x'.repeat(2_000_000) } } }) }), // 413
    await call('POST', '/v1/courses', { body: { data: { type: 'courses' } }, headers: { 'Content-Type': 'application/json' } }), // 415
  ];
  await call('DELETE', `/v1/grades/${grade.id}`);
  await call('GET', `/v1/grades/${grade.id}`); // 404 after delete

  const documents = seen.filter((s) => s.body !== undefined);
  expect(documents.length).toBeGreaterThan(80);
  const invalid = documents.flatMap((s) =>
    validate(s.body) ? [] : [{ request: s.request, status: s.status, errors: validate.errors!.slice(0, 3).map((e) => `${e.instancePath} ${e.message}`) }],
  );
  expect(invalid).toEqual([]);
  expect(errors.map((e) => e.status)).toEqual([400, 400, 400, 400, 400, 400, 401, 401, 403, 403, 404, 404, 404, 405, 405, 406, 409, 409, 413, 415]);
  // Every answer that should carry one did: the JSON:API media type, and a body unless 204.
  for (const s of seen) expect([s.request, s.status === 204 || s.body !== undefined]).toEqual([s.request, true]);
});
