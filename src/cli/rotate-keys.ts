// npm run keys:rotate : a new signing key for the built-in authorization server.
// The retired keys stay published in its JWKS, so tokens they signed keep
// verifying until they expire; a running server signs with the new key after
// its next start.
import { ConfigError, loadConfig } from '../config.js';
import { RETIRED_KEYS_KEPT, keyFilePath, isOnDisk, rotateSigningKeys } from '../oauth/keys.js';

try {
  const config = loadConfig();
  const dataDir = config.database.dataDir;
  if (!isOnDisk(dataDir)) {
    console.error(`DATA_DIR=${dataDir} is not a folder: keys of an in-memory data folder live only as long as the server`);
    process.exit(2);
  }
  const { current, published, dropped } = await rotateSigningKeys(dataDir);
  console.log(`new signing key ${current} in ${keyFilePath(dataDir)}`);
  console.log(`published: ${published.join(', ')} (the newest ${RETIRED_KEYS_KEPT} retired keys are kept)`);
  if (dropped.length) console.log(`no longer published: ${dropped.join(', ')} (tokens they signed are refused from now on)`);
  console.log('restart the server to sign with the new key');
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  console.error((error as Error).message);
  process.exit(1);
}
