// Traces from the built server (`node dist/src/main.js`, as npm start runs it:
// the SDK must load before the modules it patches) to a real OTLP/HTTP
// receiver started here: one trace per request, its HTTP, Express, GraphQL and
// database spans parented correctly, a caller's W3C traceparent continued, the
// request's log lines carrying its trace_id; and nothing when no endpoint is set.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnServer, type ServerProcess } from '../support/process.js';
import { StandInIssuer } from '../support/issuer.mjs';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

const SERVER = 2;
const CLIENT = 3;

let issuer: StandInIssuer;
let receiver: OtlpReceiver;
let traced: ServerProcess | undefined;
let untraced: ServerProcess | undefined;
let sampled: ServerProcess | undefined;
let token: string;

function stop(p: ServerProcess | undefined): Promise<unknown> {
  if (!p || p.child.exitCode !== null) return Promise.resolve();
  p.child.kill('SIGTERM');
  return p.exited;
}

function baseEnv(): Record<string, string> {
  return { ...issuer.env, DATA_DIR: 'memory://', DEMO_DATA: '0', LOG_LEVEL: 'info' };
}

const graphqlBody = JSON.stringify({ query: 'query CourseList { courses(first: 2) { totalCount nodes { courseName } } }', operationName: 'CourseList' });

beforeAll(async () => {
  issuer = await StandInIssuer.start();
  receiver = await startOtlpReceiver();
  token = await issuer.token('read');
  [traced, untraced, sampled] = await Promise.all([
    spawnServer({ ...baseEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_SERVICE_NAME: 'catalogue-under-test', OTEL_RESOLVER_SPAN_MIN_MS: '0' }),
    spawnServer(baseEnv()),
    spawnServer({ ...baseEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_SERVICE_NAME: 'catalogue-half', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }),
  ]);
}, 180_000);
afterAll(async () => {
  await Promise.all([stop(traced), stop(untraced), stop(sampled)]);
  await receiver?.stop();
  await issuer?.stop();
});

/** The spans of one trace, each with its ancestors' names, root first. */
function ancestry(spans: ReceivedSpan[], span: ReceivedSpan): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const names: string[] = [];
  for (let s: ReceivedSpan | undefined = byId.get(span.parentSpanId); s; s = byId.get(s.parentSpanId)) names.unshift(s.name);
  return names;
}

describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  const remoteTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
  const remoteParent = '00f067aa0ba902b7';
  let graphqlTrace: ReceivedSpan[];
  let jsonapiTrace: ReceivedSpan[];

  beforeAll(async () => {
    const before = receiver.spans.length;
    const g = await fetch(`${traced!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: `00-${remoteTrace}-${remoteParent}-01` },
      body: graphqlBody,
    });
    expect(g.status).toBe(200);
    const j = await fetch(`${traced!.url}/v1/courses?page[size]=2`, { headers: { accept: 'application/vnd.api+json', authorization: `Bearer ${token}` } });
    expect(j.status).toBe(200);
    expect((await fetch(`${traced!.url}/healthz`)).status).toBe(200);
    // Both requests' server spans, and each trace's database spans, have arrived.
    const servers = () => receiver.spans.slice(before).filter((s) => s.kind === SERVER);
    await receiver.until(() => servers().length >= 2 && servers().every((srv) => receiver.spans.some((s) => s.traceId === srv.traceId && /db_query/.test(s.name))));
    await new Promise((r) => setTimeout(r, 500)); // and whatever ended with them
    const fresh = receiver.spans.slice(before);
    const traceIds = [...new Set(servers().map((s) => s.traceId))];
    expect(traceIds).toHaveLength(2);
    graphqlTrace = fresh.filter((s) => s.traceId === remoteTrace);
    jsonapiTrace = fresh.filter((s) => s.traceId !== remoteTrace && traceIds.includes(s.traceId));
  }, 60_000);

  test('one trace per request, one server span each; probes are not traced', () => {
    for (const trace of [graphqlTrace, jsonapiTrace]) expect(trace.filter((s) => s.kind === SERVER)).toHaveLength(1);
    expect(receiver.spans.some((s) => s.attributes['url.path'] === '/healthz' || s.attributes['http.target'] === '/healthz')).toBe(false);
    expect(new Set([...graphqlTrace, ...jsonapiTrace].map((s) => s.service))).toEqual(new Set(['catalogue-under-test']));
  });

  test("the GraphQL request continues the caller's traceparent: HTTP → GraphQL → database", () => {
    const server = graphqlTrace.find((s) => s.kind === SERVER)!;
    expect(server.parentSpanId).toBe(remoteParent);
    // Every other span hangs from a span of the same trace.
    const ids = new Set(graphqlTrace.map((s) => s.spanId));
    for (const s of graphqlTrace) if (s !== server) expect(ids.has(s.parentSpanId)).toBe(true);
    const execute = graphqlTrace.find((s) => s.scope.includes('graphql') && s.name.startsWith('query'))!;
    expect(execute.name).toBe('query CourseList');
    expect(execute.attributes['graphql.operation.name']).toBe('CourseList');
    expect(ancestry(graphqlTrace, execute)[0]).toBe(server.name);
    // No span for each middleware or router the request passed (Apollo's is a middleware).
    expect(graphqlTrace.filter((s) => s.scope.includes('express')).map((s) => s.name)).toEqual([]);
    const dbQueries = graphqlTrace.filter((s) => /db_query/.test(s.name));
    expect(dbQueries.length).toBeGreaterThan(0);
    for (const q of dbQueries) {
      const above = ancestry(graphqlTrace, q);
      expect(above[0]).toBe(server.name);
      expect(above).toContain('query CourseList');
    }
    // Resolver spans (OTEL_RESOLVER_SPAN_MIN_MS=0 here: every resolver) hang under the operation.
    const resolver = graphqlTrace.find((s) => s.name === 'graphql.resolve Query.courses')!;
    expect(ancestry(graphqlTrace, resolver)).toContain('query CourseList');
  });

  test('the JSON:API request is a new trace: HTTP → database, and the JWKS/introspection client calls are client spans', () => {
    const server = jsonapiTrace.find((s) => s.kind === SERVER)!;
    expect(server.parentSpanId).toBe('');
    // The server span's route is the request's template (as the metrics' route label), never an id;
    // no span per middleware or router.
    expect(server.attributes['http.route']).toBe('/v1/courses');
    expect(server.name).toBe('GET /v1/courses');
    expect(jsonapiTrace.filter((s) => s.scope.includes('express')).map((s) => s.name)).toEqual([]);
    const dbQueries = jsonapiTrace.filter((s) => /db_query/.test(s.name));
    expect(dbQueries.length).toBeGreaterThan(0);
    for (const q of dbQueries) expect(ancestry(jsonapiTrace, q)[0]).toBe(server.name);
    // The issuer's keys were fetched (at start-up, outside any request) by fetch: a client span of its own.
    expect(receiver.spans.some((s) => s.kind === CLIENT && String(s.attributes['url.full'] ?? '').startsWith(issuer.jwksUri))).toBe(true);
  });

  test("every log line of a request carries its trace_id", () => {
    const lines = traced!.logs.flatMap((l) => l.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(completed.length).toBeGreaterThanOrEqual(2);
    expect(completed.map((l) => l.trace_id)).toEqual(expect.arrayContaining([remoteTrace, jsonapiTrace[0]!.traceId]));
  });
});

describe('with a ratio sampler (parentbased_traceidratio 0.5)', () => {
  test("about half the requests that start a trace are traced, each whole; a caller's decision is kept; every request's log lines carry a trace_id", async () => {
    const post = (headers: Record<string, string> = {}) =>
      fetch(`${sampled!.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, body: graphqlBody }).then(async (res) => {
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      });
    const n = 200;
    for (let i = 0; i < n; i++) await post();
    // The caller's decision: sampled (flags 01) always traced, not sampled (00) never.
    const kept = Array.from({ length: 5 }, (_, i) => `5${i}f92f3577b34da6a3ce929d0e0e4736`);
    const dropped = Array.from({ length: 5 }, (_, i) => `6${i}f92f3577b34da6a3ce929d0e0e4736`);
    for (const id of kept) await post({ traceparent: `00-${id}-00f067aa0ba902b7-01` });
    for (const id of dropped) await post({ traceparent: `00-${id}-00f067aa0ba902b7-00` });
    const servers = () => receiver.spans.filter((s) => s.service === 'catalogue-half' && s.kind === SERVER);
    await receiver.until(() => kept.every((id) => servers().some((s) => s.traceId === id)));
    await new Promise((r) => setTimeout(r, 500));
    const traced = new Set(servers().map((s) => s.traceId));
    for (const id of kept) expect(traced.has(id)).toBe(true);
    for (const id of dropped) expect(traced.has(id)).toBe(false);
    // 200 requests at 0.5: 100 expected (standard deviation 7); the ratio applied twice would give 50.
    const started = [...traced].filter((id) => !kept.includes(id));
    expect(started.length).toBeGreaterThanOrEqual(65);
    expect(started.length).toBeLessThanOrEqual(135);
    // Each traced request whole: its database spans under its GraphQL operation under its server span.
    for (const id of started) {
      const spans = receiver.spans.filter((s) => s.traceId === id);
      const query = spans.find((s) => /db_query/.test(s.name));
      expect(query && ancestry(spans, query)).toEqual(expect.arrayContaining(['POST /graphql', 'query CourseList']));
    }
    // Every request's line carries a trace_id: the exported trace's when traced, one of its own when not.
    const completed = sampled!.logs
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request completed' && (l.req as { url?: string }).url === '/graphql');
    expect(completed).toHaveLength(n + kept.length + dropped.length);
    const logged = completed.map((l) => l.trace_id);
    for (const id of logged) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(logged).size).toBe(logged.length);
    for (const id of traced) expect(logged).toContain(id);
  }, 120_000);
});

describe('without an endpoint', () => {
  test('nothing is exported and log lines carry no trace_id', async () => {
    const before = receiver.requests;
    const res = await fetch(`${untraced!.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: graphqlBody });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(receiver.requests).toBe(before);
    const completed = untraced!.logs.filter((l) => l.includes('"request completed"'));
    expect(completed.length).toBeGreaterThanOrEqual(1);
    for (const line of completed) expect(line).not.toContain('trace_id');
  });
});
