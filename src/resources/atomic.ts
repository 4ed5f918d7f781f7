// All-or-nothing writes: a list of operations over the resource services,
// run in order inside one database transaction (Prisma's interactive
// transaction, with services built over its client), stored together or not
// at all. Both doors use it: JSON:API Atomic Operations (POST /v1/operations)
// and GraphQL's @atomic mutations.
//
// The rules are the services' own; what this use case adds:
// - the operation limit (ATOMIC_MAX_OPERATIONS), checked before any work;
// - every operation is authorized (the services' authorizeWrite) before the
//   transaction begins, so a caller refused one operation has nothing done;
// - a failure names the operation (AtomicOperationError.index) and leaves
//   nothing stored: the transaction is rolled back.
import type { Prisma } from '../db/database.js';
import { UnavailableError, ValidationError, ServiceError } from '../errors.js';
import type { ResourceName } from './description.js';
import type { WriteKind } from './operations.js';
import type { RequestContext } from './request-context.js';
import { createServices, type RelationshipValue, type Row, type Services, type WriteAnswer, type WriteInput } from './service.js';
import { deferAudit } from './audit.js';

/** One operation: a write of one resource, as the services take it. */
export type AtomicOperation =
  | { kind: 'create'; resource: ResourceName; input: WriteInput }
  | { kind: 'update'; resource: ResourceName; id: string; input: WriteInput }
  | { kind: 'delete'; resource: ResourceName; id: string }
  | { kind: 'replace' | 'add' | 'remove'; resource: ResourceName; id: string; field: string; value: RelationshipValue };

/** What an operation produced: the written row (create, update, relationship edits), or null (delete). */
export interface AtomicResult {
  row: Row | null;
  /** What the answer may show of it (ResourceService.authorizeWrite). */
  shows: WriteAnswer;
}

