// The list rules through both doors of one server: the same question gets the
// same records, or the same refusal in each door's own error shape (JSON:API:
// 400 with `source.parameter`; GraphQL: BAD_USER_INPUT naming the argument,
// or a 400 validation failure for what the schema and its limits refuse).
// Where the two doors differ, it is the documented one: REST caps a page[size]
// over the maximum (as DJA did), GraphQL refuses it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase } from '../support/database.js';
import { StandInIssuer } from '../support/issuer.mjs';
import { startTestServer, type TestServer } from '../support/server.js';

let db: Database;
let issuer: StandInIssuer;
let server: TestServer;
let token: string;
/** Every person's id, in id order: more than a page of the maximum size. */
let personIds: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await StandInIssuer.start();
  server = await startTestServer({ ...issuer.env, DEMO_DATA: '1' }, { db });
  token = await issuer.token('read');
  await db.prisma.person.createMany({ data: Array.from({ length: 120 }, (_, i) => ({ name: `Parity Person ${String(i).padStart(3, '0')}` })) });
  personIds = (await db.prisma.person.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((p) => p.id);
  expect(personIds.length).toBeGreaterThan(101);
});
afterAll(async () => {
  await server?.stop();
  await issuer?.stop();
  await db?.close();
});

interface RestAnswer {
  status: number;
  body: { data?: { id: string }[]; errors?: { status: string; detail: string; source?: { parameter?: string } }[] };
}
interface GraphQLAnswer {
  status: number;
  body: {
    data?: Record<string, { nodes: { id: string }[] } | null> | null;
    errors?: { message: string; extensions?: { code?: string; field?: string; problems?: { message: string; field?: string }[] } }[];
  };
}

async function rest(path: string): Promise<RestAnswer> {
  const res = await fetch(`${server.url}${path}`, { headers: { accept: 'application/vnd.api+json', authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as RestAnswer['body'] };
}

async function graphql(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GraphQLAnswer['body'] };
}

/** The ids of a REST collection answer; fails on anything but a 200. */
function restIds(answer: RestAnswer): string[] {
  expect([answer.status, answer.body.errors]).toEqual([200, undefined]);
  return answer.body.data!.map((r) => r.id);
}

/** The ids of a GraphQL list answer; fails on any error. */
function graphqlIds(answer: GraphQLAnswer, field: string): string[] {
  expect([answer.status, answer.body.errors]).toEqual([200, undefined]);
  return answer.body.data![field]!.nodes.map((n) => n.id);
}

/** The same records through both doors, and at least one of them. */
function sameRecords(restAnswer: RestAnswer, graphqlAnswer: GraphQLAnswer, field: string): string[] {
  const ids = restIds(restAnswer);
  expect(graphqlIds(graphqlAnswer, field)).toEqual(ids);
  expect(ids.length).toBeGreaterThan(0);
  return ids;
}

/** The service's refusal in both shapes, with the same words: REST names the parameter, GraphQL the argument. */
function sameRefusal(restAnswer: RestAnswer, graphqlAnswer: GraphQLAnswer, parameter: string, argument: string): void {
  expect(restAnswer.status).toBe(400);
  expect(restAnswer.body.errors).toHaveLength(1);
  const restError = restAnswer.body.errors![0]!;
  expect(restError.source).toEqual({ parameter });
  const graphqlError = graphqlAnswer.body.errors?.[0];
  expect(graphqlError?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: argument });
  expect(graphqlError!.extensions!.problems).toEqual([{ message: restError.detail, field: argument }]);
}

/** What the schema or its limits refuse: a 400 validation failure, before anything runs. */
function graphqlInvalid(answer: GraphQLAnswer): void {
  expect(answer.status).toBe(400);
  expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
}

const peoplePage = (args: string) => `{ people(sort: [{ field: ID }]${args}) { nodes { id } } }`;

describe('page size', () => {
  test('0 is refused by both doors', async () => {
    sameRefusal(await rest('/v1/people?sort=id&page[size]=0'), await graphql(peoplePage(', first: 0')), 'page[size]', 'first');
    sameRefusal(await rest('/v1/people?sort=id&page[size]=0'), await graphql(peoplePage(', offset: 0, limit: 0')), 'page[size]', 'limit');
  });

  test.each([1, 100])('%i: the same records through both doors', async (size) => {
    const ids = sameRecords(await rest(`/v1/people?sort=id&page[size]=${size}`), await graphql(peoplePage(`, first: ${size}`)), 'people');
    expect(ids).toEqual(personIds.slice(0, size));
  });

  test.each([101, 1000])('%i: REST caps it at the maximum (DJA), GraphQL refuses it', async (size) => {
    const capped = restIds(await rest(`/v1/people?sort=id&page[size]=${size}`));
    expect(capped).toEqual(restIds(await rest('/v1/people?sort=id&page[size]=100')));
    expect(capped).toHaveLength(100);
    const refused = await graphql(peoplePage(`, first: ${size}`));
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    // The same words as the REST door's refusal of a page size it may not cap.
    expect(refused.body.errors![0]!.extensions!.problems![0]!.message).toBe((await rest('/v1/people?page[size]=0')).body.errors![0]!.detail);
  });
});

