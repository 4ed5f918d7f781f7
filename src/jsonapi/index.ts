// The JSON:API door: its routes under /v1, and the documents for people and
// tools derived from the same resource descriptions (OpenAPI, Swagger UI,
// Postman collection).
import express from 'express';
import type { ContextBuilder } from '../auth/context.js';
import type { AtomicWrites } from '../resources/atomic.js';
import type { Services } from '../resources/service.js';
import { auditEventsRoute } from './audit-events.js';
import { docsRoutes } from './docs.js';
import { openApiDocument } from './openapi.js';
import { operationsRoute } from './operations.js';
import { postmanCollection } from './postman.js';
import { jsonapiRoutes } from './routes.js';
import type { SignInServer } from './sign-in.js';

export type { SignInServer } from './sign-in.js';

export interface JsonApiRouterOptions {
  services: Services;
  /** All-or-nothing writes (POST /v1/operations). */
  atomic: AtomicWrites;
  auth: ContextBuilder;
  /** The server's address as clients see it, without a trailing slash. */
  publicUrl: string;
  /** The built-in authorization server, for the documents' sign-in; null when it is off. */
  signIn: SignInServer | null;
}

export function jsonapiRouter({ services, atomic, auth, publicUrl, signIn }: JsonApiRouterOptions): express.Router {
  const router = express.Router();
  const openapi = JSON.stringify(openApiDocument({ publicUrl, signIn }));
  const postman = JSON.stringify(postmanCollection({ publicUrl, signIn }));
  router.get(['/v1/openapi.json', '/v1/openapi.json/'], (_req, res) => {
    res.type('application/json').send(openapi);
  });
  router.get(['/v1/postman.json', '/v1/postman.json/'], (_req, res) => {
    res.type('application/json').setHeader('Content-Disposition', 'inline; filename="course-catalogue.postman_collection.json"');
    res.send(postman);
  });
  router.use(docsRoutes({ publicUrl, signIn }));
  router.use(operationsRoute({ services, atomic, auth, publicUrl }));
  // The stored audit trail, for the `audit` operation (src/resources/audit.ts).
  router.use(auditEventsRoute({ auth, publicUrl }));
  router.use(jsonapiRoutes({ services, auth, publicUrl }));
  return router;
}
