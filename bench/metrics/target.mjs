// The `graphql` target (bench/graphql/target.mjs) with Prometheus metrics on
// (METRICS_PORT, a listener of its own; docs/operations.md): the same request,
// so `--targets graphql,metrics` shows what counting costs. /metrics is
// scraped every 15 s during the run, as a Prometheus server would.
import { graphqlRequest } from '../graphql/target.mjs';
import { startWithEnv } from './env.mjs';

export async function start(ctx) {
  // Far from the API ports the bench hands out one by one (18100, 18101, …).
  const metricsPort = ctx.port + 10_000;
  const server = await startWithEnv(ctx, { METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' });
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const scrape = setInterval(() => fetch(metricsUrl).then((r) => r.text()).catch(() => undefined), 15_000);
  const request = await graphqlRequest(ctx);
  return {
    ...server,
    ...request(10),
    request,
    async stop() {
      clearInterval(scrape);
      await server.stop();
    },
  };
}