/** The failure of operation `index` (0-based); `cause` is the services' error. Nothing was stored. */
export class AtomicOperationError extends Error {
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super(`Operation ${index} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'AtomicOperationError';
  }
}

export const atomicMessages = {
  tooMany: (count: number, max: number) => `${count} operations in one request; at most ${max} are allowed (ATOMIC_MAX_OPERATIONS).`,
  none: 'Expected at least one operation.',
} as const;

/** How long a request may wait for the transaction to start, and run in it (Prisma's maxWait and timeout). */
const transactionOptions = { maxWait: 10_000, timeout: 30_000 } as const;

/** Prisma's codes for a transaction that could not start or ran out of time. */
const transactionCodes = new Set(['P2028', 'P2034']);

/** A transaction opened by AtomicWrites.open: its services and caller, and the one decision. */
export interface OpenTransaction<C extends RequestContext> {
  services: Services;
  ctx: C;
  /** Commits; throws what the database says if it cannot (nothing is then stored). */
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** Thrown inside an opened transaction to roll it back. */
const rolledBack = new Error('rolled back');

export class AtomicWrites {
  constructor(
    private readonly prisma: Prisma,
    readonly maxOperations: number,
  ) {}

  /** The operation limit: refused (400, a validation problem) before anything else is looked at. */
  checkCount(count: number): void {
    if (count > this.maxOperations) throw new ValidationError(atomicMessages.tooMany(count, this.maxOperations));
    if (count < 1) throw new ValidationError(atomicMessages.none);
  }

  /**
   * Asks the policy about every operation, in order, before any is run: what
   * each answer may show, or an AtomicOperationError naming the first refused.
   */
  authorize(services: Services, ctx: RequestContext, operations: readonly { kind: WriteKind; resource: ResourceName }[], asksToRead?: (index: number) => boolean): WriteAnswer[] {
    this.checkCount(operations.length);
    return operations.map((op, index) => {
      try {
        return services[op.resource].authorizeWrite(ctx, op.kind, { asksToRead: asksToRead?.(index) ?? false });
      } catch (error) {
        throw new AtomicOperationError(index, error);
      }
    });
  }

  /**
   * Runs work over services bound to one transaction: committed when it
   * returns, rolled back when it throws (what it threw is rethrown).
   * `ctx` is the caller; its reads inside the transaction go to the
   * transaction (never a replica, which could not see them).
   */
  async transaction<C extends RequestContext, T>(ctx: C, work: (services: Services, ctx: C) => Promise<T>): Promise<T> {
    // The caller as it is, but reading through the services' own client (the transaction), never elsewhere.
    // Its audit events are recorded once the transaction ends: rolled_back unless it committed (./audit.ts).
    const audit = deferAudit<C & { reader?: unknown }>({ ...ctx });
    const inside = audit.ctx;
    delete inside.reader;
    let result: T;
    try {
      result = await this.prisma.$transaction(
        // Services over the transaction client: every statement of every operation is in it.
        (tx) => work(createServices(tx as unknown as Prisma), inside),
        transactionOptions,
      );
      await audit.settle(true);
    } catch (error) {
      await audit.settle(false);
      if (error instanceof AtomicOperationError || error instanceof ServiceError) throw error;
      const code = (error as { code?: string }).code;
      if (code && transactionCodes.has(code)) throw new UnavailableError('The database is busy: the operations could not run in one transaction in time; nothing was stored. Try again shortly.');
      throw error;
    }
    return result;
  }

  /**
   * Opens a transaction for work the caller drives itself (GraphQL's @atomic
   * operations, whose fields run one by one): services over it, and the
   * decision, commit or roll back, to make once. Until then the transaction
   * holds its connection (PGlite: the database); Prisma ends it after the
   * transaction timeout.
   */
  async open<C extends RequestContext>(ctx: C): Promise<OpenTransaction<C>> {
    let decide!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (decide = resolve));
    let opened!: (inside: { services: Services; ctx: C }) => void;
    const ready = new Promise<{ services: Services; ctx: C }>((resolve) => (opened = resolve));
    const done = this.transaction(ctx, async (services, inner) => {
      opened({ services, ctx: inner });
      if (!(await decided)) throw rolledBack;
    });
    const inside = await Promise.race([ready, done.then(() => Promise.reject(new Error('The transaction ended before it was used.')))]);
    return {
      ...inside,
      async commit() {
        decide(true);
        await done;
      },
      async rollback() {
        decide(false);
        await done.catch((error: unknown) => {
          if (error !== rolledBack) throw error;
        });
      },
    };
  }

  /**
   * The row rules' part of authorizing, for every operation before any runs
   * (ResourceWrites.authorizeRows): the stored rows they write and the rows
   * they link, as the data stands before the request. Rows made by the
   * request itself are checked by their writes; every write checks again as
   * it runs, in the transaction.
   */
  private async authorizeRows(services: Services, ctx: RequestContext, operations: readonly AtomicOperation[]): Promise<void> {
    if (!ctx.rules) return;
    const created = new Set(operations.flatMap((op) => (op.kind === 'create' && op.input.id ? [op.input.id] : [])));
    for (const [index, op] of operations.entries()) {
      try {
        await services[op.resource].authorizeRows(ctx, op.kind, op.kind === 'create' ? undefined : op.id, linksOf(op), created);
      } catch (error) {
        throw new AtomicOperationError(index, error);
      }
    }
  }

  /**
   * Runs the operations in order, all or nothing: the limit, then every
   * operation authorized, then all of them in one transaction. `present`
   * (the door's) turns each written row into its answer inside the
   * transaction, right after its operation, with the transaction's services.
   */
  async run<C extends RequestContext, T>(
    services: Services,
    ctx: C,
    operations: readonly AtomicOperation[],
    present: (result: AtomicResult, index: number, services: Services, ctx: C) => Promise<T>,
    asksToRead?: (index: number) => boolean,
  ): Promise<T[]> {
    const shows = this.authorize(services, ctx, operations, asksToRead);
    await this.authorizeRows(services, ctx, operations);
    return this.transaction(ctx, async (tx, txCtx) => {
      const answers: T[] = [];
      for (const [index, op] of operations.entries()) {
        try {
          const row = await applyOperation(tx, txCtx, op);
          answers.push(await present({ row, shows: shows[index]! }, index, tx, txCtx));
        } catch (error) {
          throw new AtomicOperationError(index, error);
        }
      }
      return answers;
    });
  }
}

/** The ids an operation links, by relationship field. */
function linksOf(op: AtomicOperation): Record<string, readonly string[]> {
  const ids = (value: RelationshipValue): readonly string[] => (value === null ? [] : typeof value === 'string' ? [value] : value);
  if (op.kind === 'create' || op.kind === 'update') return Object.fromEntries(Object.entries(op.input.relationships ?? {}).map(([field, value]) => [field, ids(value)]));
  if (op.kind === 'delete') return {};
  return { [op.field]: ids(op.value) };
}

/** One operation through its resource's service. */
function applyOperation(services: Services, ctx: RequestContext, op: AtomicOperation): Promise<Row | null> {
  const service = services[op.resource];
  switch (op.kind) {
    case 'create':
      return service.create(ctx, op.input);
    case 'update':
      return service.update(ctx, op.id, op.input);
    case 'delete':
      return service.delete(ctx, op.id).then(() => null);
    case 'replace':
      return service.setRelationship(ctx, op.id, op.field, op.value);
    case 'add':
      return service.addToRelationship(ctx, op.id, op.field, op.value as string[]);
    case 'remove':
      return service.removeFromRelationship(ctx, op.id, op.field, op.value as string[]);
  }
}
