// JSON:API Atomic Operations (https://jsonapi.org/ext/atomic) at
// POST /v1/operations, over real HTTP, on PGlite or PostgreSQL
// (TEST_DATABASE_URL): all or nothing, lid chains, racing requests, the
// operation limit and authorization before any work, negotiation.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startJsonApi, type ApiResponse, type JsonApiTestContext } from '../jsonapi/support.js';

const ATOMIC = 'https://jsonapi.org/ext/atomic';
const ATOMIC_TYPE = `application/vnd.api+json;ext="${ATOMIC}"`;

let api: JsonApiTestContext;
beforeAll(async () => {
  api = await startJsonApi({ demoData: false, env: { ATOMIC_MAX_OPERATIONS: '8' } });
});
afterAll(async () => api?.stop());

let serial = 0;
/** A fresh course identifier (4 letters, 4 digits, 1 letter) and its attributes. */
function course(identifier = `ATOM${String(1000 + ++serial).slice(-4)}X`) {
  return {
    course_identifier: identifier,
    course_name: `Atomic ${identifier}`,
    course_number: identifier.slice(4, 8),
    subject_area_code: 'ATOM',
    school_bulletin_prefix_code: 'X',
    suffix_two: '00',
    course_description: 'Made by an atomic request.',
  };
}

function operations(ops: unknown[], options: { token?: string | null; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
  return api.call('POST', '/v1/operations', {
    body: { 'atomic:operations': ops },
    headers: { 'Content-Type': ATOMIC_TYPE, Accept: ATOMIC_TYPE, ...(options.headers ?? {}) },
    ...(options.token !== undefined ? { token: options.token } : {}),
  });
}

/** Rows of a table, counted in SQL. */
async function count(table: string): Promise<number> {
  const rows = await api.server.db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table}"`);
  return rows[0]!.n;
}

async function counts() {
  return { course: await count('course'), course_term: await count('course_term'), person: await count('person'), instructor: await count('instructor') };
}

/** The SQL statements the server ran during `work`. */
async function statementsDuring<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const stop = api.server.db.onQuery((sql) => void statements.push(sql));
  try {
    return { result: await work(), statements };
  } finally {
    stop();
  }
}

