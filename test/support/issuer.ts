// A tiny real OAuth token issuer for tests: a node:http server with real keys
// serving OIDC discovery and its JWKS, and a function that signs access tokens.
// Point the server at it with `issuer.env` (OAUTH_ISSUER/AUDIENCE/JWKS_URI).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export interface TestIssuer {
  url: string;
  audience: string;
  /** Environment for startTestServer: trust this issuer, no built-in server. */
  env: Record<string, string>;
  /** Signs an access token (RFC 9068) with these scopes; claims override the defaults. */
  token(scope: string | readonly string[], claims?: JWTPayload & { expiresIn?: string }): Promise<string>;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  stop(): Promise<void>;
}

export async function startTestIssuer(options: { audience?: string } = {}): Promise<TestIssuer> {
  const audience = options.audience ?? 'https://api.test/catalogue';
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  let fetches = 0;
  let url = '';
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer: url, jwks_uri: `${url}/jwks`, token_endpoint: `${url}/token`, authorization_endpoint: `${url}/auth` }));
    } else if (req.url === '/jwks') {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    audience,
    env: { OAUTH_ISSUER: url, OAUTH_AUDIENCE: audience, OAUTH_JWKS_URI: `${url}/jwks`, DEV_AUTH_SERVER: '0' },
    async token(scope, claims = {}) {
      const { expiresIn = '10m', ...rest } = claims;
      return new SignJWT({ scope: typeof scope === 'string' ? scope : scope.join(' '), client_id: 'test_client', ...rest })
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'at+jwt' })
        .setIssuer(url)
        .setAudience(audience)
        .setSubject((rest.sub as string | undefined) ?? 'tester')
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(privateKey);
    },
    jwksFetches: () => fetches,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
