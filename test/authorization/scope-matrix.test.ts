// Every write, through both doors, with every kind of token: what the policy
// refuses is refused before anything is stored, and what it allows is stored
// and answered without what the token may not read.
//
//   door (JSON:API, GraphQL) × write (create, update, delete, relationship
//   add / remove / replace) × token (the write's operation alone, with read,
//   read alone, no scope, no token)
//
// The database is read through Prisma directly after every answer: after a
// 4xx or a refused GraphQL operation nothing changed, after a success the
// change is there.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Prisma } from '../../src/db/database.js';
import { graphqlSchema } from '../../src/graphql/schema.js';
import { writeOperations } from '../../src/resources/service.js';
import { codes, graphqlClient, type GraphQLClient, type GraphQLResponse } from '../graphql/support/client.js';
import { startJsonApi, type ApiResponse, type JsonApiTestContext } from '../jsonapi/support.js';

let api: JsonApiTestContext;
let gql: GraphQLClient;
let prisma: Prisma;

beforeAll(async () => {
  api = await startJsonApi({ demoData: false });
  gql = graphqlClient(api.server.url);
  prisma = api.server.db.prisma;
});
afterAll(() => api?.stop());

type Kind = 'create' | 'update' | 'delete' | 'add' | 'remove' | 'replace';
/** The operation the policy knows each write by (relationship edits as in the original demo). */
const operationOf: Record<Kind, string> = { create: 'create', update: 'update', delete: 'delete', add: 'create', remove: 'delete', replace: 'update' };
type Tokens = 'op' | 'op+read' | 'read' | 'none' | 'anonymous';
const tokenSets: Tokens[] = ['op', 'op+read', 'read', 'none', 'anonymous'];

async function tokenFor(kind: Kind, set: Tokens): Promise<string | null> {
  const op = operationOf[kind];
  switch (set) {
    case 'op':
      return api.issuer.token(op);
    case 'op+read':
      return api.issuer.token([op, 'read']);
    case 'read':
      return api.issuer.token('read');
    case 'none':
      return api.issuer.token('');
    case 'anonymous':
      return null;
  }
}

let seq = 0;
function uniqueCourse() {
  seq++;
  const n = String(1000 + seq).slice(-4);
  return {
    courseIdentifier: `SCPM${n}X`,
    courseName: `Scope matrix ${seq}`,
    courseNumber: n,
    subjectAreaCode: 'SCPM',
    schoolBulletinPrefixCode: 'XC',
    suffixTwo: '00',
    courseDescription: 'Made by the scope matrix.',
  };
}

const snake = (attributes: Record<string, string>) => Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));

/**
 * One write, prepared in the database: how to ask for it through each door,
 * and whether it is in the database now.
 */
interface Fixture {
  /** JSON:API method, path (without query) and body. */
  rest: { method: string; path: string; body?: unknown };
  /** A resource write (create/update) answers a resource document; relationship writes answer linkage; delete nothing. */
  answers: 'resource' | 'linkage' | 'nothing';
  /** GraphQL: the mutation, with `SELECTION` where the selection of the written record goes. */
  mutation: string;
  /** A selection of the written record that reads more than its identity. */
  readingSelection: string;
  done(): Promise<boolean>;
}

