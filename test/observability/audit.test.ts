// The audit trail through the real server: every write kind (create, update,
// delete, and a to-many relationship's add, remove and replace) through both
// doors records one event, success or failure, with who (issuer, subject,
// client), what (resource, id, operation, the names written, never values),
// when, the request id and the outcome: in the log, and in the audit_event
// table, read back at GET /v1/audit_events by a caller with the `audit` scope.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Writable } from 'node:stream';
import { startTestServer, type TestServer } from '../support/server.js';
import { StandInIssuer } from '../support/issuer.mjs';
import { createAuditTrail } from '../../src/resources/audit.js';
import { importCatalogue } from '../../src/resources/import.js';
import { systemContext } from '../../src/resources/request-context.js';
import { createServices } from '../../src/resources/service.js';
import { createLogger } from '../../src/http/logger.js';

interface AuditEvent {
  time: string;
  requestId: string | null;
  actor: { issuer: string | null; subject: string | null; client: string | null };
  resource: string;
  id: string | null;
  operation: string;
  changed: string[];
  outcome: string;
}

/** A parsed JSON answer, read loosely as tests may. */
type Json = Awaited<ReturnType<Response['json']>>;

const AUDIENCE = 'urn:catalogue';
const SECRET_NAME = 'Course name nobody may read in a log';
let issuer: StandInIssuer;
let server: TestServer;
let writer: string;
const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

function auditLines(): AuditEvent[] {
  return lines.map((l) => JSON.parse(l) as { msg?: string; audit?: AuditEvent }).flatMap((l) => (l.msg === 'audit' && l.audit ? [l.audit] : []));
}
function eventsOf(requestId: string): AuditEvent[] {
  return auditLines().filter((e) => e.requestId === requestId);
}

