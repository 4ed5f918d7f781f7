// build() + authorize() alone, in-process, warm token: µs per call with and without the
// verified-token cache. Run `node bench/auth-context.mjs --rounds 0` first (it compiles src/auth).
import { pathToFileURL } from 'node:url';
import { StandInIssuer } from '../test/support/issuer.mjs';
const out = new URL('../node_modules/.cache/auth-bench', import.meta.url).pathname;
const { createContextBuilder } = await import(pathToFileURL(out + '/src/auth/context.js').href);
const { loadConfig } = await import(pathToFileURL(out + '/src/config.js').href);
const { pino } = await import('pino');
const issuer = await StandInIssuer.start();
const token = await issuer.token('read', { expiresIn: '1h' });
const config = loadConfig(issuer.env);
for (const cacheS of [60, 0]) {
  const b = await createContextBuilder({ config, logger: pino({ level: 'silent' }), verifiedTokenCacheS: cacheS });
  const req = { headers: { authorization: 'Bearer ' + token } };
  for (let i = 0; i < 2000; i++) (await b.build(req)).authorize('read');
  const n = cacheS ? 100000 : 5000;
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) (await b.build(req)).authorize('read');
  console.log('cache', cacheS, Number(process.hrtime.bigint() - t) / n / 1000, 'µs/build');
}
await issuer.stop();
