// OpenTelemetry traces, exported over OTLP/HTTP (protobuf) when the standard
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set;
// the other OTEL_* variables (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
// OTEL_TRACES_SAMPLER and its _ARG, OTEL_EXPORTER_OTLP_HEADERS,
// OTEL_BSP_*) mean what the specification says. Unset: nothing is loaded, no
// context manager or loader hook is installed, and tracing costs nothing.
//
// Started by src/main.ts before it imports the server, because the
// instrumentations patch modules as they load: node:http (server and client
// spans, W3C traceparent in and out; the route on the server span comes from
// requestTracing below),
// graphql (parse, validate and the operation's execute span; resolver spans
// come from ./graphql.ts, only for slow resolvers), Prisma (operation and
// database query spans) and undici (fetch: JWKS and introspection calls).
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { context, propagation, trace, type Context } from '@opentelemetry/api';
import type * as OtelCore from '@opentelemetry/core';

export interface Tracing {
  /** Exports the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

let active = false;
/** @opentelemetry/core, loaded with the SDK (the RPC metadata the HTTP instrumentation keeps per request). */
let core: typeof OtelCore | undefined;

/** Whether traces are being recorded (./graphql.ts adds resolver spans only then). */
export function tracingActive(): boolean {
  return active;
}

export function tracingRequested(env: Record<string, string | undefined> = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return false;
  return !!(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** The modules the loader hook may wrap (import-in-the-middle): the instrumented ones, nothing else. */
const HOOKED = ['graphql', 'http', 'https', 'node:http', 'node:https'];

export async function startTracing(env: Record<string, string | undefined> = process.env): Promise<Tracing | undefined> {
  if (!tracingRequested(env)) return undefined;
  // ESM imports are patched through a loader hook, registered before the server's modules load.
  const { register } = await import('node:module');
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: HOOKED } });
  const [
    { NodeTracerProvider, BatchSpanProcessor, RandomIdGenerator, TraceIdRatioBasedSampler, SamplingDecision },
    { OTLPTraceExporter },
    { registerInstrumentations },
    { HttpInstrumentation },
    { GraphQLInstrumentation },
    { UndiciInstrumentation },
    { PrismaInstrumentation },
    { defaultResource, detectResources, envDetector, resourceFromAttributes },
    otelCore,
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-proto'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-graphql'),
    import('@opentelemetry/instrumentation-undici'),
    import('@prisma/instrumentation'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
  ]);
  core = otelCore;
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'course-catalogue-api' }))
    .merge(detectResources({ detectors: [envDetector] }));
  // Sampling a request before its span (see headSampling below): the trace id the decision was
  // made on is the one the server span gets (the next root trace id asked of the id generator).
  const random = new RandomIdGenerator();
  let decidedTraceId: string | undefined;
  const idGenerator = {
    generateTraceId: () => {
      const id = decidedTraceId ?? random.generateTraceId();
      decidedTraceId = undefined;
      return id;
    },
    generateSpanId: () => random.generateSpanId(),
  };
  const provider = new NodeTracerProvider({ resource, idGenerator, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  const ratio = rootRatio(env);
  const ratioSampler = ratio === undefined ? undefined : new TraceIdRatioBasedSampler(ratio);
  /**
   * Head sampling of a request that starts a trace (no propagation header), with the configured
   * ratio sampler's own decision: false, the request is traced (the server span takes the trace id
   * decided on, so the SDK's sampler decides alike); true, it is not, and no span, attribute or
   * child span is made for it at all (the instrumentation's ignore path), which is most of what
   * tracing costs per request. Its log lines still carry a trace id of their own (unsampledIds).
   */
  const headSampling = (req: IncomingMessage): boolean => {
    decidedTraceId = undefined;
    if (!ratioSampler || propagated.some((field) => req.headers[field] !== undefined)) return false;
    const traceId = random.generateTraceId();
    if (ratioSampler.shouldSample(context.active(), traceId).decision === SamplingDecision.RECORD_AND_SAMPLED) {
      decidedTraceId = traceId;
      return false;
    }
    unsampledIds.set(req, { trace_id: traceId, span_id: random.generateSpanId() });
    return true;
  };
  // The AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  // The headers a caller's trace context comes in (W3C traceparent and tracestate), once registered.
  const propagated = propagation.fields();
  const probes = new Set(['/healthz', '/readyz']);
  // Query parameters whose values never reach a span (url.query, url.full), besides the instrumentation's own list.
  const secrets = ['access_token', 'refresh_token', 'id_token', 'id_token_hint', 'code', 'code_verifier', 'client_secret', 'token', 'password', 'state', 'sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature'];
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => probes.has((req.url ?? '').split('?')[0] ?? '') || headSampling(req),
        redactedQueryParams: secrets,
        redactedQueryParamsServer: secrets,
      }),
      // No Express instrumentation: the server span's route comes from requestTracing() below, the
      // metrics' rule; Express's patches of every layer cost about 3 % of throughput, sampled or not.
      // Resolver spans only above OTEL_RESOLVER_SPAN_MIN_MS (./graphql.ts): one per field would drown the trace.
      // allowValues off (its default): literal values in the operation's source are replaced by "*".
      new GraphQLInstrumentation({ ignoreResolveSpans: true, ignoreTrivialResolveSpans: true, allowValues: false }),
      new UndiciInstrumentation(),
      new PrismaInstrumentation(),
    ],
  });
  active = true;
  return {
    async shutdown() {
      active = false;
      await provider.shutdown();
    },
  };
}

