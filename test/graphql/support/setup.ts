// One real server (fresh database, demo catalogue) trusting a test issuer,
// with a GraphQL client and tokens of the usual scopes.
import { StandInIssuer } from '../../support/issuer.mjs';
import { startTestServer, type TestServer } from '../../support/server.js';
import { graphqlClient, type GraphQLClient } from './client.js';

export interface GraphQLTestRig {
  server: TestServer;
  issuer: StandInIssuer;
  gql: GraphQLClient;
  /** read create update delete */
  allScopes: string;
  readOnly: string;
  stop(): Promise<void>;
}

export async function startGraphQLRig(env: Record<string, string> = {}): Promise<GraphQLTestRig> {
  const issuer = await StandInIssuer.start();
  const server = await startTestServer({ ...issuer.env, DEMO_DATA: '1', ...env });
  return {
    server,
    issuer,
    gql: graphqlClient(server.url),
    allScopes: await issuer.token('read create update delete'),
    readOnly: await issuer.token('read'),
    async stop() {
      await server.stop();
      await issuer.stop();
    },
  };
}
