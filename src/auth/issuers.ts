// The list of trusted issuers, read once at start-up: the single-issuer
// OAUTH_* variables, the OAUTH_ISSUERS_FILE list, and issuers passed in by code
// (the built-in authorization server). Problems stop the start with messages
// that name the variable or the file and field.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, ISSUER_LABEL, ISSUER_LABEL_MESSAGE, type Config } from '../config.js';
import type { TrustedIssuer } from './types.js';
import { fieldPath } from './policy.js';

const issuerEntry = z
  .object({
    issuer: z.url({ message: 'expected an absolute URL' }),
    audience: z.string({ message: 'required: the audience (aud) this API expects' }).min(1, { message: 'required: the audience (aud) this API expects' }),
    jwksUri: z.url({ message: 'expected an absolute URL' }).optional(),
    introspectionUrl: z.url({ message: 'expected an absolute URL' }).optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    policyFile: z.string().min(1).optional(),
    label: z.string().regex(ISSUER_LABEL, { message: ISSUER_LABEL_MESSAGE }).optional(),
    requireAudience: z.boolean({ message: 'expected true or false' }).optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (entry.introspectionUrl && !(entry.clientId && entry.clientSecret)) {
      ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'introspectionUrl needs clientId and clientSecret (RFC 7662 §2.1 client authentication)' });
    }
  });

/** Reads and validates OAUTH_ISSUERS_FILE: an array of issuers, or { "issuers": [...] }. Relative policy files are resolved next to it. */
export function loadIssuersFile(path: string): TrustedIssuer[] {
  const label = `OAUTH_ISSUERS_FILE (${path})`;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([`${label}: ${code ? `cannot read the file: ${code}` : `not valid JSON: ${(error as Error).message}`}`]);
  }
  const wrapped = !Array.isArray(json) && typeof json === 'object' && json !== null && 'issuers' in json;
  const list = wrapped ? (json as { issuers: unknown }).issuers : json;
  const parsed = z.array(issuerEntry).safeParse(list);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${label}: ${fieldPath(wrapped ? ['issuers', ...i.path] : i.path)}: ${i.message}`));
  }
  const entries = parsed.data;
  return entries.map((e) => ({ ...e, policyFile: e.policyFile ? resolve(dirname(path), e.policyFile) : undefined }));
}

/** The single issuer of the OAUTH_* variables, if OAUTH_ISSUER is set. */
export function issuerFromConfig(oauth: Config['oauth']): TrustedIssuer | undefined {
  const problems: string[] = [];
  if (!oauth.issuer) {
    const orphans = (
      [
        ['OAUTH_AUDIENCE', oauth.audience],
        ['OAUTH_JWKS_URI', oauth.jwksUri],
        ['OAUTH_INTROSPECTION_URL', oauth.introspectionUrl],
        ['OAUTH_CLIENT_ID', oauth.clientId],
        ['OAUTH_CLIENT_SECRET', oauth.clientSecret],
        ['OAUTH_ISSUER_LABEL', oauth.issuerLabel],
      ] as const
    ).filter(([, v]) => v !== undefined);
    if (orphans.length) throw new ConfigError(orphans.map(([name]) => `${name}: set OAUTH_ISSUER too (the issuer these settings belong to)`));
    return undefined;
  }
  if (!oauth.audience) problems.push('OAUTH_AUDIENCE: required with OAUTH_ISSUER (the aud value tokens for this API carry)');
  if (oauth.introspectionUrl && !(oauth.clientId && oauth.clientSecret)) {
    problems.push('OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET: required with OAUTH_INTROSPECTION_URL (RFC 7662 §2.1 client authentication)');
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    issuer: oauth.issuer,
    audience: oauth.audience!,
    jwksUri: oauth.jwksUri,
    introspectionUrl: oauth.introspectionUrl,
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    label: oauth.issuerLabel,
  };
}

/** The label that tags actor names of this issuer's tokens: its own, else its URL's host and path. */
export function issuerLabel(issuer: TrustedIssuer): string {
  if (issuer.label) return issuer.label;
  const url = new URL(issuer.issuer);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** Every trusted issuer; each `iss` may appear once. */
export function trustedIssuers(oauth: Config['oauth'], extra: readonly TrustedIssuer[] = []): TrustedIssuer[] {
  const single = issuerFromConfig(oauth);
  const all = [...(single ? [single] : []), ...(oauth.issuersFile ? loadIssuersFile(oauth.issuersFile) : []), ...extra];
  const seen = new Set<string>();
  const duplicates = all.filter((i) => (seen.has(i.issuer) ? true : (seen.add(i.issuer), false)));
  if (duplicates.length) {
    throw new ConfigError(duplicates.map((i) => `trusted issuers: ${i.issuer} is listed twice (OAUTH_ISSUER, OAUTH_ISSUERS_FILE or the built-in server)`));
  }
  if (all.length > 1) {
    // With several issuers, actor names carry the label: it must tell them apart.
    const byLabel = new Map<string, string>();
    const clashes: string[] = [];
    for (const i of all) {
      const label = issuerLabel(i);
      const first = byLabel.get(label);
      if (first) clashes.push(`trusted issuers: the label "${label}" is used by both ${first} and ${i.issuer}; give one a label of its own (OAUTH_ISSUER_LABEL, or "label" in OAUTH_ISSUERS_FILE)`);
      else byLabel.set(label, i.issuer);
    }
    if (clashes.length) throw new ConfigError(clashes);
  }
  return all;
}
