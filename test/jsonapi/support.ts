// Shared set-up for the JSON:API tests: the real server on a fresh database
// (with the demo catalogue unless told otherwise), a real token issuer, and a
// small client that speaks application/vnd.api+json.
import { StandInIssuer } from '../support/issuer.mjs';
import { startTestServer, type TestServer } from '../support/server.js';

export const MEDIA_TYPE = 'application/vnd.api+json';
export const ALL_SCOPES = ['read', 'create', 'update', 'delete'];

export interface JsonApiTestContext {
  server: TestServer;
  issuer: StandInIssuer;
  token: string;
  /** A request with the JSON:API media type and the full-scope token unless headers say otherwise. */
  call(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; token?: string | null }): Promise<ApiResponse>;
  stop(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test documents are read loosely
  body: any;
  text: string;
}

export async function startJsonApi(options: { demoData?: boolean; env?: Record<string, string> } = {}): Promise<JsonApiTestContext> {
  const issuer = await StandInIssuer.start();
  const server = await startTestServer({ ...issuer.env, DEMO_DATA: options.demoData === false ? '0' : '1', ...(options.env ?? {}) });
  const token = await issuer.token(ALL_SCOPES);
  return {
    server,
    issuer,
    token,
    async call(method, path, { body, headers = {}, token: given } = {}) {
      const bearer = given === undefined ? token : given;
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          Accept: MEDIA_TYPE,
          ...(body !== undefined ? { 'Content-Type': MEDIA_TYPE } : {}),
          ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    async stop() {
      await server.stop();
      await issuer.stop();
    },
  };
}

/** An error object (JSON:API 1.1, "Error Objects") as the tests read it. */
export interface ErrorObject {
  id?: string;
  status?: string;
  code?: string;
  title?: string;
  detail?: string;
  source?: { pointer?: string; parameter?: string; header?: string };
  links?: Record<string, unknown>;
  meta?: Record<string, unknown>;
}

/** The one error of an error document, with a useful failure message if there are several. */
export function onlyError(body: { errors?: unknown[] }): ErrorObject {
  if (!body?.errors || body.errors.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(body)}`);
  return body.errors[0] as ErrorObject;
}