async function jsonApi(requestId: string, method: string, path: string, body?: unknown, token = writer): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { accept: 'application/vnd.api+json', 'content-type': 'application/vnd.api+json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.headers.get('x-request-id')).toBe(requestId);
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}
async function graphql(requestId: string, query: string, variables: Record<string, unknown> = {}): Promise<Json> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${writer}`, 'x-request-id': requestId },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}
const course = (identifier: string) => ({
  school_bulletin_prefix_code: 'A',
  suffix_two: '00',
  subject_area_code: 'AUDT',
  course_number: '1',
  course_identifier: identifier,
  course_name: SECRET_NAME,
  course_description: 'audited',
});

beforeAll(async () => {
  issuer = await StandInIssuer.start({ audience: AUDIENCE });
  server = await startTestServer(
    { OAUTH_ISSUER: issuer.issuer, OAUTH_AUDIENCE: AUDIENCE, OAUTH_JWKS_URI: issuer.jwksUri, DEV_AUTH_SERVER: '0', LOG_LEVEL: 'info', AUDIT_TABLE: '1' },
    { logTo: sink },
  );
  writer = await issuer.token('read create update delete', { sub: 'editor-7', client_id: 'catalogue-admin' });
});
afterAll(async () => {
  await server?.stop();
  await issuer?.stop();
});

describe('JSON:API writes', () => {
  test('each write kind records one event: who, what, when, request id, outcome', async () => {
    const created = await jsonApi('j-create', 'POST', '/v1/courses', { data: { type: 'courses', attributes: course('AUDT1000A') } });
    expect(created.status).toBe(201);
    const courseId = created.body.data.id as string;
    expect((await jsonApi('j-update', 'PATCH', `/v1/courses/${courseId}`, { data: { type: 'courses', id: courseId, attributes: { course_name: `${SECRET_NAME} 2` } } })).status).toBe(200);
    const instructor = (await jsonApi('j-instructor', 'POST', '/v1/instructors', { data: { type: 'instructors', attributes: {} } })).body.data.id as string;
    const term = await jsonApi('j-term', 'POST', '/v1/course_terms', {
      data: { type: 'course_terms', attributes: { term_identifier: '20261AUDT1000A' }, relationships: { course: { data: { type: 'courses', id: courseId } } } },
    });
    expect(term.status).toBe(201);
    const termId = term.body.data.id as string;
    const members = { data: [{ type: 'instructors', id: instructor }] };
    expect((await jsonApi('j-add', 'POST', `/v1/course_terms/${termId}/relationships/instructors`, members)).status).toBe(200);
    expect((await jsonApi('j-remove', 'DELETE', `/v1/course_terms/${termId}/relationships/instructors`, members)).status).toBe(200);
    expect((await jsonApi('j-replace', 'PATCH', `/v1/course_terms/${termId}/relationships/instructors`, members)).status).toBe(200);
    expect((await jsonApi('j-delete', 'DELETE', `/v1/course_terms/${termId}`)).status).toBe(204);
    expect((await jsonApi('j-invalid', 'POST', '/v1/courses', { data: { type: 'courses', attributes: { ...course('AUDT1000A'), course_number: 'x'.repeat(200) } } })).status).toBe(400);

    const actor = { issuer: issuer.issuer, subject: 'editor-7', client: 'catalogue-admin' };
    const expected: [string, Partial<AuditEvent>][] = [
      ['j-create', { resource: 'courses', operation: 'create', id: courseId, changed: Object.keys(course('x')).map(camel).sort(), outcome: 'success' }],
      ['j-update', { resource: 'courses', operation: 'update', id: courseId, changed: ['courseName'], outcome: 'success' }],
      ['j-term', { resource: 'course_terms', operation: 'create', id: termId, changed: ['course', 'termIdentifier'], outcome: 'success' }],
      ['j-add', { resource: 'course_terms', operation: 'add', id: termId, changed: ['instructors'], outcome: 'success' }],
      ['j-remove', { resource: 'course_terms', operation: 'remove', id: termId, changed: ['instructors'], outcome: 'success' }],
      ['j-replace', { resource: 'course_terms', operation: 'replace', id: termId, changed: ['instructors'], outcome: 'success' }],
      ['j-delete', { resource: 'course_terms', operation: 'delete', id: termId, changed: [], outcome: 'success' }],
      ['j-invalid', { resource: 'courses', operation: 'create', id: null, outcome: 'validation' }],
    ];
    for (const [requestId, event] of expected) {
      const events = eventsOf(requestId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ ...event, actor, requestId });
      expect(Date.now() - Date.parse(events[0]!.time)).toBeLessThan(60_000);
    }
  });
});

function camel(name: string): string {
  return name.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
}

describe('GraphQL writes', () => {
  test('each write kind records one event, the same as through JSON:API', async () => {
    const created = await graphql('g-create', 'mutation($input: CourseCreateInput!) { createCourse(input: $input) { id } }', {
      input: { schoolBulletinPrefixCode: 'A', suffixTwo: '00', subjectAreaCode: 'AUDT', courseNumber: '2', courseIdentifier: 'AUDT2000A', courseName: SECRET_NAME, courseDescription: 'g' },
    });
    const courseId = created.data.createCourse.id as string;
    await graphql('g-update', 'mutation($id: ID!) { updateCourse(id: $id, input: { courseName: "Renamed" }) { id } }', { id: courseId });
    const instructor = (await graphql('g-instructor', 'mutation { createInstructor(input: {}) { id } }')).data.createInstructor.id as string;
    const term = (await graphql('g-term', 'mutation($c: ID!) { createCourseTerm(input: { termIdentifier: "20261AUDT2000A", courseId: $c }) { id } }', { c: courseId })).data.createCourseTerm.id as string;
    const ids = { id: term, i: [instructor] };
    expect((await graphql('g-add', 'mutation($id: ID!, $i: [ID!]!) { addCourseTermInstructors(id: $id, instructorIds: $i) { id } }', ids)).errors).toBeUndefined();
    expect((await graphql('g-remove', 'mutation($id: ID!, $i: [ID!]!) { removeCourseTermInstructors(id: $id, instructorIds: $i) { id } }', ids)).errors).toBeUndefined();
    expect((await graphql('g-replace', 'mutation($id: ID!, $i: [ID!]!) { setCourseTermInstructors(id: $id, instructorIds: $i) { id } }', ids)).errors).toBeUndefined();
    expect((await graphql('g-delete', 'mutation($id: ID!) { deleteCourseTerm(id: $id) }', { id: term })).errors).toBeUndefined();
    expect((await graphql('g-missing', 'mutation($id: ID!) { deleteCourse(id: $id) }', { id: '00000000-0000-4000-8000-000000000000' })).errors).toBeDefined();

    const expected: [string, Partial<AuditEvent>][] = [
      ['g-create', { resource: 'courses', operation: 'create', id: courseId, outcome: 'success' }],
      ['g-update', { resource: 'courses', operation: 'update', id: courseId, changed: ['courseName'], outcome: 'success' }],
      ['g-instructor', { resource: 'instructors', operation: 'create', changed: [], outcome: 'success' }],
      ['g-add', { resource: 'course_terms', operation: 'add', id: term, changed: ['instructors'], outcome: 'success' }],
      ['g-remove', { resource: 'course_terms', operation: 'remove', id: term, changed: ['instructors'], outcome: 'success' }],
      ['g-replace', { resource: 'course_terms', operation: 'replace', id: term, changed: ['instructors'], outcome: 'success' }],
      ['g-delete', { resource: 'course_terms', operation: 'delete', id: term, outcome: 'success' }],
      ['g-missing', { resource: 'courses', operation: 'delete', outcome: 'not_found' }],
    ];
    for (const [requestId, event] of expected) {
      const events = eventsOf(requestId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ ...event, requestId, actor: { issuer: issuer.issuer, subject: 'editor-7', client: 'catalogue-admin' } });
    }
  });

  test('no value written reaches an audit line', () => {
    const audit = lines.filter((l) => l.includes('"msg":"audit"'));
    expect(audit.length).toBeGreaterThanOrEqual(16);
    for (const line of audit) {
      expect(line).not.toContain(SECRET_NAME);
      expect(line).not.toContain('Renamed');
      expect(line).not.toContain(writer);
    }
  });
});

describe('GET /v1/audit_events', () => {
  test('the stored trail, newest first, for the audit scope; refused without it', async () => {
    const auditor = await issuer.token('audit', { sub: 'auditor' });
    const page = await jsonApi('r-1', 'GET', '/v1/audit_events?page[size]=100', undefined, auditor);
    expect(page.status).toBe(200);
    const logged = auditLines().length;
    expect(page.body.data).toHaveLength(logged);
    const times = page.body.data.map((e: Json) => e.attributes.time as string);
    expect([...times].sort().reverse()).toEqual(times);
    const create = page.body.data.find((e: Json) => e.attributes.request_id === 'j-create');
    expect(create).toMatchObject({ type: 'audit_events', attributes: { resource: 'courses', operation: 'create', subject: 'editor-7', client: 'catalogue-admin', issuer: issuer.issuer, outcome: 'success' } });
    expect(create.attributes.changed).toContain('courseName');

    const terms = await jsonApi('r-2', 'GET', '/v1/audit_events?filter[resource]=course_terms&page[size]=2', undefined, auditor);
    expect(terms.body.data.map((e: Json) => e.attributes.resource)).toEqual(['course_terms', 'course_terms']);
    const next = await fetch(terms.body.links.next as string, { headers: { authorization: `Bearer ${auditor}` } });
    const older: Json = await next.json();
    expect(older.data.length).toBeGreaterThan(0);
    expect(older.data[0].attributes.time <= terms.body.data[1].attributes.time).toBe(true);

    const refused = await jsonApi('r-3', 'GET', '/v1/audit_events', undefined, writer);
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].detail).toContain('"audit"');
    const bad = await jsonApi('r-4', 'GET', '/v1/audit_events?page[size]=0&sort=time', undefined, auditor);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].source).toEqual({ parameter: 'page[size]' });
  });
});

describe('the bulk import', () => {
  test('records one event per batch: its rows by outcome and the names written, with the table', async () => {
    const importLines: string[] = [];
    const importSink = new Writable({
      write(chunk, _encoding, done) {
        importLines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const trail = createAuditTrail({ log: true, table: true, retentionDays: 0 }, createLogger('info', importSink), server.db.prisma);
    const ctx = Object.assign(systemContext('ops-user'), { auditTrail: trail });
    const summary = await importCatalogue(createServices(server.db.prisma), ctx, {
      people: [{ name: 'Imported One' }, { name: '' }, { name: 'Imported Two' }],
    }, { batchSize: 2 });
    await trail!.close();
    expect(summary.created).toEqual({ people: 2 });
    const events = importLines.map((l) => JSON.parse(l) as { audit: AuditEvent & { rows: unknown } }).map((l) => l.audit);
    expect(events).toEqual([
      expect.objectContaining({ resource: 'people', operation: 'import', id: null, changed: ['name'], outcome: 'success', rows: { created: 1, updated: 0, rejected: 1 }, actor: { issuer: null, subject: 'ops-user', client: null } }),
      expect.objectContaining({ resource: 'people', operation: 'import', outcome: 'success', rows: { created: 1, updated: 0, rejected: 0 } }),
    ]);
    expect(importLines.join('\n')).not.toContain('Imported One');
    expect(await server.db.prisma.auditEvent.count({ where: { operation: 'import', resource: 'people', subject: 'ops-user' } })).toBe(2);
  });
});

describe('atomic operations', () => {
  const ATOMIC_TYPE = 'application/vnd.api+json;ext="https://jsonapi.org/ext/atomic"';
  async function operations(requestId: string, ops: unknown[]): Promise<number> {
    const res = await fetch(`${server.url}/v1/operations`, {
      method: 'POST',
      headers: { 'content-type': ATOMIC_TYPE, accept: ATOMIC_TYPE, authorization: `Bearer ${writer}`, 'x-request-id': requestId },
      body: JSON.stringify({ 'atomic:operations': ops }),
    });
    return res.status;
  }

  test('each operation records its event once the transaction ends: success when it commits, rolled_back when it does not', async () => {
    expect(await operations('a-commit', [
      { op: 'add', data: { type: 'courses', lid: 'c', attributes: course('AUDT3000A') } },
      { op: 'add', data: { type: 'course_terms', attributes: { term_identifier: '20261AUDT3000A' }, relationships: { course: { data: { type: 'courses', lid: 'c' } } } } },
    ])).toBe(200);
    expect(eventsOf('a-commit').map((e) => [e.resource, e.operation, e.outcome])).toEqual([
      ['courses', 'create', 'success'],
      ['course_terms', 'create', 'success'],
    ]);

    expect(await operations('a-rollback', [
      { op: 'add', data: { type: 'people', attributes: { name: 'Rolled back person' } } },
      { op: 'add', data: { type: 'courses', attributes: course('AUDT3000A') } },
    ])).toBe(400);
    expect(eventsOf('a-rollback').map((e) => [e.resource, e.operation, e.outcome])).toEqual([
      ['people', 'create', 'rolled_back'],
      ['courses', 'create', 'conflict'],
    ]);

    const gql = await graphql('g-atomic', 'mutation @atomic { a: createInstructor(input: {}) { id } b: deleteCourse(id: "00000000-0000-4000-8000-000000000000") }');
    expect(gql.data).toBeNull();
    expect(eventsOf('g-atomic').map((e) => [e.resource, e.operation, e.outcome])).toEqual([
      ['instructors', 'create', 'rolled_back'],
      ['courses', 'delete', 'not_found'],
    ]);
  });
});