describe('all or nothing', () => {
  test('lid chains three levels deep: person → instructor → the term that lists it, and course → term; results in order', async () => {
    const c = course();
    const res = await operations([
      { op: 'add', data: { type: 'courses', lid: 'c', attributes: c } },
      { op: 'add', data: { type: 'people', lid: 'p', attributes: { name: `Atomic person ${serial}` } } },
      { op: 'add', data: { type: 'instructors', lid: 'i', relationships: { person: { data: { type: 'people', lid: 'p' } } } } },
      {
        op: 'add',
        data: {
          type: 'course_terms',
          lid: 't',
          attributes: { term_identifier: `20251${c.course_identifier}` },
          relationships: { course: { data: { type: 'courses', lid: 'c' } }, instructors: { data: [{ type: 'instructors', lid: 'i' }] } },
        },
      },
      { op: 'update', ref: { type: 'course_terms', lid: 't' }, data: { type: 'course_terms', lid: 't', attributes: { audit_permitted_code: 2 } } },
    ]);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(ATOMIC_TYPE);
    expect(res.body.jsonapi).toEqual({ version: '1.1', ext: [ATOMIC] });
    const results = res.body['atomic:results'];
    expect(results.map((r: { data: { type: string } }) => r.data.type)).toEqual(['courses', 'people', 'instructors', 'course_terms', 'course_terms']);
    expect(results.slice(0, 4).map((r: { data: { meta: { lid: string } } }) => r.data.meta.lid)).toEqual(['c', 'p', 'i', 't']);
    const [courseId, personId, instructorId, termId] = results.map((r: { data: { id: string } }) => r.data.id);
    expect(results[4].data.id).toBe(termId);
    expect(results[4].data.attributes.audit_permitted_code).toBe(2);
    expect(results[2].data.relationships.person.data).toEqual({ type: 'people', id: personId });
    // Stored, and linked by the ids the lids stood for.
    const term = await api.call('GET', `/v1/course_terms/${termId}`);
    expect(term.body.data.relationships.course.data).toEqual({ type: 'courses', id: courseId });
    expect(term.body.data.relationships.instructors.data).toEqual([{ type: 'instructors', id: instructorId }]);
    expect(term.body.data.attributes.audit_permitted_code).toBe(2);
  });

  test('a fifth operation that fails leaves nothing of the first four; its error points into it', async () => {
    const before = await counts();
    const c = course();
    const res = await operations([
      { op: 'add', data: { type: 'courses', lid: 'c', attributes: c } },
      { op: 'add', data: { type: 'course_terms', attributes: { term_identifier: `20251${c.course_identifier}` }, relationships: { course: { data: { type: 'courses', lid: 'c' } } } } },
      { op: 'add', data: { type: 'people', lid: 'p', attributes: { name: `Atomic person ${serial}` } } },
      { op: 'add', data: { type: 'instructors', relationships: { person: { data: { type: 'people', lid: 'p' } } } } },
      { op: 'add', data: { type: 'course_terms', attributes: { term_identifier: 'not a term' } } },
    ]);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe(ATOMIC_TYPE);
    expect(res.body).not.toHaveProperty('atomic:results');
    expect(res.body.errors).toEqual([expect.objectContaining({ status: '400', source: { pointer: '/atomic:operations/4/data/attributes/term_identifier' } })]);
    expect(await counts()).toEqual(before);
    expect((await api.call('GET', `/v1/courses?filter[course_identifier]=${c.course_identifier}`)).body.data).toEqual([]);
  });

  test('a failure found by the database (a taken natural key) rolls back the operations before it', async () => {
    const c = course();
    expect((await operations([{ op: 'add', data: { type: 'courses', attributes: c } }])).status).toBe(200);
    const before = await counts();
    const res = await operations([
      { op: 'add', data: { type: 'people', attributes: { name: `Atomic person ${++serial}` } } },
      { op: 'add', data: { type: 'courses', attributes: { ...c, course_name: 'Again' } } },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ code: 'unique', source: { pointer: '/atomic:operations/1/data/attributes/course_identifier' } })]);
    expect(await counts()).toEqual(before);
  });

  test('two requests racing on one unique key: exactly one is stored, the other is refused with nothing of it written', async () => {
    const c = course();
    const names = [`Racer A ${serial}`, `Racer B ${serial}`];
    const body = (name: string) => [
      { op: 'add', data: { type: 'people', attributes: { name } } },
      { op: 'add', data: { type: 'courses', lid: 'c', attributes: c } },
      { op: 'add', data: { type: 'course_terms', attributes: { term_identifier: `2025${name.includes(' A ') ? '1' : '2'}${c.course_identifier}` }, relationships: { course: { data: { type: 'courses', lid: 'c' } } } } },
    ];
    const answers = await Promise.all(names.map((name) => operations(body(name))));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 400]);
    const loser = answers.find((a) => a.status === 400)!;
    expect(loser.body.errors[0].source.pointer).toBe('/atomic:operations/1/data/attributes/course_identifier');
    const winner = names[answers.findIndex((a) => a.status === 200)]!;
    const people = await api.call('GET', `/v1/people?filter[search]=Racer`);
    expect(people.body.data.map((p: { attributes: { name: string } }) => p.attributes.name).filter((n: string) => names.includes(n))).toEqual([winner]);
    const courses = await api.call('GET', `/v1/courses?filter[course_identifier]=${c.course_identifier}&include=course_terms`);
    expect(courses.body.data).toHaveLength(1);
    expect(courses.body.data[0].relationships.course_terms.data).toHaveLength(1);
  });

  test('relationship operations and removals: add, replace and remove linkage, then remove the records; 204 when no result has data', async () => {
    const c = course();
    const made = await operations([
      { op: 'add', data: { type: 'courses', lid: 'c', attributes: c } },
      { op: 'add', data: { type: 'course_terms', lid: 't', attributes: { term_identifier: `20253${c.course_identifier}` } } },
      { op: 'add', data: { type: 'people', lid: 'p', attributes: { name: `Atomic person ${serial}` } } },
      { op: 'add', data: { type: 'instructors', lid: 'i', relationships: { person: { data: { type: 'people', lid: 'p' } } } } },
      { op: 'update', ref: { type: 'course_terms', lid: 't', relationship: 'course' }, data: { type: 'courses', lid: 'c' } },
      { op: 'add', ref: { type: 'course_terms', lid: 't', relationship: 'instructors' }, data: [{ type: 'instructors', lid: 'i' }] },
    ]);
    expect(made.status).toBe(200);
    const ids = made.body['atomic:results'].map((r: { data?: { id: string } }) => r.data?.id);
    expect(made.body['atomic:results'].slice(4)).toEqual([{}, {}]);
    const term = await api.call('GET', `/v1/course_terms/${ids[1]}/relationships/instructors`);
    expect(term.body.data).toEqual([{ type: 'instructors', id: ids[3] }]);
    const gone = await operations([
      { op: 'remove', ref: { type: 'course_terms', id: ids[1], relationship: 'instructors' }, data: [{ type: 'instructors', id: ids[3] }] },
      { op: 'remove', href: `/v1/instructors/${ids[3]}` },
      { op: 'remove', ref: { type: 'courses', id: ids[0] } },
      { op: 'remove', ref: { type: 'people', id: ids[2] } },
    ]);
    expect(gone.status).toBe(204);
    expect(gone.text).toBe('');
    for (const [type, id] of [['courses', ids[0]], ['course_terms', ids[1]], ['people', ids[2]], ['instructors', ids[3]]]) {
      expect((await api.call('GET', `/v1/${type}/${id}`)).status).toBe(404);
    }
  });
});

