// The OAuth clients registered with the built-in authorization server: the
// confidential `demo_client` (Postman, curl, the token command) and the public
// `playground` client (GraphQL playground, Swagger UI, browser apps on
// localhost), or the clients of DEV_CLIENTS_FILE.
import { readFileSync } from 'node:fs';
import type { ClientMetadata } from 'oidc-provider';
import { z } from 'zod';

export const DEMO_CLIENT_ID = 'demo_client';
export const PLAYGROUND_CLIENT_ID = 'playground';

/** Postman's two callback addresses (browser and desktop app). */
export const POSTMAN_REDIRECT_URIS = ['https://oauth.pstmn.io/v1/callback', 'http://localhost:5432/oauth2client'];

/** Common local development servers (Create React App, Vite, webpack/Vue). */
export const LOCAL_APP_REDIRECT_URIS = ['http://localhost:3000/callback', 'http://localhost:5173/callback', 'http://localhost:8080/callback'];

export function defaultClients(publicUrl: string, demoClientSecret: string): ClientMetadata[] {
  // No `scope` metadata: oidc-provider only allows OpenID scopes there, and
  // every client may ask for every scope this server knows.
  return [
    {
      client_id: DEMO_CLIENT_ID,
      client_name: 'Demo client (Postman, curl)',
      client_secret: demoClientSecret,
      // RFC 6749 §2.3.1: HTTP Basic is the method every server must support.
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'client_credentials', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: POSTMAN_REDIRECT_URIS,
    },
    {
      client_id: PLAYGROUND_CLIENT_ID,
      client_name: 'API playground and browser apps',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [`${publicUrl}/graphql`, `${publicUrl}/docs/oauth2-redirect.html`, ...LOCAL_APP_REDIRECT_URIS],
      post_logout_redirect_uris: [`${publicUrl}/graphql`, `${publicUrl}/docs/`],
    },
  ];
}

// oidc-provider validates every metadata field at start-up; this only makes
// sure the file is a list of objects with a client id, so errors name the file.
const clientsFileSchema = z.array(z.looseObject({ client_id: z.string().min(1) })).min(1);

export class ClientsFileError extends Error {
  readonly code = 'ERR_OAUTH_CLIENTS_FILE';
}

export function loadClients(file: string | undefined, publicUrl: string, demoClientSecret: string): ClientMetadata[] {
  if (!file) return defaultClients(publicUrl, demoClientSecret);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ClientsFileError(`DEV_CLIENTS_FILE ${file}: ${(error as Error).message}`);
  }
  const result = clientsFileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ClientsFileError(`DEV_CLIENTS_FILE ${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return result.data;
}
