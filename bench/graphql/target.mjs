// The GraphQL twin of the REST benchmark for bench/run.mjs (`--targets
// floor,jsonapi,graphql`): the first 10 courses with all their attributes and
// all their terms' attributes, as GET /v1/courses?include=course_terms&page[size]=10
// answers, sent as a GET query (Apollo's CSRF prevention wants the
// apollo-require-preflight header on GETs) with the same valid JWT.
import { startApiServer } from '../targets.mjs';

const audit = 'effectiveStartDate effectiveEndDate lastModUserName lastModDate';
export const GRAPHQL_QUERY = `{ courses(first: 10) { nodes { id ${audit} schoolBulletinPrefixCode suffixTwo subjectAreaCode courseNumber courseIdentifier courseName courseDescription courseTerms(first: 100) { nodes { id ${audit} termIdentifier auditPermittedCode examCreditFlag } } } } }`;

export async function start(ctx) {
  const server = await startApiServer(ctx);
  const token = await ctx.issuer.token('read', { expiresIn: '2h' }); // outlives the longest run
  return {
    ...server,
    path: `/graphql?query=${encodeURIComponent(GRAPHQL_QUERY)}`,
    headers: { Authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true', Accept: 'application/json' },
  };
}