describe('filters and search', () => {
  test('a blank search is refused by both doors', async () => {
    for (const blank of ['', ' ']) {
      sameRefusal(await rest(`/v1/courses?filter[search]=${encodeURIComponent(blank)}`), await graphql('query ($s: String) { courses(search: $s) { nodes { id } } }', { s: blank }), 'filter[search]', 'search');
    }
  });

  test('a search with words: the same records', async () => {
    sameRecords(await rest('/v1/courses?filter[search]=body&sort=id'), await graphql('{ courses(search: "body", sort: [{ field: ID }]) { nodes { id } } }'), 'courses');
  });

  test('no value on a field that always has one (GraphQL eq: null, REST an empty value) is refused by both doors', async () => {
    sameRefusal(await rest('/v1/courses?filter[course_name]='), await graphql('{ courses(filter: { courseName: { eq: null } }) { nodes { id } } }'), 'filter[course_name]', 'filter.courseName.eq');
  });

  test('an operator without a value is refused by both doors', async () => {
    sameRefusal(
      await rest('/v1/courses?filter[course_name.icontains]='),
      await graphql('{ courses(filter: { courseName: { icontains: null } }) { nodes { id } } }'),
      'filter[course_name.icontains]',
      'filter.courseName.icontains',
    );
  });

  test('an in-list of 100 values is answered, one over is refused by both doors', async () => {
    const list = (n: number) => [...personIds.slice(0, 3), ...Array.from({ length: n - 3 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)];
    const query = 'query ($ids: [ID!]) { people(filter: { id: { in: $ids } }, sort: [{ field: ID }]) { nodes { id } } }';
    const answered = sameRecords(await rest(`/v1/people?sort=id&filter[id.in]=${list(100).join(',')}`), await graphql(query, { ids: list(100) }), 'people');
    expect(answered).toEqual(personIds.slice(0, 3));
    sameRefusal(await rest(`/v1/people?filter[id.in]=${list(101).join(',')}`), await graphql(query, { ids: list(101) }), 'filter[id.in]', 'filter.id.in');
  });

  test('an unknown field is refused by both doors, each in its own shape', async () => {
    const restFilter = await rest('/v1/courses?filter[colour]=red');
    expect([restFilter.status, restFilter.body.errors?.[0]?.source]).toEqual([400, { parameter: 'filter[colour]' }]);
    graphqlInvalid(await graphql('{ courses(filter: { colour: { eq: "red" } }) { nodes { id } } }'));
    const restSort = await rest('/v1/courses?sort=colour');
    expect([restSort.status, restSort.body.errors?.[0]?.source]).toEqual([400, { parameter: 'sort' }]);
    graphqlInvalid(await graphql('{ courses(sort: [{ field: COLOUR }]) { nodes { id } } }'));
  });
});

describe('include depth', () => {
  /** courses → course_terms → course → course_terms …: `relationships` hops. */
  const restPath = (relationships: number) => Array.from({ length: relationships }, (_, i) => (i % 2 === 0 ? 'course_terms' : 'course')).join('.');
  /** The same hops as nested GraphQL selections, one record per level. */
  const selection = (relationships: number): string => {
    let inner = 'id';
    for (let i = relationships - 1; i >= 0; i--) inner = i % 2 === 0 ? `id courseTerms(first: 1) { nodes { ${inner} } }` : `id course { ${inner} }`;
    return inner;
  };
  const graphqlQuery = (relationships: number) => `{ courses(sort: [{ field: ID }], first: 1) { nodes { ${selection(relationships)} } } }`;

  test('seven relationships deep: both doors answer', async () => {
    const restAnswer = await rest(`/v1/courses?sort=id&page[size]=1&include=${restPath(7)}`);
    const graphqlAnswer = await graphql(graphqlQuery(7));
    sameRecords(restAnswer, graphqlAnswer, 'courses');
    expect(restAnswer.body).toHaveProperty('included');
  });

  test('eight relationships deep: refused by both doors', async () => {
    const restAnswer = await rest(`/v1/courses?page[size]=1&include=${restPath(8)}`);
    expect([restAnswer.status, restAnswer.body.errors?.[0]?.source]).toEqual([400, { parameter: 'include' }]);
    graphqlInvalid(await graphql(graphqlQuery(8)));
  });
});
