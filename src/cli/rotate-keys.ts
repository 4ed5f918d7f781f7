// npm run keys:rotate : a new signing key for the built-in authorization server,
// stored in the database (DATABASE_URL, else PGlite in DATA_DIR). Every
// running instance rereads the keys every DEV_KEYS_REFRESH_S: each publishes
// the new key at its next reread, and signs with it once its activation time
// has come (../oauth/key-store.ts activationDelayFor: at least two rereads, and
// the 30 s a verifier may wait before fetching the JWKS again), so no instance
// signs with a key another does not publish yet, and no verifier refuses it.
// The retired keys stay published, so tokens they signed keep verifying until
// they expire.
import { applyMigrations } from '../db/migrations.js';
import { KeyStore, activationDelayFor } from '../oauth/key-store.js';
import { RETIRED_KEYS_KEPT } from '../oauth/keys.js';
import { openConfiguredDatabase, where } from './database.js';

const { config, db } = await openConfiguredDatabase();
try {
  if (config.database.dataDir.startsWith('memory://') && !config.database.url) {
    console.error(`DATA_DIR=${config.database.dataDir} is not a folder: keys of an in-memory database live only as long as the server`);
    process.exitCode = 2;
  } else {
    if (config.database.migrateOnStart) await applyMigrations(db.migrationAdapterFactory);
    const settings = config.devAuthServer;
    const store = new KeyStore(db.prisma, { secret: settings.keysSecret, activationDelayMs: activationDelayFor(settings.keysRefreshS) });
    const { current, activatesAt, published, dropped } = await store.rotate();
    console.log(`new signing key ${current} in ${where(config)}`);
    console.log(`published: ${published.join(', ')} (the newest ${RETIRED_KEYS_KEPT} retired keys are kept)`);
    if (dropped.length) console.log(`no longer published: ${dropped.join(', ')} (tokens they signed are refused from now on)`);
    console.log(`running servers publish it within ${settings.keysRefreshS} s and sign with it from ${activatesAt.toISOString()}`);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.close();
}
