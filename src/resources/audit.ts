// The audit trail: one structured event per write, emitted here and only here
// (ResourceWrites calls `audited` around each write, so both doors, atomic
// operations and the import, which all write through the services, are
// covered). Who (issuer, subject, client), what (resource type, id, operation,
// the names of the attributes and relationships written, never their values),
// when, the request id and the outcome. The trail is the caller's context's
// (the context builder attaches it, src/auth/context.ts): to the log by
// default (AUDIT_LOG), and to the audit_event table with AUDIT_TABLE=1, pruned
// after AUDIT_RETENTION_DAYS. docs/operations.md has the schema.
import type { Prisma } from '../db/database.js';
import type { Logger } from '../logger.js';
import { NotFoundError, ServiceError } from '../errors.js';
import { countAuditEvent, countImportRows } from '../observability/metrics.js';
import type { WriteKind } from './operations.js';
import type { RequestContext } from './request-context.js';

/**
 * success, or why the write failed: a ServiceError's code (validation,
 * not_found, conflict, forbidden, …) or error; rolled_back for a write that
 * succeeded inside a transaction that was then rolled back (atomic operations).
 */
export type AuditOutcome = 'success' | ServiceError['code'] | 'error' | 'rolled_back';

export interface AuditEvent {
  /** ISO 8601, when the write finished. */
  time: string;
  /** The request's id (X-Request-Id or the server's own), when the write came with a request. */
  requestId: string | null;
  actor: {
    /** The token's issuer; null for an in-process caller (the import command). */
    issuer: string | null;
    /** The token's subject; for an in-process caller, its name (the import command: the OS user). */
    subject: string | null;
    client: string | null;
  };
  /** The JSON:API type, e.g. "courses". */
  resource: string;
  /** The record's id (for a create: the new record's, when it succeeded). */
  id: string | null;
  /** A write kind, or `import`: one event per batch of a bulk import (src/resources/import.ts). */
  operation: WriteKind | 'import';
  /** Names of the attributes and relationships written (never their values). */
  changed: string[];
  outcome: AuditOutcome;
  /** An import batch's rows (in the log line; the table keeps the event without them). */
  rows?: { created: number; updated: number; rejected: number };
}

export interface AuditTrail {
  /** Resolves once the event is stored (the table write, if any, never rejects). */
  record(event: AuditEvent): void | Promise<void>;
  /** Stored events, newest first (only with AUDIT_TABLE=1). */
  read?(query: AuditQuery): Promise<StoredAuditEvent[]>;
}

/** A page of the stored trail: at most `limit` events older than `before`, of one resource type or all. */
export interface AuditQuery {
  limit: number;
  before?: Date;
  resource?: string;
}

export interface StoredAuditEvent extends AuditEvent {
  /** The event's own id (a UUID). */
  eventId: string;
}

/**
 * The stored trail as the API reads it: the policy's `audit` operation (the
 * `audit` scope under the default policy), then a page of the table. Without
 * AUDIT_TABLE=1 there is nothing stored to read: 404.
 */
export async function listAuditEvents(ctx: RequestContext, query: AuditQuery): Promise<StoredAuditEvent[]> {
  ctx.authorize('audit');
  const trail = (ctx as AuditedContext).auditTrail;
  if (!trail?.read) throw new NotFoundError('The audit trail is not stored in the database on this server (AUDIT_TABLE=0); it is in the log.');
  return trail.read(query);
}

/** What the services read of a caller for its audit events (the auth context has them; src/auth/types.ts). */
interface AuditedContext extends RequestContext {
  readonly principal?: { issuer: string; subject: string; clientId?: string } | null;
  readonly requestId?: string;
  readonly auditTrail?: AuditTrail;
}

function outcomeOf(error: unknown): AuditOutcome {
  return error instanceof ServiceError ? error.code : 'error';
}

/**
 * Runs a write and records its event, success or failure, on the caller's
 * trail. Without a trail (a caller that asked for none) it only runs it.
 */
export async function audited<T>(
  ctx: RequestContext,
  resource: string,
  operation: WriteKind,
  id: string | undefined,
  changed: readonly string[],
  write: () => Promise<T>,
  idOf?: (result: T) => string | undefined,
): Promise<T> {
  const { auditTrail: trail, principal, requestId } = ctx as AuditedContext;
  if (!trail) return write();
  const event = (outcome: AuditOutcome, writtenId: string | undefined): AuditEvent => ({
    time: new Date().toISOString(),
    requestId: requestId ?? null,
    actor: { issuer: principal?.issuer ?? null, subject: principal?.subject ?? ctx.actorName ?? null, client: principal?.clientId ?? null },
    resource,
    id: writtenId ?? null,
    operation,
    changed: [...changed],
    outcome,
  });
  let result: T;
  try {
    result = await write();
  } catch (error) {
    await trail.record(event(outcomeOf(error), id));
    throw error;
  }
  // Stored before the answer: a caller who saw the write done can find its event.
  await trail.record(event('success', id ?? idOf?.(result)));
  return result;
}

/**
 * One batch of a bulk import: one event for the batch (its rows by outcome,
 * the names its rows write), and the import-row metrics.
 */
