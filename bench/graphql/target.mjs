// The GraphQL twin of the JSON:API page for bench/run.mjs: the first 10 courses
// by course identifier with the fields PostGraphile is asked for and all their
// terms (bench/answers.mjs ourQuery), sent as a POST with a JSON body (as
// PostGraphile's query is) and the same valid JWT as the JSON:API target.
// `graphql+count` selects totalCount too.
import { ourQuery } from '../answers.mjs';
import { startApiServer } from '../targets.mjs';

/** The GraphQL page request at a page size, with a token that outlives the longest run (also for bench/metrics, bench/tracing). */
export async function graphqlRequest(ctx) {
  const token = await ctx.issuer.token('read', { expiresIn: '2h' });
  return (size) => ({
    path: '/graphql',
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query: ourQuery(size, ctx.count) }),
  });
}

export async function start(ctx) {
  const server = await startApiServer(ctx);
  const request = await graphqlRequest(ctx);
  return { ...server, ...request(10), request };
}
