// Protection: depth, cost, aliases and page sizes are refused before anything
// runs; introspection follows the setting; CSRF prevention is on; malformed
// requests get clear 4xx answers, never a 500.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { codes } from './support/client.js';
import { startGraphQLRig, type GraphQLTestRig } from './support/setup.js';

describe('limits (defaults: depth 8, cost 5000, aliases 15)', () => {
  let rig: GraphQLTestRig;
  beforeAll(async () => {
    rig = await startGraphQLRig({ GRAPHQL_MAX_DEPTH: '4', GRAPHQL_MAX_COST: '1000' });
  });
  afterAll(async () => rig?.stop());

  test('depth counts records, not connection wrappers', async () => {
    const four = '{ courses(first: 1) { edges { node { courseTerms(first: 1) { nodes { course { courseTerms(first: 1) { totalCount } } } } } } } }';
    expect((await rig.gql(four, {}, rig.readOnly)).errors).toBeUndefined();
    const five = '{ courses(first: 1) { nodes { courseTerms(first: 1) { nodes { course { courseTerms(first: 1) { nodes { course { id } } } } } } } } }';
    const r = await rig.gql(five, {}, rig.readOnly);
    expect(r.status).toBe(400);
    expect(codes(r)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(r.errors![0]!.message).toBe('The operation nests records 5 levels deep; at most 4 are allowed.');
  });

  test('depth through fragments is counted; cyclic fragments are refused, not followed', async () => {
    const viaFragments = `
      query { courses(first: 1) { nodes { ...C } } }
      fragment C on Course { courseTerms(first: 1) { nodes { ...T } } }
      fragment T on CourseTerm { course { courseTerms(first: 1) { nodes { course { id } } } } }`;
    expect((await rig.gql(viaFragments, {}, rig.readOnly)).errors![0]!.message).toContain('5 levels deep');
    const cyclic = `query { courses { nodes { ...A } } } fragment A on Course { courseTerms { nodes { course { ...A } } } }`;
    const r = await rig.gql(cyclic, {}, rig.readOnly);
    expect(r.status).toBe(400);
    expect(r.errors!.some((e) => /Cannot spread fragment "A" within itself/.test(e.message))).toBe(true);
  });

  test('cost multiplies page sizes, given literally or as variables', async () => {
    const cheap = '{ courses(first: 10) { nodes { courseTerms(first: 10) { nodes { id } } } } }';
    expect((await rig.gql(cheap, {}, rig.readOnly)).errors).toBeUndefined();
    const costly = '{ courses(first: 100) { nodes { courseTerms(first: 100) { nodes { id } } } } }';
    const r = await rig.gql(costly, {}, rig.readOnly);
    expect(r.status).toBe(400);
    expect(r.errors![0]!.message).toMatch(/^The operation may return about 10201 records; at most 1000 are allowed/);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', cost: 10201, maxCost: 1000 });
    const sizes = 'query($n: Int, $m: Int) { courses(first: $n) { nodes { courseTerms(first: $m) { nodes { id } } } } }';
    expect((await rig.gql(sizes, { n: 10, m: 10 }, rig.readOnly)).errors).toBeUndefined();
    const variable = await rig.gql(sizes, { n: 100, m: 100 }, rig.readOnly);
    expect(variable.status).toBe(400);
    expect(variable.errors![0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', cost: 10201 });
  });

  test("a document Apollo has already validated (and cached) is still checked with each request's variables", async () => {
    const sizes = 'query Cached($n: Int) { courses(first: $n) { nodes { courseTerms(first: $n) { nodes { id } } } } }';
    expect((await rig.gql(sizes, { n: 10 }, rig.readOnly)).errors).toBeUndefined();
    const again = await rig.gql(sizes, { n: 100 }, rig.readOnly);
    expect(again.status).toBe(400);
    expect(again.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', cost: 10201 }) })]);
  });

  test("cost counts a variable's declared default when the variable is not passed", async () => {
    const defaulted = 'query($n: Int = 100) { courses(first: $n) { nodes { courseTerms(first: $n) { nodes { id } } } } }';
    const r = await rig.gql(defaulted, {}, rig.readOnly);
    expect(r.status).toBe(400);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', cost: 10201 });
    // passed values override the default, both ways
    expect((await rig.gql(defaulted, { n: 10 }, rig.readOnly)).errors).toBeUndefined();
    const small = 'query($n: Int = 10) { courses(first: $n) { nodes { courseTerms(first: $n) { nodes { id } } } } }';
    expect((await rig.gql(small, {}, rig.readOnly)).errors).toBeUndefined();
    expect((await rig.gql(small, { n: 100 }, rig.readOnly)).errors![0]!.extensions).toMatchObject({ limit: 'cost', cost: 10201 });
  });

  test('outside production, bad names and enum values get suggestions', async () => {
    const r = await rig.gql('{ courses(sort: [{ field: COURSE_NAM }]) { totalCount } }', {}, rig.readOnly);
    expect(r.status).toBe(400);
    expect(r.errors![0]!.message).toMatch(/Did you mean the enum value "COURSE_NAME"/);
  });

  test('aliases are limited', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: courses(first: 1) { totalCount }`).join(' ');
    const r = await rig.gql(`{ ${aliases} }`, {}, rig.readOnly);
    expect(r.status).toBe(400);
    expect(r.errors![0]!.message).toMatch(/aliases/i);
    // every operation of a document is held to it, not only the one to run (graphql-js validates them all)
    const other = await fetch(`${rig.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${rig.readOnly}` },
      body: JSON.stringify({ query: `query Small { courses(first: 1) { totalCount } } query Big { ${aliases} }`, operationName: 'Small' }),
    });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/aliases/i);
  });

  test('documents over 5000 tokens are refused by the parser', async () => {
    const r = await rig.gql(`{ ${'__typename '.repeat(5001)} }`, {}, rig.readOnly);
    expect(r.status).toBe(400);
    expect(r.errors![0]!.message).toMatch(/Document contains more tha[nt] 5000 tokens/); // graphql-js 16 writes "more that"
  });

  test('page sizes above 100 are refused', async () => {
    const r = await rig.gql('{ courses(limit: 5000) { totalCount } }', {}, rig.readOnly);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'limit' });
  });

  test('introspection is on outside production; the playground page is served to browsers', async () => {
    const r = await rig.gql('{ __schema { queryType { name } } }');
    expect(r.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const page = await fetch(`${rig.server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('/graphql/assets/graphiql.min.js');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[a-z]/i);
    for (const asset of ['graphiql.min.js', 'graphiql.min.css', 'react.production.min.js', 'react-dom.production.min.js']) {
      expect((await fetch(`${rig.server.url}/graphql/assets/${asset}`)).status).toBe(200);
    }
    expect((await fetch(`${rig.server.url}/graphql/assets/..%2Fpackage.json`)).status).toBe(404);
  });
});

describe('malformed requests are clear 4xx errors', () => {
  let rig: GraphQLTestRig;
  beforeAll(async () => {
    rig = await startGraphQLRig();
  });
  afterAll(async () => rig?.stop());
  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${rig.server.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${rig.readOnly}`, ...headers }, body });

  test.each([
    ['invalid JSON', '{"query": ', 400],
    ['empty object', '{}', 400],
    ['query not a string', '{"query": 42}', 400],
    ['variables not an object', '{"query": "{ __typename }", "variables": [1]}', 400],
    ['syntax error', '{"query": "{ courses { "}', 400],
    ['unknown field', '{"query": "{ nope }"}', 400],
    ['batch (an array)', '[{"query": "{ __typename }"}]', 400],
    ['wrong variable type', '{"query": "query($n: Int) { courses(first: $n) { totalCount } }", "variables": {"n": "ten"}}', 400],
    ['unknown operation name', '{"query": "query A { __typename }", "operationName": "B"}', 400],
    ['huge int', '{"query": "{ courses(first: 99999999999) { totalCount } }"}', 400],
  ])('%s → %d', async (_name, body, status) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(json.errors[0]!.message.length).toBeGreaterThan(5);
    expect(json.errors[0]!.extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
  });

  test('a body over the size limit is 413', async () => {
    const res = await post(JSON.stringify({ query: `{ __typename } # ${'x'.repeat(200_000)}` }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });

  test('CSRF prevention: a simple (non-JSON) POST or a GET without a preflight header is refused', async () => {
    const form = await post('query={__typename}', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
    expect(await form.text()).toMatch(/CSRF|preflight|Content-Type/i);
    const get = await fetch(`${rig.server.url}/graphql?query=${encodeURIComponent('{ courses { totalCount } }')}`, { headers: { authorization: `Bearer ${rig.readOnly}` } });
    expect(get.status).toBe(400);
    const preflighted = await fetch(`${rig.server.url}/graphql?query=${encodeURIComponent('{ courses { totalCount } }')}`, {
      headers: { authorization: `Bearer ${rig.readOnly}`, 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.status).toBe(200);
    const mutationOverGet = await fetch(`${rig.server.url}/graphql?query=${encodeURIComponent('mutation { deleteCourse(id: "x") }')}`, {
      headers: { authorization: `Bearer ${rig.readOnly}`, 'apollo-require-preflight': 'true' },
    });
    expect(mutationOverGet.status).toBe(405);
  });
});

describe('production', () => {
  let rig: GraphQLTestRig;
  beforeAll(async () => {
    rig = await startGraphQLRig({ NODE_ENV: 'production', DEV_AUTH_SERVER: '0' });
  });
  afterAll(async () => rig?.stop());

  test('introspection is off and field suggestions are not given', async () => {
    const r = await rig.gql('{ __schema { queryType { name } } }', {}, rig.readOnly);
    expect(r.status).toBe(400);
    expect(r.errors![0]!.message).toMatch(/introspection/i);
    const typo = await rig.gql('{ course { courseNam } }', {}, rig.readOnly);
    expect(JSON.stringify(typo.errors)).not.toMatch(/Did you mean/);
  });

  test('enum values, input fields and arguments get no suggestions either, in the document or in variables', async () => {
    const literal = await rig.gql('{ courses(sort: [{ field: COURSE_NAM }]) { totalCount } }', {}, rig.readOnly);
    expect(literal.status).toBe(400);
    expect(literal.errors![0]!.message).toBe('Value "COURSE_NAM" does not exist in "CourseSortField" enum.');
    const sort = 'query($s: [CourseSort!]) { courses(sort: $s) { totalCount } }';
    const variable = await rig.gql(sort, { s: [{ field: 'COURSE_NAM' }] }, rig.readOnly);
    expect(variable.status).toBe(400);
    expect(variable.errors![0]!.message).toMatch(/Value "COURSE_NAM" does not exist in "CourseSortField" enum\.$/);
    const inputField = await rig.gql(sort, { s: [{ feld: 'COURSE_NAME' }] }, rig.readOnly);
    expect(inputField.status).toBe(400);
    expect(inputField.errors!.map((e) => e.message)).toContainEqual(expect.stringMatching(/Field "feld" is not defined by type "CourseSort"\.$/));
    const argument = await rig.gql('{ courses(frist: 1) { totalCount } }', {}, rig.readOnly);
    expect(argument.status).toBe(400);
    expect(argument.errors!.map((e) => e.message)).toContain('Unknown argument "frist" on field "Query.courses".');
    for (const r of [literal, variable, inputField, argument]) expect(JSON.stringify(r.errors)).not.toMatch(/Did you mean/);
  });
});