type LogIds = { trace_id: string; span_id: string };

/** Requests the head sampler left out: the trace id their log lines carry. */
const unsampledIds = new WeakMap<IncomingMessage, LogIds>();
/** The same, by the context such a request runs in (the instrumentation's own for it; src/http/app.ts). */
const unsampledContexts = new WeakMap<Context, LogIds>();

/**
 * First for every request when tracing is on (src/http/app.ts). A request the head sampler left out
 * runs in a context of its own, which from here on names its trace id for log lines. A traced one
 * gets its route template (`routeOf`, the metrics' rule: `/v1/{type}/{id}` with our types, never an
 * id) as the server span's `http.route` and name (`GET /v1/courses/{id}`), through the HTTP
 * instrumentation's RPC metadata, as Express's instrumentation would set it. (Passed in, not
 * imported: this module loads before the modules the instrumentations patch.)
 */
export function requestTracing(routeOf: (req: Request, path: string, status: number) => string): RequestHandler {
  return (req, res, next) => {
    const active = context.active();
    const ids = unsampledIds.get(req);
    if (ids) unsampledContexts.set(active, ids);
    const metadata = core?.getRPCMetadata(active);
    if (metadata?.type === core?.RPCType.HTTP && metadata?.span.isRecording()) {
      const path = req.path;
      res.once('finish', () => {
        const route = routeOf(req, path, res.statusCode);
        if (route.startsWith('/')) metadata.route = route;
      });
    }
    next();
  };
}

/**
 * The sampling ratio of a request that starts a trace, from the standard OTEL_TRACES_SAMPLER
 * (traceidratio, parentbased_traceidratio) and OTEL_TRACES_SAMPLER_ARG; undefined for other samplers
 * (always_on by default), which the SDK applies as it always does.
 */
export function rootRatio(env: Record<string, string | undefined>): number | undefined {
  const sampler = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase();
  if (sampler !== 'traceidratio' && sampler !== 'parentbased_traceidratio') return undefined;
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  const ratio = arg ? Number(arg) : 1;
  // The SDK's own reading: a missing or invalid argument is 1.
  return Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : 1;
}

/** The active span's trace id, for log lines (src/http/logger.ts); undefined outside a request or span. */
export function currentTraceIds(): LogIds | undefined {
  const span = trace.getActiveSpan();
  if (!span) return unsampledContexts.get(context.active());
  // Unsampled too: the trace id still ties the lines of one request together.
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
