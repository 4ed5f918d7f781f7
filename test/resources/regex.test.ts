// Regular-expression filters are screened before any database sees them:
// patterns whose compiled form would be huge (counted repetition copies the
// NFA) or whose matching is exponential (back references) are 400s naming the
// parameter, through both doors, and never hold the server's thread (PGlite
// runs on it). Ordinary patterns still filter as before.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startJsonApi, type JsonApiTestContext } from '../jsonapi/support.js';

let api: JsonApiTestContext;
beforeAll(async () => {
  api = await startJsonApi();
});
afterAll(async () => api?.stop());

const coursesQuery = 'query ($f: CourseFilter) { courses(filter: $f, first: 100) { totalCount nodes { courseIdentifier courseName courseDescription } } }';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are read loosely
async function gql(filter: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${api.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
    body: JSON.stringify({ query: coursesQuery, variables: { f: filter } }),
  });
  return { status: res.status, body: await res.json() };
}

const regexParam = (field: string, pattern: string) => `filter[${field}.regex]=${encodeURIComponent(pattern)}`;

describe('ordinary patterns still filter, through both doors', () => {
  const cases: [field: string, graphqlField: string, pattern: string, js: RegExp][] = [
    ['course_name', 'courseName', '^Intro', /^Intro/],
    ['course_identifier', 'courseIdentifier', '[A-Z]{4}\\d{4}', /[A-Z]{4}\d{4}/],
    ['course_description', 'courseDescription', '(a|b)+c', /(a|b)+c/],
    ['course_name', 'courseName', '(?i)^intro', /^intro/i],
    ['course_name', 'courseName', '[[:upper:]]{4}', /[A-Z]{4}/],
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
    const latencies: number[] = [];
    let burstDone = false;
    const probe = (async () => {
      // Probe one after another until the burst is answered, and at least a few times.
      while (!burstDone || latencies.length < 5) {
        const started = performance.now();
        const res = await fetch(`${api.server.url}/healthz`);
        await res.text();
        latencies.push(performance.now() - started);
      }
    })();
    const burst = Promise.all([
      ...restPatterns.map((p) => api.call('GET', `/v1/courses?${regexParam('course_description', p)}`)),
      ...graphqlPatterns.map((p) => gql({ courseDescription: { regex: p } })),
    ]).finally(() => {
      burstDone = true;
    });
    const answers = await burst;
    await probe;

    // Unscreened, each pattern holds PGlite (the server's own thread) for
    // 0.3-3 s, so every probe during the burst waits that long. Screened, a
    // probe is a few milliseconds; a loaded 2-core machine may still delay one
    // probe, so the median carries the 100 ms bound and the slowest one 1 s.
    latencies.sort((a, b) => a - b);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(100);
    expect(latencies[latencies.length - 1]).toBeLessThan(1_000);

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
    // Each costs 960 of the 1,000 a list may spend on regular expressions: fine alone, refused together.
    const [a, b] = ['(.{0,19}){0,5}x', '(.{0,19}){0,5}y'];
    expect((await api.call('GET', `/v1/courses?${regexParam('course_name', a)}`)).status).toBe(200);
    expect((await gql({ courseDescription: { regex: b } })).body.errors).toBeUndefined();
    const rest = await api.call('GET', `/v1/courses?${regexParam('course_name', a)}&${regexParam('course_description', b)}`);
    expect(rest.status).toBe(400);
    expect(rest.body.errors).toHaveLength(1);
    expect(rest.body.errors[0].source.parameter).toMatch(/^filter\[course_(name|description)\.regex\]$/);
    expect(rest.body.errors[0].detail).toMatch(/other regular expressions of this query already take 960/);
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
