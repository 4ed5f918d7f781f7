// The protected route of the OAuth tests: the JSON:API door of the same
// running server (/v1/courses: GET = read, DELETE = delete), which checks
// tokens with the API's one context builder. It trusts the built-in
// authorization server only as a TrustedIssuer, verifying over HTTP via JWKS.
// The servers of these tests run with the demo policy (OAUTH_POLICY_FILE), so
// the group claim decides as in the original demo.
import { projectPath } from '../../../src/paths.js';

export const DEMO_POLICY_FILE = projectPath('src/auth/policies/demo-policy.json');

/** No such course: the policy answers (401/403) before the lookup would (404). */
const NO_SUCH_COURSE = '00000000-0000-4000-8000-000000000000';

export interface ProtectedAnswer {
  status: number;
  /** The RFC 6750 error of the WWW-Authenticate challenge, if any. */
  error?: string;
}

/**
 * Uses an access token on the API: GET lists courses (read), DELETE deletes
 * a course that does not exist (delete: 404 once allowed, 403 when not).
 */
export async function callProtectedRoute(server: { url: string }, token: string, method: 'GET' | 'DELETE'): Promise<ProtectedAnswer> {
  const url = method === 'GET' ? `${server.url}/v1/courses` : `${server.url}/v1/courses/${NO_SUCH_COURSE}`;
  const res = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.api+json' } });
  await res.arrayBuffer();
  const challenge = res.headers.get('www-authenticate') ?? '';
  const error = /error="([^"]+)"/.exec(challenge)?.[1];
  return error ? { status: res.status, error } : { status: res.status };
}
