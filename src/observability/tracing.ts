// OpenTelemetry traces, exported over OTLP/HTTP (protobuf) when the standard
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set;
// the other OTEL_* variables (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
// OTEL_TRACES_SAMPLER and its _ARG, OTEL_EXPORTER_OTLP_HEADERS,
// OTEL_BSP_*) mean what the specification says. Unset: nothing is loaded, no
// context manager or loader hook is installed, and tracing costs nothing.
//
// Started by src/main.ts before it imports the server, because the
// instrumentations patch modules as they load: node:http (server and client
// spans, W3C traceparent in and out), Express (the route on the server span;
// no span per middleware or router),
// graphql (parse, validate and the operation's execute span; resolver spans
// come from ./graphql.ts, only for slow resolvers), Prisma (operation and
// database query spans) and undici (fetch: JWKS and introspection calls).
import { trace } from '@opentelemetry/api';

export interface Tracing {
  /** Exports the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

let active = false;

/** Whether traces are being recorded (./graphql.ts adds resolver spans only then). */
export function tracingActive(): boolean {
  return active;
}

export function tracingRequested(env: Record<string, string | undefined> = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return false;
  return !!(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** The modules the loader hook may wrap (import-in-the-middle): the instrumented ones, nothing else. */
const HOOKED = ['express', 'router', 'graphql', 'http', 'https', 'node:http', 'node:https'];

export async function startTracing(env: Record<string, string | undefined> = process.env): Promise<Tracing | undefined> {
  if (!tracingRequested(env)) return undefined;
  // ESM imports are patched through a loader hook, registered before the server's modules load.
  const { register } = await import('node:module');
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: HOOKED } });
  const [
    { NodeTracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { registerInstrumentations },
    { HttpInstrumentation },
    { ExpressInstrumentation, ExpressLayerType },
    { GraphQLInstrumentation },
    { UndiciInstrumentation },
    { PrismaInstrumentation },
    { defaultResource, detectResources, envDetector, resourceFromAttributes },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-proto'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-graphql'),
    import('@opentelemetry/instrumentation-undici'),
    import('@prisma/instrumentation'),
    import('@opentelemetry/resources'),
  ]);
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'course-catalogue-api' }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  // The AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  const probes = new Set(['/healthz', '/readyz']);
  // Query parameters whose values never reach a span (url.query, url.full), besides the instrumentation's own list.
  const secrets = ['access_token', 'refresh_token', 'id_token', 'id_token_hint', 'code', 'code_verifier', 'client_secret', 'token', 'password', 'state', 'sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature'];
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => probes.has((req.url ?? '').split('?')[0] ?? ''),
        redactedQueryParams: secrets,
        redactedQueryParamsServer: secrets,
      }),
      // The route on the server span (http.route), without a span for each middleware or router a
      // request passes: those (a router's ends as it starts) cost on every request, sampled or not.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
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

/** The active span's trace id, for log lines (src/http/logger.ts); undefined outside a sampled span. */
export function currentTraceIds(): { trace_id: string; span_id: string } | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  // Unsampled too: the trace id still ties the lines of one request together.
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
