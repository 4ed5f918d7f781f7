// The GraphQL twin of the JSON:API page for bench/run.mjs: the first 10 courses
// by course identifier with the fields PostGraphile is asked for and all their
// terms (bench/answers.mjs ourQuery), sent as a POST with a JSON body (as
// PostGraphile's query is) and the same valid JWT as the JSON:API target.
// `graphql+count` selects totalCount too.
import { ourQuery } from '../answers.mjs';
import { startApiServer } from '../targets.mjs';

export async function start(ctx) {
  const server = await startApiServer(ctx);
  const token = await ctx.issuer.token('read', { expiresIn: '2h' }); // outlives the longest run
  const request = (size) => ({
    path: '/graphql',
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query: ourQuery(size, ctx.count) }),
  });
  return { ...server, ...request(10), request };
}
