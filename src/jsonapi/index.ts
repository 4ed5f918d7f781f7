// The JSON:API door: its routes under /v1, and the documents for people and
// tools derived from the same resource descriptions (OpenAPI, Swagger UI,
// Postman collection).
import express from 'express';
import type { ContextBuilder } from '../auth/context.js';
import type { Config } from '../config.js';
import type { Services } from '../resources/service.js';
import { jsonapiRoutes } from './routes.js';

export interface JsonApiRouterOptions {
  services: Services;
  auth: ContextBuilder;
  /** The server's address as clients see it, without a trailing slash. */
  publicUrl: string;
  config: Config;
}

export function jsonapiRouter({ services, auth, publicUrl }: JsonApiRouterOptions): express.Router {
  const router = express.Router();
  router.use(jsonapiRoutes({ services, auth, publicUrl }));
  return router;
}
