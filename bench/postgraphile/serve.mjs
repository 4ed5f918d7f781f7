// PostGraphile v4 (from bench/.peer) served on node:http, as a child process of
// bench/postgraphile/target.mjs:  node serve.mjs PORT DATABASE_URL PEER_DIR
// Tells its parent it is ready once the GraphQL schema is built.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [, , port, databaseUrl, peerDir] = process.argv;
const require = createRequire(join(peerDir, 'package.json'));
const { postgraphile } = require('postgraphile');
const pg = require('pg');

const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const handler = postgraphile(pool, 'public', {
  disableDefaultMutations: true,
  disableQueryLog: true,
  graphiql: false,
  watchPg: false,
  retryOnInitFail: false,
  enableCors: false,
});
await handler.getGraphQLSchema();
const server = createServer(handler);
await new Promise((resolve) => server.listen(Number(port), '127.0.0.1', resolve));
process.send?.({ ready: `http://127.0.0.1:${port}` });
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => pool.end().then(() => process.exit(0)));
});