async function fixture(kind: Kind): Promise<Fixture> {
  switch (kind) {
    case 'create': {
      const attributes = uniqueCourse();
      return {
        rest: { method: 'POST', path: '/v1/courses', body: { data: { type: 'courses', attributes: snake(attributes) } } },
        answers: 'resource',
        mutation: `mutation { createCourse(input: ${JSON.stringify(attributes).replace(/"(\w+)":/g, '$1:')}) SELECTION }`,
        readingSelection: '{ id courseName courseTerms { totalCount } }',
        done: async () => (await prisma.course.count({ where: { courseIdentifier: attributes.courseIdentifier } })) === 1,
      };
    }
    case 'update': {
      const course = await prisma.course.create({ data: uniqueCourse() });
      const name = `Renamed ${randomUUID().slice(0, 8)}`;
      return {
        rest: { method: 'PATCH', path: `/v1/courses/${course.id}`, body: { data: { type: 'courses', id: course.id, attributes: { course_name: name } } } },
        answers: 'resource',
        mutation: `mutation { updateCourse(id: "${course.id}", input: { courseName: "${name}" }) SELECTION }`,
        readingSelection: '{ id courseDescription }',
        done: async () => (await prisma.course.findUniqueOrThrow({ where: { id: course.id } })).courseName === name,
      };
    }
    case 'delete': {
      const course = await prisma.course.create({ data: uniqueCourse() });
      return {
        rest: { method: 'DELETE', path: `/v1/courses/${course.id}` },
        answers: 'nothing',
        mutation: `mutation { deleteCourse(id: "${course.id}") }`,
        readingSelection: '',
        done: async () => (await prisma.course.count({ where: { id: course.id } })) === 0,
      };
    }
    case 'add':
    case 'remove': {
      const term = await prisma.courseTerm.create({ data: { termIdentifier: `20241SCPM${String(++seq).padStart(4, '0')}X` } });
      const instructor = await prisma.instructor.create({ data: kind === 'remove' ? { courseTerms: { connect: { id: term.id } } } : {} });
      const linkage = { data: [{ type: 'course_terms', id: term.id }] };
      const field = kind === 'add' ? 'addInstructorCourseTerms' : 'removeInstructorCourseTerms';
      return {
        rest: { method: kind === 'add' ? 'POST' : 'DELETE', path: `/v1/instructors/${instructor.id}/relationships/course_terms`, body: linkage },
        answers: 'linkage',
        mutation: `mutation { ${field}(id: "${instructor.id}", courseTermIds: ["${term.id}"]) SELECTION }`,
        readingSelection: '{ id courseTerms { nodes { id termIdentifier } } }',
        done: async () => {
          const linked = (await prisma.instructor.findUniqueOrThrow({ where: { id: instructor.id }, include: { courseTerms: true } })).courseTerms.some((t) => t.id === term.id);
          return kind === 'add' ? linked : !linked;
        },
      };
    }
    case 'replace': {
      const [from, to] = [await prisma.course.create({ data: uniqueCourse() }), await prisma.course.create({ data: uniqueCourse() })];
      const term = await prisma.courseTerm.create({ data: { termIdentifier: `20241SCPM${String(++seq).padStart(4, '0')}X`, courseId: from.id } });
      return {
        rest: { method: 'PATCH', path: `/v1/course_terms/${term.id}/relationships/course`, body: { data: { type: 'courses', id: to.id } } },
        answers: 'linkage',
        mutation: `mutation { setCourseTermCourse(id: "${term.id}", courseId: "${to.id}") SELECTION }`,
        readingSelection: '{ id course { id courseName } }',
        done: async () => (await prisma.courseTerm.findUniqueOrThrow({ where: { id: term.id } })).courseId === to.id,
      };
    }
  }
}

const kinds: Kind[] = ['create', 'update', 'delete', 'add', 'remove', 'replace'];
const cases = kinds.flatMap((kind) => tokenSets.map((set) => [kind, set] as const));

function expectRefusal(res: ApiResponse, set: Tokens, scope: string): void {
  if (set === 'anonymous') {
    expect(res.status).toBe(401);
    return;
  }
  expect(res.status).toBe(403);
  expect(res.body.errors[0].code).toBe('insufficient_scope');
  expect(res.headers.get('www-authenticate')).toContain(`scope="${scope}"`);
}

describe('JSON:API', () => {
  test.each(cases)('%s with %s', async (kind, set) => {
    const f = await fixture(kind);
    const token = await tokenFor(kind, set);
    const res = await api.call(f.rest.method, f.rest.path, { body: f.rest.body, token });
    const mayWrite = set === 'op' || set === 'op+read';
    if (!mayWrite) {
      expectRefusal(res, set, operationOf[kind]);
      expect(await f.done()).toBe(false);
      return;
    }
    expect(await f.done()).toBe(true);
    const mayRead = set === 'op+read';
    if (f.answers === 'nothing') {
      expect(res.status).toBe(204);
    } else if (f.answers === 'linkage') {
      // JSON:API 1.1 §"Updating Relationships": 204 is a valid answer; the linkage only for a token that may read it.
      expect(res.status).toBe(mayRead ? 200 : 204);
      if (mayRead) expect(res.body.data).toBeDefined();
      else expect(res.text).toBe('');
    } else {
      expect(res.status).toBe(kind === 'create' ? 201 : 200);
      if (mayRead) {
        expect(res.body.data.attributes).toBeDefined();
        expect(res.body.data.relationships).toBeDefined();
      } else {
        // Only the identity of what was written: no attributes, no relationships.
        expect(Object.keys(res.body.data).sort()).toEqual(['id', 'links', 'type']);
        expect(res.body.included).toBeUndefined();
      }
    }
  });

  describe('asking to see more than the write may show: refused before writing', () => {
    const queries = ['include=course_terms', 'fields[courses]=course_name', 'fields[course_terms]=term_identifier'];
    test.each(kinds.filter((k) => k === 'create' || k === 'update').flatMap((kind) => queries.map((q) => [kind, q] as const)))('%s ?%s with the operation alone', async (kind, query) => {
      const f = await fixture(kind);
      const res = await api.call(f.rest.method, `${f.rest.path}?${query}`, { body: f.rest.body, token: await tokenFor(kind, 'op') });
      expectRefusal(res, 'op', 'read');
      expect(await f.done()).toBe(false);
    });

    test('with read as well, include and fields answer as on a read', async () => {
      const f = await fixture('create');
      const res = await api.call(f.rest.method, `${f.rest.path}?include=course_terms&fields[courses]=course_name`, { body: f.rest.body, token: await tokenFor('create', 'op+read') });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body.data.attributes)).toEqual(['course_name']);
      expect(res.body.included).toEqual([]);
      expect(await f.done()).toBe(true);
    });

    test('an empty fieldset asks for nothing, so the operation alone is enough', async () => {
      const f = await fixture('update');
      const res = await api.call(f.rest.method, `${f.rest.path}?fields[courses]=`, { body: f.rest.body, token: await tokenFor('update', 'op') });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.data).sort()).toEqual(['id', 'links', 'type']);
      expect(await f.done()).toBe(true);
    });
  });
});

