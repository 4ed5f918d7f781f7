// build() + authorize() alone, in-process, warm token: µs per call with and without the
// verified-token cache. Run `node bench/auth-context.mjs --rounds 0` first (it compiles src/auth).
import { pathToFileURL } from 'node:url';
import { createServer } from 'node:http';
const out = new URL('../node_modules/.cache/auth-bench', import.meta.url).pathname;
const { createContextBuilder } = await import(pathToFileURL(out + '/src/auth/context.js').href);
const { loadConfig } = await import(pathToFileURL(out + '/src/config.js').href);
const { pino } = await import('pino');
const { generateKeyPair, exportJWK, SignJWT } = await import('jose');
const { privateKey, publicKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'b', alg: 'RS256' };
const s = createServer((q, r) => r.end(JSON.stringify({ keys: [jwk] })));
await new Promise((r) => s.listen(0, '127.0.0.1', r));
const iss = `http://127.0.0.1:${s.address().port}`;
const token = await new SignJWT({ sub: 'u', client_id: 'c', scope: 'read' }).setProtectedHeader({ alg: 'RS256', kid: 'b' }).setIssuer(iss).setAudience('a').setExpirationTime('1h').sign(privateKey);
const config = loadConfig({ OAUTH_ISSUER: iss, OAUTH_AUDIENCE: 'a', OAUTH_JWKS_URI: iss + '/jwks' });
for (const cacheS of [60, 0]) {
  const b = await createContextBuilder({ config, logger: pino({ level: 'silent' }), verifiedTokenCacheS: cacheS });
  const req = { headers: { authorization: 'Bearer ' + token } };
  for (let i = 0; i < 2000; i++) (await b.build(req)).authorize('read');
  const n = cacheS ? 100000 : 5000;
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) (await b.build(req)).authorize('read');
  console.log('cache', cacheS, Number(process.hrtime.bigint() - t) / n / 1000, 'µs/build');
}
s.close();
