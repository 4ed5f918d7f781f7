// The GraphQL door's share of metrics and traces, as an Apollo plugin:
// operation durations by type and name, refusals by limit (the `limit`
// extension of the operation limits' refusals, src/graphql/limits, and the
// parser's token limit), and, with traces on, a span for each resolver slower
// than OTEL_RESOLVER_SPAN_MIN_MS, under the operation's execute span (in
// sampled traces only). With neither on, it adds no hook to a request.
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { context, trace } from '@opentelemetry/api';
import type { GraphQLError, GraphQLResolveInfo } from 'graphql';
import { GRAPHQL_CODES } from '../graphql/codes.js';
import { countGraphqlRefusal, metricsEnabled, observeGraphqlOperation } from './metrics.js';
import { tracingActive } from './tracing.js';

/** The parser's refusal of a document over its token limit (graphql-js's wording). */
const TOKEN_LIMIT = /Document contains more than \d+ tokens/;

function limitOf(error: GraphQLError): string | undefined {
  const limit = error.extensions?.limit;
  if (error.extensions?.code === GRAPHQL_CODES.validationFailed && typeof limit === 'string') return limit;
  if (TOKEN_LIMIT.test(error.message)) return 'tokens';
  return undefined;
}

function pathOf(info: GraphQLResolveInfo): string {
  const parts: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) parts.unshift(p.key);
  return parts.join('.');
}

export function observabilityPlugin<C extends object>(options: { resolverSpanMinMs: number }): ApolloServerPlugin<C> {
  const tracer = trace.getTracer('course-catalogue-api/graphql');
  /* eslint-disable @typescript-eslint/require-await -- Apollo's hooks are typed to return Promises */
  return {
    async requestDidStart() {
      const metrics = metricsEnabled();
      // Resolver spans only in a sampled trace: Apollo's per-field hook costs every field of the operation.
      const tracing = tracingActive() && trace.getActiveSpan()?.isRecording() === true;
      if (!metrics && !tracing) return;
      const started = process.hrtime.bigint();
      let type: string | undefined;
      let name: string | null | undefined;
      const listener: GraphQLRequestListener<C> = {
        async didResolveOperation({ operation, operationName }) {
          type = operation?.operation;
          name = operationName;
        },
        async didEncounterErrors({ errors }) {
          if (!metrics) return;
          for (const error of errors) {
            const limit = limitOf(error);
            if (limit) countGraphqlRefusal(limit);
          }
        },
        async willSendResponse({ response }) {
          if (!metrics) return;
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          observeGraphqlOperation(type, name, errors?.length ? 'error' : 'ok', Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
      if (tracing) {
        const minMs = options.resolverSpanMinMs;
        listener.executionDidStart = async () => ({
          willResolveField({ info }) {
            const parent = context.active();
            const start = Date.now();
            const startHr = performance.now();
            return (error) => {
              const ms = performance.now() - startHr;
              if (ms < minMs) return;
              const span = tracer.startSpan(
                `graphql.resolve ${info.parentType.name}.${info.fieldName}`,
                {
                  startTime: start,
                  attributes: { 'graphql.field.name': info.fieldName, 'graphql.field.path': pathOf(info), 'graphql.field.type': String(info.returnType), 'graphql.resolve.duration_ms': Math.round(ms) },
                },
                parent,
              );
              if (error) span.recordException(error);
              span.end(start + ms);
            };
          },
        });
      }
      return listener;
    },
  };
  /* eslint-enable @typescript-eslint/require-await */
}
