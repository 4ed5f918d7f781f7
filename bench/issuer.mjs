// A tiny token issuer for the benchmarks (as in test/support/issuer.ts): real
// RS256 keys, OIDC discovery and a JWKS over node:http, and signed access tokens.
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export async function startIssuer({ audience = 'https://api.bench/catalogue' } = {}) {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' };
  let url = '';
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer: url, jwks_uri: `${url}/jwks` }));
    else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end('{}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    audience,
    env: { OAUTH_ISSUER: url, OAUTH_AUDIENCE: audience, OAUTH_JWKS_URI: `${url}/jwks`, DEV_AUTH_SERVER: '0' },
    token: (scope = 'read', expiresIn = '2h') =>
      new SignJWT({ scope, client_id: 'bench' })
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'at+jwt' })
        .setIssuer(url).setAudience(audience).setSubject('bench').setIssuedAt().setExpirationTime(expiresIn)
        .sign(privateKey),
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