describe('GraphQL', () => {
  /** Refused before executing: a request error, with the HTTP status and challenge of RFC 6750 §3.1, no data. */
  function expectRefused(res: GraphQLResponse, set: Tokens, scope: string): void {
    expect(codes(res)).toEqual([set === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
    expect(res.data).toBeUndefined();
    if (set === 'anonymous') {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="course-catalogue"');
      return;
    }
    expect(res.errors![0]!.extensions!.scope).toBe(scope);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(new RegExp(`error="insufficient_scope", .*scope="${scope}"`));
  }

  test.each(cases)('%s with %s, selecting only the identity', async (kind, set) => {
    const f = await fixture(kind);
    const res = await gql(f.mutation.replace('SELECTION', '{ id __typename }'), {}, (await tokenFor(kind, set)) ?? undefined);
    if (set === 'op' || set === 'op+read') {
      expect(res.errors).toBeUndefined();
      expect(await f.done()).toBe(true);
    } else {
      expectRefused(res, set, operationOf[kind]);
      expect(await f.done()).toBe(false);
    }
  });

  test.each(cases.filter(([kind]) => kind !== 'delete'))('%s with %s, selecting what only a reader may see', async (kind, set) => {
    const f = await fixture(kind);
    const res = await gql(f.mutation.replace('SELECTION', f.readingSelection), {}, (await tokenFor(kind, set)) ?? undefined);
    if (set === 'op+read') {
      expect(res.errors).toBeUndefined();
      expect(await f.done()).toBe(true);
      return;
    }
    // The operation alone may write, but not answer this: refused before executing, nothing stored.
    expectRefused(res, set, set === 'op' ? 'read' : operationOf[kind]);
    expect(await f.done()).toBe(false);
  });

  test('selections through fragments count too', async () => {
    const f = await fixture('update');
    const mutation = f.mutation.replace('SELECTION', '{ ...shown }') + ' fragment shown on Course { id ... on Course { courseName } }';
    expectRefused(await gql(mutation, {}, (await tokenFor('update', 'op'))!), 'op', 'read');
    expect(await f.done()).toBe(false);
    const skipped = f.mutation.replace('SELECTION', '{ id courseName @skip(if: true) }');
    expect((await gql(skipped, {}, (await tokenFor('update', 'op'))!)).errors).toBeUndefined();
    expect(await f.done()).toBe(true);
  });

  test('every mutation names the write it makes, for the check before execution', async () => {
    const mutations = Object.values((await graphqlSchema()).getMutationType()!.getFields());
    expect(mutations.length).toBeGreaterThanOrEqual(6 * 3 + 12);
    for (const field of mutations) {
      const write = field.extensions.write as { kind: keyof typeof writeOperations } | undefined;
      // The operation the name says (as test/graphql/support/operations.ts reads it) is the one the write asks for.
      const named = /^(create|add)/.test(field.name) ? 'create' : /^(delete|remove)/.test(field.name) ? 'delete' : 'update';
      expect({ field: field.name, operation: write && writeOperations[write.kind] }).toEqual({ field: field.name, operation: named });
    }
  });

  test('one refused field refuses the whole operation before any of it runs', async () => {
    const created = await fixture('create');
    const deleted = await fixture('delete');
    const both = `mutation { a: ${created.mutation.slice('mutation { '.length, -' }'.length).replace('SELECTION', '{ id }')} b: ${deleted.mutation.slice('mutation { '.length, -' }'.length)} }`;
    const res = await gql(both, {}, await api.issuer.token('create'));
    expectRefused(res, 'none', 'delete');
    expect(await created.done()).toBe(false);
    expect(await deleted.done()).toBe(false);
    const allowed = await gql(both, {}, await api.issuer.token('create delete'));
    expect(allowed.errors).toBeUndefined();
    expect(await created.done()).toBe(true);
    expect(await deleted.done()).toBe(true);
  });
});
