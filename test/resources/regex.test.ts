// Regular-expression filters are screened before any database sees them:
// patterns whose compiled form would be huge (counted repetition copies the
// NFA) or whose matching is exponential (back references) are 400s naming the
// parameter, through both doors, and never hold the server's thread (PGlite
// runs on it). Ordinary patterns still filter as before.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startJsonApi, type JsonApiTestContext } from '../jsonapi/support.js';
import { expectNoSlowerThan, probeWhile } from '../support/responsiveness.js';

let api: JsonApiTestContext;
beforeAll(async () => {
  api = await startJsonApi();
});
afterAll(async () => api?.stop());

const coursesQuery = 'query ($f: CourseFilter) { courses(filter: $f, first: 100) { totalCount nodes { courseIdentifier courseName courseDescription } } }';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are read loosely
async function graphql(query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${api.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: await res.json() };
}

const gql = (filter: unknown) => graphql(coursesQuery, { f: filter });

/** Runs `burst` while probing /healthz: test/support/responsiveness.ts. */
const whileProbing = <T>(burst: () => Promise<T>) => probeWhile(`${api.server.url}/healthz`, burst);

const regexParam = (field: string, pattern: string) => `filter[${field}.regex]=${encodeURIComponent(pattern)}`;

describe('ordinary patterns still filter, through both doors', () => {
  const cases: [field: string, graphqlField: string, pattern: string, js: RegExp][] = [
    ['course_name', 'courseName', '^Intro', /^Intro/],
    ['course_identifier', 'courseIdentifier', '[A-Z]{4}\\d{4}', /[A-Z]{4}\d{4}/],
    ['course_description', 'courseDescription', '(a|b)+c', /(a|b)+c/],
    ['course_name', 'courseName', '(?i)^intro', /^intro/i],
    ['course_name', 'courseName', '[[:upper:]]{4}', /[A-Z]{4}/],
    ['course_name', 'courseName', '(?i)^[a-zà-ÿ]+ to', /^[a-zà-ÿ]+ to/i],
  ];
  test.each(cases)('%s ~ %s', async (field, graphqlField, pattern, js) => {
    const all = await api.call('GET', '/v1/courses?page[size]=100');
    const expected = all.body.data.filter((c: { attributes: Record<string, string> }) => js.test(c.attributes[field]!)).map((c: { id: string }) => c.id).sort();
    const rest = await api.call('GET', `/v1/courses?page[size]=100&${regexParam(field, pattern)}`);
    expect(rest.status).toBe(200);
    expect(rest.body.data.map((c: { id: string }) => c.id).sort()).toEqual(expected);
    const graph = await gql({ [graphqlField]: { regex: pattern } });
    expect(graph.body.errors).toBeUndefined();
    expect(graph.body.data.courses.totalCount).toBe(expected.length);
  });

  test('the demo data gives these patterns something to find', async () => {
    const hits = await api.call('GET', `/v1/courses?${regexParam('course_identifier', '[A-Z]{4}\\d{4}')}`);
    expect(hits.body.data.length).toBeGreaterThan(0);
  });
});