describe('refused before any work', () => {
  test('over the operation limit (ATOMIC_MAX_OPERATIONS): 400 at /atomic:operations, no SQL statement run', async () => {
    const ops = Array.from({ length: 9 }, (_, i) => ({ op: 'add', data: { type: 'people', attributes: { name: `Too many ${i}` } } }));
    const { result: res, statements } = await statementsDuring(() => operations(ops));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ code: 'too_many_operations', source: { pointer: '/atomic:operations' } })]);
    expect(res.body.errors[0].detail).toMatch(/9 operations .* at most 8/);
    expect(statements).toEqual([]);
  });

  test('a token lacking one operation’s scope: 403 naming that operation, no SQL statement run, nothing stored', async () => {
    const token = await api.issuer.token(['read', 'create']);
    const before = await counts();
    const { result: res, statements } = await statementsDuring(() =>
      operations(
        [
          { op: 'add', data: { type: 'people', attributes: { name: `Scoped ${++serial}` } } },
          { op: 'remove', ref: { type: 'people', id: '00000000-0000-4000-8000-000000000000' } },
        ],
        { token },
      ),
    );
    expect(res.status).toBe(403);
    expect(res.body.errors).toEqual([expect.objectContaining({ status: '403', source: { pointer: '/atomic:operations/1/ref' } })]);
    expect(res.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
    expect(statements).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  test('no token: 401 before the body is read', async () => {
    const res = await operations([{ op: 'add', data: { type: 'people', attributes: { name: 'Nobody' } } }], { token: null });
    expect(res.status).toBe(401);
  });
});

describe('documents and pointers', () => {
  test('a lid no earlier operation added, an unknown member, a bad op: 400 at the member', async () => {
    const unknownLid = await operations([{ op: 'add', data: { type: 'instructors', relationships: { person: { data: { type: 'people', lid: 'nobody' } } } } }]);
    expect(unknownLid.status).toBe(400);
    expect(unknownLid.body.errors[0].source.pointer).toBe('/atomic:operations/0/data/relationships/person/data/lid');
    const member = await operations([{ op: 'add', data: { type: 'people', attributes: { name: 'x' } }, extra: 1 }]);
    expect(member.body.errors[0].source.pointer).toBe('/atomic:operations/0/extra');
    const op = await operations([{ op: 'add', data: { type: 'people', attributes: { name: `ok ${++serial}` } } }, { op: 'upsert' }]);
    expect(op.status).toBe(400);
    expect(op.body.errors[0].source.pointer).toBe('/atomic:operations/1/op');
    const wrongDoc = await api.call('POST', '/v1/operations', { body: { data: [] }, headers: { 'Content-Type': ATOMIC_TYPE, Accept: ATOMIC_TYPE } });
    expect(wrongDoc.body.errors[0].source.pointer).toBe('/data');
  });

  test('a removal of a record that does not exist: 404 at its ref; a type that does not match: 409', async () => {
    const missing = await operations([{ op: 'remove', ref: { type: 'people', id: '00000000-0000-4000-8000-000000000000' } }]);
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].source.pointer).toBe('/atomic:operations/0/ref');
    const mismatch = await operations([{ op: 'add', ref: { type: 'people' }, data: { type: 'courses', attributes: course() } }]);
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.errors[0].source.pointer).toBe('/atomic:operations/0/data/type');
  });
});

describe('negotiation (JSON:API 1.1 §"Content Negotiation", the extension’s ext parameter)', () => {
  const one = [{ op: 'add', data: { type: 'people', attributes: { name: 'Negotiated' } } }];

  test('a Content-Type without the extension: 415; with an extension not supported: 415', async () => {
    for (const type of ['application/vnd.api+json', 'application/vnd.api+json;ext="https://example.com/other"', `application/vnd.api+json;ext="${ATOMIC} https://example.com/other"`, 'application/json']) {
      const res = await operations(one, { headers: { 'Content-Type': type } });
      expect({ type, status: res.status }).toEqual({ type, status: 415 });
    }
  });

  test('an Accept whose JSON:API media types do not name the extension: 406; */* and none are served', async () => {
    for (const accept of ['application/vnd.api+json', 'application/vnd.api+json;ext="https://example.com/other"', 'application/json']) {
      const res = await operations(one, { headers: { Accept: accept } });
      expect({ accept, status: res.status }).toEqual({ accept, status: 406 });
    }
    const any = await operations([{ op: 'add', data: { type: 'people', attributes: { name: `Any ${++serial}` } } }], { headers: { Accept: '*/*' } });
    expect(any.status).toBe(200);
    const profile = await operations([{ op: 'add', data: { type: 'people', attributes: { name: `Profiled ${++serial}` } } }], {
      headers: { Accept: `application/vnd.api+json; ext="${ATOMIC}"; profile="https://example.com/p"` },
    });
    expect(profile.status).toBe(200);
  });

  test('the extension on an ordinary endpoint: its Content-Type is 415 there, its Accept is served (a supported extension)', async () => {
    const post = await api.call('POST', '/v1/people', { body: { data: { type: 'people', attributes: { name: 'x' } } }, headers: { 'Content-Type': ATOMIC_TYPE } });
    expect(post.status).toBe(415);
    const get = await api.call('GET', '/v1/people', { headers: { Accept: ATOMIC_TYPE } });
    expect(get.status).toBe(200);
  });

  test('other methods: 405 with Allow: POST', async () => {
    const res = await api.call('GET', '/v1/operations', { headers: { Accept: ATOMIC_TYPE } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});
