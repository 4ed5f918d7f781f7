// The signing keys of the built-in authorization server: how one is made, and
// how an earlier version's `${DATA_DIR}/oauth/keys.json` is read (imported once
// into the database by ./key-store.ts, where the keys now live). The first key
// signs; the others are retired keys, still published in the JWKS so that
// tokens they signed keep verifying until they expire.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { z } from 'zod';

export const SIGNING_ALG = 'RS256';
/** The current key plus this many retired ones stay published. */
export const RETIRED_KEYS_KEPT = 2;

export interface SigningKeys {
  /** Private JWKs, newest (the signing key) first. */
  keys: JWK[];
}

const keyFileSchema = z.object({
  keys: z
    .array(
      z.looseObject({
        kty: z.literal('RSA'),
        kid: z.string().min(1),
        d: z.string().min(1),
        n: z.string().min(1),
        e: z.string().min(1),
      }),
    )
    .min(1),
});

export class KeyFileError extends Error {
  readonly code = 'ERR_OAUTH_KEY_FILE';
}

export const keyFilePath = (dataDir: string): string => join(dataDir, 'oauth', 'keys.json');

/** A data folder that is really a folder (PGlite's `memory://` is not). */
export const isOnDisk = (dataDir: string): boolean => !/^[a-z]+:\/\//i.test(dataDir);

export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: SIGNING_ALG, use: 'sig' };
}

export function readSigningKeys(file: string): SigningKeys | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new KeyFileError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const result = keyFileSchema.safeParse(parsed);
  if (!result.success) throw new KeyFileError(`${file} is not a key file: ${result.error.issues[0]?.message}`);
  return { keys: result.data.keys };
}