describe('hostile patterns', () => {
  // Each of these takes from a few hundred milliseconds to seconds to compile in
  // PostgreSQL's regex engine (measured on PostgreSQL 15 and PGlite); all
  // distinct, so that no compiled-regex cache helps.
  const restPatterns = ['(.{0,90}){0,130}x', ...Array.from({ length: 9 }, (_, i) => `(.{0,40}){0,${80 + i}}x`)];
  const graphqlPatterns = ['((a?){0,8}){0,64}x', ...Array.from({ length: 9 }, (_, i) => `(.{0,${30 + i}}){0,100}y`)];

  test('are refused with 400 naming the parameter, at once through both doors, while /healthz keeps answering', async () => {
    // The same number of requests through the same doors with harmless patterns (each distinct), for comparison.
    const harmless = await whileProbing(() =>
      Promise.all([
        ...restPatterns.map((_, i) => api.call('GET', `/v1/courses?${regexParam('course_description', `(ab|cd)+x${i}`)}`)),
        ...graphqlPatterns.map((_, i) => gql({ courseDescription: { regex: `(ab|cd)+y${i}` } })),
      ]),
    );
    const { answers, latencies } = await whileProbing(() =>
      Promise.all([
        ...restPatterns.map((p) => api.call('GET', `/v1/courses?${regexParam('course_description', p)}`)),
        ...graphqlPatterns.map((p) => gql({ courseDescription: { regex: p } })),
      ]),
    );

    // Unscreened, each pattern holds PGlite (the server's own thread) for
    // 0.3-3 s, so every probe during the burst waits that long; screened, the
    // refusals cost no more than the harmless requests do.
    expectNoSlowerThan(latencies, harmless.latencies);

    for (const rest of answers.slice(0, restPatterns.length) as Awaited<ReturnType<JsonApiTestContext['call']>>[]) {
      expect(rest.status).toBe(400);
      expect(rest.body.errors[0]).toMatchObject({ status: '400', source: { parameter: 'filter[course_description.regex]' } });
      expect(rest.body.errors[0].detail).toMatch(/repeat/);
    }
    for (const graph of answers.slice(restPatterns.length) as Awaited<ReturnType<typeof gql>>[]) {
      expect(graph.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.courseDescription.regex' });
    }
  });

  test('the regex filters of one list share one budget', async () => {
    // Each costs 960 of the 1,000 a request may spend on regular expressions: fine alone, refused together.
    const [a, b] = ['(.{0,19}){0,5}x', '(.{0,19}){0,5}y'];
    expect((await api.call('GET', `/v1/courses?${regexParam('course_name', a)}`)).status).toBe(200);
    expect((await gql({ courseDescription: { regex: b } })).body.errors).toBeUndefined();
    const rest = await api.call('GET', `/v1/courses?${regexParam('course_name', a)}&${regexParam('course_description', b)}`);
    expect(rest.status).toBe(400);
    expect(rest.body.errors).toHaveLength(1);
    expect(rest.body.errors[0].source.parameter).toMatch(/^filter\[course_(name|description)\.regex\]$/);
    expect(rest.body.errors[0].detail).toMatch(/other regular expressions of this request already take 960/);
    const graph = await gql({ courseName: { regex: a }, courseDescription: { regex: b } });
    expect(graph.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(/^filter\.course(Name|Description)\.regex$/) });
  });

  test('back references, other syntaxes and out-of-range counts are 400s with their reason', async () => {
    const cases: [string, RegExp][] = [
      ['(a*)*\\1', /Back references/],
      ['(?b)\\(.\\{0,90\\}\\)\\{0,130\\}', /\(\?b\)/],
      ['(?x)( . {0,90} ){0,130}', /\(\?x\)/],
      ['a{256}', /at most 255/],
      ['(?#comment)a', /cannot be read/],
      ['x'.repeat(201), /at most 200 characters/],
    ];
    for (const [pattern, detail] of cases) {
      const rest = await api.call('GET', `/v1/courses?${regexParam('course_name', pattern)}`);
      expect(rest.status).toBe(400);
      expect(rest.body.errors[0].source).toEqual({ parameter: 'filter[course_name.regex]' });
      expect(rest.body.errors[0].detail).toMatch(detail);
      const graph = await gql({ courseName: { regex: pattern } });
      expect(graph.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.courseName.regex' });
      expect(graph.body.errors[0].message).toMatch(detail);
    }
  });
});

// The red team's finding: under (?i) PostgreSQL expands a bracket range one
// code point at a time (regc_locale.c, range()), so `[!-U+10FFFF]`, six
// characters, takes ~25 ms to compile on PGlite and 32 of them 0.5-1 s. Each
// pattern is distinct (a different leading character), as PostgreSQL caches
// compiled expressions by their text.
const fullRange = '[!-\u{10FFFF}]';
const caseInsensitiveRanges = (n: number, ranges = 32) => `(?i)${String.fromCodePoint(0x4e00 + n)}${fullRange.repeat(ranges)}`;
const restRegexFields = ['subject_area_code', 'course_name', 'course_description', 'course_identifier', 'course_number', 'school_bulletin_prefix_code', 'course_terms.term_identifier'];
const graphqlRegexFields = ['subjectAreaCode', 'courseName', 'courseDescription', 'courseIdentifier', 'courseNumber', 'schoolBulletinPrefixCode'];

describe('one request, one budget', () => {
  // Unscreened, each attack below holds PGlite (the server's own thread) for
  // seconds, so a probe of /healthz waits that long. Screened, the refusal
  // costs no more than the same request with harmless patterns.
  const harmlessPattern = (n: number) => `(?i)${String.fromCodePoint(0x4e00 + n)}[a-z]`;

  test("JSON:API: the red team's seven case-insensitive range filters are refused, each naming its parameter, while /healthz keeps answering", async () => {
    const query = restRegexFields.map((field, i) => regexParam(field, caseInsensitiveRanges(i))).join('&');
    const harmless = await whileProbing(() => api.call('GET', `/v1/courses?${restRegexFields.map((field, i) => regexParam(field, harmlessPattern(i))).join('&')}`));
    expect(harmless.answers.status).toBe(200);
    const { answers: rest, latencies } = await whileProbing(() => api.call('GET', `/v1/courses?${query}`));
    expect(rest.status).toBe(400);
    expect(rest.body.errors.map((e: { source: { parameter: string } }) => e.source.parameter).sort()).toEqual(restRegexFields.map((f) => `filter[${f}.regex]`).sort());
    for (const error of rest.body.errors) expect(error.detail).toMatch(/case-insensitive/);
    expectNoSlowerThan(latencies, harmless.latencies);
  });

  test("GraphQL: the red team's 15 aliases × 7 case-insensitive range filters are refused, naming the arguments, while /healthz keeps answering", async () => {
    // The attack's shape with 4 full ranges per pattern instead of 32: refused
    // alike, and unscreened it costs ~10 s instead of ~70 s.
    let n = 100;
    const pattern = () => JSON.stringify(caseInsensitiveRanges(n++, 4));
    const aliases = Array.from({ length: 15 }, (_, i) => {
      const filter = graphqlRegexFields.map((f) => `${f}: {regex: ${pattern()}}`).join(', ') + `, courseTerms: {termIdentifier: {regex: ${pattern()}}}`;
      return `a${i}: courses(first: 1, filter: {${filter}}) { totalCount }`;
    });
    // For comparison, harmless patterns: as many as a request may have (10), in two aliases, answered.
    let m = 100;
    const harmlessAliases = [0, 1].map((i) => {
      const filter = graphqlRegexFields.slice(0, 5).map((f) => `${f}: {regex: ${JSON.stringify(harmlessPattern(m++))}}`).join(', ');
      return `a${i}: courses(first: 1, filter: {${filter}}) { totalCount }`;
    });
    const harmless = await whileProbing(() => graphql(`{ ${harmlessAliases.join('\n')} }`));
    expect(harmless.answers.body.errors).toBeUndefined();
    const { answers: graph, latencies } = await whileProbing(() => graphql(`{ ${aliases.join('\n')} }`));
    // The lists are non-null: the first refusal nulls the whole answer (GraphQL spec §6.4.4), so at least one is reported.
    expect(graph.body.data).toBeNull();
    expect(graph.body.errors.length).toBeGreaterThan(0);
    for (const error of graph.body.errors) {
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(/^filter\.(\w+|courseTerms\.termIdentifier)\.regex$/) });
    }
    expect(graph.body.errors.map((e: { message: string }) => e.message).join('\n')).toMatch(/case-insensitive/);
    expectNoSlowerThan(latencies, harmless.latencies);
  });

  test('GraphQL: the lists of one request (aliases) share one regex budget', async () => {
    // (.{0,9}){0,5} costs 460 of the 1,000 a request may spend: two fit, the third does not.
    const aliases = [0, 1, 2].map((i) => `a${i}: courses(first: 1, filter: {courseName: {regex: ${JSON.stringify(`(.{0,9}){0,5}${i}`)}}}) { totalCount }`);
    const alone = await graphql(`{ ${aliases[2]} }`);
    expect(alone.body.errors).toBeUndefined();
    const graph = await graphql(`{ ${aliases.join('\n')} }`);
    expect(graph.body.errors).toHaveLength(1);
    expect(graph.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.courseName.regex' });
    expect(graph.body.errors[0].message).toMatch(/other regular expressions of this request already take 920/);
  });

  test('GraphQL: a nested list shares the budget of the list it is nested in', async () => {
    // 950 on the root list (it matches every course), 460 on the nested one.
    const query = `{ courses(first: 3, filter: {courseName: {regex: "(.{0,19}){0,5}"}}) { nodes { courseTerms(filter: {termIdentifier: {regex: "(.{0,9}){0,5}q"}}) { totalCount } } } }`;
    const nestedAlone = await graphql(`{ courses(first: 3) { nodes { courseTerms(filter: {termIdentifier: {regex: "(.{0,9}){0,5}q"}}) { totalCount } } } }`);
    expect(nestedAlone.body.errors).toBeUndefined();
    expect(nestedAlone.body.data.courses.nodes.length).toBeGreaterThan(0);
    const graph = await graphql(query);
    expect(graph.body.errors?.length).toBeGreaterThan(0);
    for (const error of graph.body.errors) {
      expect(error.path).toEqual(['courses', 'nodes', expect.any(Number), 'courseTerms']);
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.termIdentifier.regex' });
      expect(error.message).toMatch(/other regular expressions of this request already take 950/);
    }
  });

  test('a request may have at most 10 regex filters, however cheap', async () => {
    const aliases = Array.from({ length: 11 }, (_, i) => `a${i}: courses(first: 1, filter: {courseName: {regex: "^Intro${i}"}}) { totalCount }`);
    const ten = await graphql(`{ ${aliases.slice(0, 10).join('\n')} }`);
    expect(ten.body.errors).toBeUndefined();
    const eleven = await graphql(`{ ${aliases.join('\n')} }`);
    expect(eleven.body.errors).toHaveLength(1);
    expect(eleven.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.courseName.regex' });
    expect(eleven.body.errors[0].message).toMatch(/at most 10 regular-expression filters/);
  });
});
