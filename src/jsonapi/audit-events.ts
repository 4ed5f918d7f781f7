// GET /v1/audit_events: the stored audit trail (AUDIT_TABLE=1), newest first,
// for callers the policy allows the `audit` operation (the `audit` scope by
// default). The door only translates: parameters in, JSON:API document out;
// the rule and the reading are src/resources/audit.ts's.
//   page[size]      1–100 (default 20)
//   page[before]    an ISO 8601 time: events strictly older (the `next` link)
//   filter[resource] a resource type, e.g. courses
import express, { type Request, type Response } from 'express';
import type { ContextBuilder } from '../auth/context.js';
import { listAuditEvents, type AuditQuery, type StoredAuditEvent } from '../resources/audit.js';
import { resourceByType, resourceList } from '../resources/registry.js';
import { errorResponse, internalError, JsonApiError } from './errors.js';
import { checkAccept } from './negotiation.js';
import { send } from './responses.js';
import { JSONAPI_VERSION } from './routes.js';

export const AUDIT_EVENTS_PATH = '/v1/audit_events';
const MAX_PAGE = 100;

function badParameter(name: string, detail: string): JsonApiError {
  return new JsonApiError(400, 'invalid_parameter', detail, { parameter: name });
}

function queryOf(url: URL): AuditQuery {
  const query: AuditQuery = { limit: 20 };
  for (const [name, value] of url.searchParams) {
    if (name === 'page[size]') {
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_PAGE) throw badParameter(name, `page[size] must be a whole number from 1 to ${MAX_PAGE}, got "${value.slice(0, 40)}".`);
      query.limit = Number(value);
    } else if (name === 'page[before]') {
      const time = new Date(value);
      if (!/^\d{4}-\d\d-\d\dT/.test(value) || Number.isNaN(time.getTime())) throw badParameter(name, `page[before] must be an ISO 8601 time such as 2026-01-31T12:00:00.000Z, got "${value.slice(0, 40)}".`);
      query.before = time;
    } else if (name === 'filter[resource]') {
      if (!resourceByType(value)) throw badParameter(name, `filter[resource] must be a resource type: ${resourceList.map((r) => r.type).join(', ')}.`);
      query.resource = value;
    } else {
      throw badParameter(name, `${name.slice(0, 60)} is not a parameter of ${AUDIT_EVENTS_PATH}; it takes page[size], page[before] and filter[resource].`);
    }
  }
  return query;
}

function resourceObject(e: StoredAuditEvent) {
  return {
    type: 'audit_events',
    id: e.eventId,
    attributes: {
      time: e.time,
      request_id: e.requestId,
      issuer: e.actor.issuer,
      subject: e.actor.subject,
      client: e.actor.client,
      resource: e.resource,
      resource_id: e.id,
      operation: e.operation,
      changed: e.changed,
      outcome: e.outcome,
    },
  };
}

export function auditEventsRoute({ auth, publicUrl }: { auth: ContextBuilder; publicUrl: string }): express.Router {
  const router = express.Router();
  router.get([AUDIT_EVENTS_PATH, `${AUDIT_EVENTS_PATH}/`], async (req: Request, res: Response) => {
    try {
      checkAccept(req.headers.accept);
      const ctx = await auth.build(req);
      const url = new URL(req.originalUrl, publicUrl);
      const query = queryOf(url);
      const events = await listAuditEvents(ctx, query);
      const self = `${publicUrl}${url.pathname}${url.search}`;
      const links: Record<string, string> = { self };
      const last = events.at(-1);
      if (last && events.length === query.limit) {
        const next = new URL(self);
        next.searchParams.set('page[before]', last.time);
        links.next = next.toString();
      }
      send(req, res, { status: 200, document: { jsonapi: JSONAPI_VERSION, data: events.map(resourceObject), links } });
    } catch (error) {
      const known = errorResponse(error);
      if (!known) {
        req.log?.error({ err: error }, 'audit events request failed');
        send(req, res, { status: 500, document: { jsonapi: JSONAPI_VERSION, ...internalError.document } });
        return;
      }
      send(req, res, { status: known.status, headers: known.headers, document: { jsonapi: JSONAPI_VERSION, ...known.document } });
    }
  });
  return router;
}
