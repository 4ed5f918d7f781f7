// Finds an issuer's JWKS location from its published metadata: OpenID Connect
// Discovery 1.0 §4 (`{issuer}/.well-known/openid-configuration`), else RFC 8414
// §3.1 (`/.well-known/oauth-authorization-server` inserted before the issuer's path).
import { UpstreamUnavailable } from './problems.js';

export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return [`${url.origin}${path}/.well-known/openid-configuration`, `${url.origin}/.well-known/oauth-authorization-server${path}`];
}

export async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<string> {
  const failures: string[] = [];
  for (const location of metadataUrls(issuer)) {
    let response: Response;
    try {
      response = await fetch(location, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      failures.push(`${location}: ${(error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message}`);
      continue;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      failures.push(`${location}: HTTP ${response.status}`);
      continue;
    }
    let metadata: unknown;
    try {
      metadata = await response.json();
    } catch {
      failures.push(`${location}: not JSON`);
      continue;
    }
    const m = metadata as { issuer?: unknown; jwks_uri?: unknown };
    // RFC 8414 §3.3 / OIDC Discovery §4.3: the metadata must name the same issuer.
    if (m.issuer !== issuer) {
      failures.push(`${location}: metadata names issuer ${JSON.stringify(m.issuer)}`);
      continue;
    }
    if (typeof m.jwks_uri !== 'string' || !URL.canParse(m.jwks_uri)) {
      failures.push(`${location}: no usable jwks_uri`);
      continue;
    }
    return m.jwks_uri;
  }
  throw new UpstreamUnavailable(`cannot find the JWKS of ${issuer}: ${failures.join('; ')}`);
}
