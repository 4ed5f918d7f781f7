// The `graphql` target (bench/graphql/target.mjs) with OpenTelemetry traces on,
// sampled at 10 % (OTEL_TRACES_SAMPLER=parentbased_traceidratio, ARG 0.1), and
// exported over OTLP/HTTP to a sink in this process that takes every batch
// and answers 200: `--targets graphql,tracing` shows what tracing costs.
import { createServer } from 'node:http';
import { graphqlRequest } from '../graphql/target.mjs';
import { startWithEnv } from '../metrics/env.mjs';

export async function start(ctx) {
  let spans = 0;
  const sink = createServer((req, res) => {
    req.on('data', () => spans++);
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const server = await startWithEnv(ctx, {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sink.address().port}`,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: process.env.BENCH_TRACES_SAMPLER_ARG ?? '0.1',
    OTEL_SERVICE_NAME: 'course-catalogue-bench',
  });
  const request = await graphqlRequest(ctx);
  return {
    ...server,
    ...request(10),
    request,
    async stop() {
      await server.stop();
      console.log(`tracing: the sink took ${spans} chunks of exported spans`);
      await new Promise((resolve) => sink.close(resolve));
    },
  };
}