export async function auditedImport<T extends { created: number; updated: number; rejected: readonly unknown[] }>(
  ctx: RequestContext,
  resource: string,
  inputs: readonly { attributes?: object; relationships?: object }[],
  run: () => Promise<T>,
): Promise<T> {
  const { auditTrail: trail, principal, requestId } = ctx as AuditedContext;
  const changed = trail ? [...new Set(inputs.flatMap((i) => changedNames(i)))].sort() : [];
  const event = (outcome: AuditOutcome, rows?: AuditEvent['rows']): AuditEvent => ({
    time: new Date().toISOString(),
    requestId: requestId ?? null,
    actor: { issuer: principal?.issuer ?? null, subject: principal?.subject ?? ctx.actorName ?? null, client: principal?.clientId ?? null },
    resource,
    id: null,
    operation: 'import',
    changed,
    outcome,
    ...(rows ? { rows } : {}),
  });
  let result: T;
  try {
    result = await run();
  } catch (error) {
    countImportRows(resource, 'failed', inputs.length);
    await trail?.record(event(outcomeOf(error)));
    throw error;
  }
  countImportRows(resource, 'created', result.created);
  countImportRows(resource, 'updated', result.updated);
  countImportRows(resource, 'rejected', result.rejected.length);
  await trail?.record(event('success', { created: result.created, updated: result.updated, rejected: result.rejected.length }));
  return result;
}

/**
 * For a transaction (src/resources/atomic.ts): the caller with a trail that
 * holds its events until the transaction ends; `settle` records them then,
 * the successful ones as rolled_back when it did not commit.
 */
export function deferAudit<C extends RequestContext>(ctx: C): { ctx: C; settle(committed: boolean): Promise<void> } {
  const trail = (ctx as AuditedContext).auditTrail;
  if (!trail) return { ctx, settle: async () => {} };
  const held: AuditEvent[] = [];
  const inside = Object.assign(ctx, { auditTrail: { record: (event: AuditEvent) => void held.push(event) } satisfies AuditTrail });
  return {
    ctx: inside,
    async settle(committed) {
      for (const event of held.splice(0)) await trail.record(committed || event.outcome !== 'success' ? event : { ...event, outcome: 'rolled_back' });
    },
  };
}

/** The names a write input touches: its attributes, relationships and nested creations, sorted. */
export function changedNames(input: { attributes?: object; relationships?: object; created?: object }): string[] {
  return [...Object.keys(input.attributes ?? {}), ...Object.keys(input.relationships ?? {}), ...Object.keys(input.created ?? {})].sort();
}

export interface AuditSettings {
  log: boolean;
  table: boolean;
  /** Days an event is kept in the table; 0: forever. */
  retentionDays: number;
}

export interface AuditTrailHandle extends AuditTrail {
  /** Stops the retention pruning and waits for the table writes under way. */
  close(): Promise<void>;
}

const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * The trail the server attaches to every request's context: log lines at info
 * (`msg: "audit"`, the event under `audit`), and rows of audit_event. A row
 * that cannot be written is logged, never fails the write it records.
 */
export function createAuditTrail(settings: AuditSettings, logger: Logger, prisma: Prisma): AuditTrailHandle | undefined {
  if (!settings.log && !settings.table) return undefined;
  const log = logger.child({ component: 'audit' });
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>): Promise<void> => {
    pending.add(p);
    return p.then(
      () => void pending.delete(p),
      () => void pending.delete(p),
    );
  };
  let timer: NodeJS.Timeout | undefined;
  if (settings.table && settings.retentionDays > 0) {
    const prune = () =>
      track(
        prisma.auditEvent
          .deleteMany({ where: { time: { lt: new Date(Date.now() - settings.retentionDays * 86_400_000) } } })
          .catch((error: unknown) => log.warn({ reason: (error as Error).message }, 'audit events could not be pruned')),
      );
    void prune();
    timer = setInterval(() => void prune(), PRUNE_EVERY_MS).unref();
  }
  return {
    record(event) {
      countAuditEvent(event.resource, event.operation, event.outcome);
      if (settings.log) log.info({ audit: event }, 'audit');
      if (settings.table) {
        return track(
          prisma.auditEvent
            .create({
              data: {
                time: new Date(event.time),
                requestId: event.requestId,
                issuer: event.actor.issuer,
                subject: event.actor.subject,
                client: event.actor.client,
                resource: event.resource,
                resourceId: event.id,
                operation: event.operation,
                changed: event.changed,
                outcome: event.outcome,
              },
            })
            .catch((error: unknown) => log.error({ reason: (error as Error).message, audit: event }, 'audit event could not be stored')),
        );
      }
    },
    read: settings.table ? (query) => readAuditEvents(prisma, query) : undefined,
    async close() {
      if (timer) clearInterval(timer);
      await Promise.allSettled([...pending]);
    },
  };
}

/** A page of stored audit events, newest first. */
async function readAuditEvents(prisma: Prisma, options: AuditQuery): Promise<StoredAuditEvent[]> {
  const rows = await prisma.auditEvent.findMany({
    where: { ...(options.before ? { time: { lt: options.before } } : {}), ...(options.resource ? { resource: options.resource } : {}) },
    orderBy: [{ time: 'desc' }, { id: 'desc' }],
    take: options.limit,
  });
  return rows.map((r) => ({
    eventId: r.id,
    time: r.time.toISOString(),
    requestId: r.requestId,
    actor: { issuer: r.issuer, subject: r.subject, client: r.client },
    resource: r.resource,
    id: r.resourceId,
    operation: r.operation as AuditEvent['operation'],
    changed: r.changed,
    outcome: r.outcome as AuditOutcome,
  }));
}
