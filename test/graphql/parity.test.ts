// The two doors answer the same questions with the same records: a list with
// filter + sort + page, one record by id, a nested include, a search and a
// relationship-path filter, through /graphql and /v1/… on one server.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { ResourceDescription } from '../../src/resources/description.js';
import { resources } from '../../src/resources/registry.js';
import { startGraphQLRig, type GraphQLTestRig } from './support/setup.js';

let rig: GraphQLTestRig;
beforeAll(async () => {
  rig = await startGraphQLRig();
});
afterAll(async () => rig?.stop());

interface JsonApiResource {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, { data: { id: string } | { id: string }[] | null }>;
}

async function rest(path: string): Promise<{ data: JsonApiResource | JsonApiResource[]; included?: JsonApiResource[]; meta?: { pagination?: { count: number } } }> {
  const res = await fetch(`${rig.server.url}${path}`, { headers: { accept: 'application/vnd.api+json', authorization: `Bearer ${rig.readOnly}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as never;
}

async function graphql<T>(query: string): Promise<T> {
  const r = await rig.gql(query, {}, rig.readOnly);
  expect(r.errors).toBeUndefined();
  return r.data as T;
}

/** A JSON:API resource object as the GraphQL door names it: id and camelCase attributes. */
function asGraphQL(description: ResourceDescription, resource: JsonApiResource): Record<string, unknown> {
  const record: Record<string, unknown> = { id: resource.id };
  for (const a of description.attributes) record[a.field] = resource.attributes[a.external];
  return record;
}

const fields = (d: ResourceDescription) => ['id', ...d.attributes.map((a) => a.field)].join(' ');
const { course, courseTerm, instructor } = resources;

test('a list with filter, sort and a page', async () => {
  const restDoc = await rest('/v1/courses?filter[course_name.icontains]=accounting&sort=-course_identifier&page[size]=1&page[number]=2');
  const gql = await graphql<{ courses: { totalCount: number; nodes: Record<string, unknown>[] } }>(
    `{ courses(filter: { courseName: { icontains: "accounting" } }, sort: [{ field: COURSE_IDENTIFIER, direction: DESC }], offset: 1, limit: 1) { totalCount nodes { ${fields(course)} } } }`,
  );
  expect(gql.courses.nodes).toEqual((restDoc.data as JsonApiResource[]).map((r) => asGraphQL(course, r)));
  expect(gql.courses.nodes).toHaveLength(1);
  expect(gql.courses.totalCount).toBe(restDoc.meta!.pagination!.count);
});

test('one record by id', async () => {
  const id = '31786aff-a593-46ca-8748-6e2c78107739';
  const restDoc = await rest(`/v1/courses/${id}`);
  const gql = await graphql<{ course: Record<string, unknown> }>(`{ course(id: "${id}") { ${fields(course)} } }`);
  expect(gql.course).toEqual(asGraphQL(course, restDoc.data as JsonApiResource));
});

test('a nested include: courses with their terms', async () => {
  const restDoc = await rest('/v1/courses?include=course_terms&sort=course_identifier&page[size]=5');
  const gql = await graphql<{ courses: { nodes: (Record<string, unknown> & { courseTerms: { nodes: Record<string, unknown>[] } })[] } }>(
    `{ courses(sort: [{ field: COURSE_IDENTIFIER }], first: 5) { nodes { ${fields(course)} courseTerms(first: 100) { nodes { ${fields(courseTerm)} } } } } }`,
  );
  const included = new Map((restDoc.included ?? []).map((r) => [`${r.type}/${r.id}`, r]));
  const expected = (restDoc.data as JsonApiResource[]).map((c) => ({
    ...asGraphQL(course, c),
    terms: ((c.relationships!.course_terms!.data as { id: string }[]) ?? []).map((link) => asGraphQL(courseTerm, included.get(`course_terms/${link.id}`)!)),
  }));
  const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.id).localeCompare(String(b.id));
  const actual = gql.courses.nodes.map(({ courseTerms, ...c }) => ({ ...c, terms: [...courseTerms.nodes].sort(byId) }));
  expect(actual).toEqual(expected.map((c) => ({ ...c, terms: [...c.terms].sort(byId) })));
  expect(actual.flatMap((c) => c.terms).length).toBeGreaterThan(0);
});

test('search and a relationship-path filter', async () => {
  const restSearch = await rest('/v1/courses?filter[search]=accounting value&sort=course_identifier');
  const gqlSearch = await graphql<{ courses: { nodes: { id: string }[] } }>(`{ courses(search: "accounting value", sort: [{ field: COURSE_IDENTIFIER }]) { nodes { id } } }`);
  expect(gqlSearch.courses.nodes.map((n) => n.id)).toEqual((restSearch.data as JsonApiResource[]).map((r) => r.id));
  expect(gqlSearch.courses.nodes.length).toBeGreaterThan(0); // agreeing on nothing is no parity

  const restPath = await rest('/v1/instructors?filter[course_name.icontains]=body&sort=id');
  const gqlPath = await graphql<{ instructors: { nodes: Record<string, unknown>[] } }>(
    `{ instructors(filter: { courseTerms: { course: { courseName: { icontains: "body" } } } }, sort: [{ field: ID }]) { nodes { ${fields(instructor)} } } }`,
  );
  expect(gqlPath.instructors.nodes).toEqual((restPath.data as JsonApiResource[]).map((r) => asGraphQL(instructor, r)));
  expect(gqlPath.instructors.nodes.length).toBeGreaterThan(0);
});
