// Writing a resource: create, update, delete and relationship edits, each
// asking the policy for its operation (operations.ts), with the attribute
// rules (validation.ts) and the relationship rules (relationship-rules.ts),
// and the audit fields from the caller.
import { ConflictError, NotFoundError, ValidationError, type Problem } from '../errors.js';
import type { RelationshipDescription, ResourceName } from './description.js';
import { operationFor, type WriteKind } from './operations.js';
import type { ResourceReads } from './reads.js';
import { notARelationship, notFound } from './reads.js';
import {
  checkLink,
  currentMembers,
  dropsOwnedMember,
  holders,
  isOneToOne,
  isProblem,
  missingRequired,
  missingTargets,
  notFoundProblem,
  ownerRequiredProblem,
  relationshipMessages,
  takenProblem,
  type RelationshipValue,
} from './relationship-rules.js';
import { systemContext, type RequestContext } from './request-context.js';
import type { ResourceStore, Row } from './sql.js';
import { checkAttributes, fieldMessages, isUuid } from './validation.js';
import { nestedCreateData, runNested, type NestedMember } from './nested-writes.js';
import { audited, changedNames } from './audit.js';
import { checkedValues, checkNewRow, checkStoredRow, idsMeeting, idsMeetingMoved, rowRefusal, withoutHidden } from './row-access.js';
import { randomUUID } from 'node:crypto';
import { ForbiddenError } from '../errors.js';
import type { Operation } from './operations.js';

export interface WriteInput {
  /** Client-generated id (create only). */
  id?: string;
  attributes?: Readonly<Record<string, unknown>>;
  relationships?: Readonly<Record<string, RelationshipValue>>;
  /** New members of one-to-many relationships, created with the record in one statement (./nested-writes.ts). */
  created?: Readonly<Record<string, readonly NestedMember[]>>;
}

/**
 * What the answer to a write may show: the written record as a read would
 * (`record`), or only its identity, type and id (`identity`), for a caller
 * who may write but not read.
 */
export type WriteAnswer = 'record' | 'identity';

/** For the services' own look-ups during a write the policy already allowed. */
const trustedReader = systemContext(null);

/** The audit fields a write stores: who (the caller's actor name) and when. */
export function audit(ctx: RequestContext): Record<string, unknown> {
  return { lastModUserName: ctx.actorName, lastModDate: new Date() };
}

/** A write stored: the caller's next reads go to the primary for a while (read-your-writes, src/db/read-routing.ts). */
async function stored<T>(ctx: RequestContext, write: Promise<T>, resource?: ResourceName): Promise<T> {
  const result = await write;
  ctx.wrote?.();
  // The answer shows no attribute the policy's field rules hide from this caller.
  if (resource && result && typeof result === 'object') withoutHidden(ctx, resource, [result as unknown as Row]);
  return result;
}

export class ResourceWrites {
  constructor(
    private readonly store: ResourceStore,
    private readonly reads: ResourceReads,
  ) {}

  /**
   * Everything a write needs of the policy, asked before anything is written:
   * the write itself, and what its answer may show. A caller who may read gets
   * the record back; one who may not gets its identity only, unless the
   * request explicitly asks to see more of it (`asksToRead`: an include or a
   * sparse fieldset, a GraphQL selection beyond id), which is then refused as
   * the read it is. Doors call this first, then the write.
   */
  authorizeWrite(ctx: RequestContext, kind: WriteKind, options: { asksToRead?: boolean } = {}): WriteAnswer {
    ctx.authorize(operationFor(kind));
    const read = operationFor('get');
    if (options.asksToRead) {
      ctx.authorize(read);
      return 'record';
    }
    return ctx.can(read) ? 'record' : 'identity';
  }

  /**
   * The row rules' part of authorizing a write, for doors that decide several
   * writes before any runs (all-or-nothing requests, GraphQL mutations): the
   * stored row `id` against the read and `kind`'s rule (404 invisible, 403
   * visible but not writable), and rows it links (`links`: relationship field →
   * ids) as the write would check them. Ids in `created` (made by an earlier
   * write of the same request) are left to the write's own checks. Each write
   * checks again as it runs.
   */
  async authorizeRows(ctx: RequestContext, kind: WriteKind, id: string | undefined, links: Readonly<Record<string, readonly string[]>> = {}, created: ReadonlySet<string> = new Set()): Promise<void> {
    if (!ctx.rules) return;
    if (kind !== 'create') {
      // A row made by an earlier write of this request: its write checks it.
      if (id === undefined || created.has(id)) return;
      if (!isUuid(id)) throw notFound(this.store, id);
      await checkStoredRow(ctx, this.store.description, id, operationFor(kind), this.sql, () => notFound(this.store, id));
    }
    for (const [field, ids] of Object.entries(links)) {
      const rel = this.store.relationship(field);
      const known = ids.filter((i) => !created.has(i) && isUuid(i));
      if (!rel || !known.length) continue;
      // Members moved into this row (add, replace, create): checked as moved; removed ones only as stored.
      await this.checkExist(rel, known, ctx, kind === 'remove' ? undefined : kind === 'create' ? null : id);
    }
  }

  /** Each write records one audit event, whatever its outcome (./audit.ts). */
  async create(ctx: RequestContext, input: WriteInput): Promise<Row> {
    return stored(ctx, audited(ctx, this.store.description.type, 'create', input.id, changedNames(input), () => this.createRecord(ctx, input), (row) => row.id), this.store.description.name);
  }

  private async createRecord(ctx: RequestContext, input: WriteInput): Promise<Row> {
    ctx.authorize(operationFor('create'));
    const problems: Problem[] = [];
    if (input.id !== undefined && !isUuid(input.id)) problems.push({ detail: fieldMessages.invalidId, source: { kind: 'id' } });
    const { data, problems: attributeProblems } = checkAttributes(this.store.description, input.attributes ?? {}, 'create');
    problems.push(...attributeProblems);
    const relationData = await this.relationshipData(input.relationships ?? {}, problems, undefined, ctx);
    const nested = await this.nestedData(ctx, input, problems);
    if (problems.length) throw new ValidationError(problems);
    await this.checkRules(ctx, 'create', { id: input.id ?? randomUUID(), ...data }, relationData, input);
    return runNested(this.store, input.created, () =>
      this.store.delegate.create({ data: { ...(input.id ? { id: input.id } : {}), ...data, ...relationData, ...nested, ...audit(ctx) } }),
    );
  }

  async update(ctx: RequestContext, id: string, input: WriteInput): Promise<Row> {
    return stored(ctx, audited(ctx, this.store.description.type, 'update', id, changedNames(input), () => {
      ctx.authorize(operationFor('update'));
      return this.write(ctx, id, input, operationFor('update'));
    }), this.store.description.name);
  }

  /** An update the policy allowed (as `update`, or as `replace` of a relationship). */
  private async write(ctx: RequestContext, id: string, input: WriteInput, operation: Operation): Promise<Row> {
    const { row: before, checked } = await this.allowed(ctx, id, operation);
    const problems: Problem[] = [];
    const { data, problems: attributeProblems } = checkAttributes(this.store.description, input.attributes ?? {}, 'update');
    problems.push(...attributeProblems);
    const relationData = await this.relationshipData(input.relationships ?? {}, problems, id, ctx);
    const nested = await this.nestedData(ctx, input, problems);
    if (problems.length) throw new ValidationError(problems);
    await this.checkRules(ctx, operation, { ...before, ...data }, relationData, input);
    return this.asChecked(id, checked, () =>
      runNested(this.store, input.created, () => this.store.delegate.update({ where: { id, ...checked }, data: { ...data, ...relationData, ...nested, ...audit(ctx) } })),
    );
  }

  /**
   * A write under row rules names, besides the id, the values its rules were
   * checked on (`checked`, row-access.ts checkedValues), so it lands only on
   * the row as checked, in the same statement: a row another request changed
   * meanwhile is not written, and the answer is 409 (try again), not 404.
   */
  private async asChecked<T>(id: string, checked: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof NotFoundError) || !Object.keys(checked).length) throw error;
      const now = await this.store.run(() => this.store.delegate.findMany({ where: { id }, select: Object.fromEntries(Object.keys(checked).map((f) => [f, true])) }));
      const row = now[0] as Record<string, unknown> | undefined;
      if (!row) throw error;
      const same = Object.entries(checked).every(([field, value]) => JSON.stringify(row[field] ?? null) === JSON.stringify(value));
      if (same) throw error;
      throw new ConflictError(`This ${this.store.description.label} changed while the write was being checked; nothing was written. Read it again and retry.`, { kind: 'id' });
    }
  }

  /** Members created with the record, each checked as its own resource's create (./nested-writes.ts). */
  private nestedData(ctx: RequestContext, input: WriteInput, problems: Problem[]): Promise<Record<string, unknown>> {
    if (!input.created) return Promise.resolve({});
    return nestedCreateData(this.store, input.created, audit(ctx), problems, (store, relationships, found) => new ResourceWrites(store, this.reads).relationshipData(relationships, found));
  }

  /**
   * The row, or a 404, for a write: the policy was asked about the write
   * itself, which does not need the `read` scope as well.
   */
  private existing(id: string): Promise<Row> {
    return this.reads.get(trustedReader, id);
  }

  /**
   * The stored row, or a 404 when it is missing or the row rule hides it, or a 403 when the rule
   * refuses `operation` on it; with the values the write must still find (`checked`, for asChecked).
   */
  private async allowed(ctx: RequestContext, id: string, operation: Operation): Promise<{ row: Row; checked: Record<string, unknown> }> {
    // Read first, then check: the write is guarded by the values read (asChecked), so the row it
    // lands on was checked at least as late as it was read.
    const row = await this.existing(id);
    if (ctx.rules && isUuid(id)) await checkStoredRow(ctx, this.store.description, id, operation, this.sql, () => notFound(this.store, id));
    return { row, checked: checkedValues(ctx, this.store.description, operation, row) };
  }

  /** Row rules run on the primary (or the write's transaction). */
  private readonly sql = (text: string, values: unknown[]) => this.store.run(() => this.store.prisma.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values));

  /**
   * The row as the write would leave it, against the write rule, before
   * anything is written; members created with it are refused when their
   * resource has a create rule (create them one by one).
   */
  private async checkRules(ctx: RequestContext, operation: Operation, row: Record<string, unknown>, relationData: Record<string, unknown>, input: WriteInput): Promise<void> {
    if (!ctx.rules) return;
    const values = { ...row };
    for (const [field, change] of Object.entries(relationData)) {
      const rel = this.store.relationship(field);
      if (!rel?.foreignKey) continue;
      const c = change as { connect?: { id: string }; disconnect?: true };
      values[rel.foreignKey] = c.connect ? c.connect.id : null;
    }
    await checkNewRow(ctx, this.store.description, operation, values, this.sql);
    for (const field of Object.keys(input.created ?? {})) {
      const rel = this.store.relationship(field);
      if (rel && ctx.rules.rows(rel.target, 'create')) throw new ForbiddenError(rowRefusal(this.store.of(rel.target).description, 'create'));
    }
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    return stored(ctx, audited(ctx, this.store.description.type, 'delete', id, [], async () => {
      ctx.authorize(operationFor('delete'));
      if (!isUuid(id)) throw notFound(this.store, id);
      const { checked } = await this.allowed(ctx, id, operationFor('delete'));
      await this.asChecked(id, checked, () => this.store.run(() => this.store.delegate.delete({ where: { id, ...checked } })));
    }));
  }

  /** Replaces a to-one (id or null) or a to-many (ids) relationship. */
  async setRelationship(ctx: RequestContext, id: string, field: string, value: RelationshipValue): Promise<Row> {
    return stored(ctx, audited(ctx, this.store.description.type, 'replace', id, [field], () => {
      ctx.authorize(operationFor('replace'));
      return this.write(ctx, id, { relationships: { [field]: value } }, operationFor('replace'));
    }), this.store.description.name);
  }

  /** Adds members to a to-many relationship (already present ones are kept once). */
  async addToRelationship(ctx: RequestContext, id: string, field: string, ids: readonly string[]): Promise<Row> {
    return this.editMembers(ctx, id, field, ids, 'add');
  }

  /** Removes members from a to-many relationship (absent ones are ignored). */
  async removeFromRelationship(ctx: RequestContext, id: string, field: string, ids: readonly string[]): Promise<Row> {
    return this.editMembers(ctx, id, field, ids, 'remove');
  }

  private async editMembers(ctx: RequestContext, id: string, field: string, ids: readonly string[], kind: 'add' | 'remove'): Promise<Row> {
    return stored(ctx, audited(ctx, this.store.description.type, kind, id, [field], () => this.changeMembers(ctx, id, field, ids, kind)), this.store.description.name);
  }

  private async changeMembers(ctx: RequestContext, id: string, field: string, ids: readonly string[], kind: 'add' | 'remove'): Promise<Row> {
    ctx.authorize(operationFor(kind));
    const rel = this.store.relationship(field);
    if (!rel) throw notARelationship(this.store, field);
    if (!rel.toMany) throw new ValidationError(relationshipMessages.toOneOnly(field), { kind: 'relationship', name: field });
    const { row: existing, checked } = await this.allowed(ctx, id, operationFor(kind));
    const link = checkLink(this.store.description, field, ids);
    if (isProblem(link)) throw new ValidationError([link]);
    await this.checkExist(rel, link.ids, ctx, kind === 'add' ? id : undefined);
    if (kind === 'remove' && rel.membersRequireOwner) {
      const current = (await currentMembers(this.store, rel, [id])).get(id) ?? [];
      if (link.ids.some((m) => current.includes(m))) throw new ValidationError([ownerRequiredProblem(this.store, rel)]);
      return existing;
    }
    const how = kind === 'add' ? 'connect' : 'disconnect';
    return this.asChecked(id, checked, () =>
      this.store.run(() => this.store.delegate.update({ where: { id, ...checked }, data: { [field]: { [how]: link.ids.map((m) => ({ id: m })) }, ...audit(ctx) } })),
    );
  }

  /**
   * Existence: a linked id with no row is a 404 naming the relationship. `owner`: the row members
   * of a one-to-many are moved into (null: one being created); undefined: nothing moves.
   */
  private async checkExist(rel: RelationshipDescription, ids: readonly string[], ctx?: RequestContext, owner?: string | null): Promise<void> {
    const missing = await missingTargets(this.store, rel, ids);
    if (missing.size) throw new NotFoundError([notFoundProblem(this.store, rel, [...missing])]);
    if (!ctx?.rules) return;
    // Row rules: a target the caller may not read is not found; members whose
    // own foreign key changes (one-to-many) must be rows the caller may update.
    const target = this.store.of(rel.target).description;
    const visible = await idsMeeting(ctx, target, ids, 'read', this.sql);
    const hidden = ids.filter((i) => !visible.has(i));
    if (hidden.length) throw new NotFoundError([notFoundProblem(this.store, rel, hidden)]);
    if (rel.toMany && !rel.joinTable) {
      const writable = await idsMeeting(ctx, target, ids, 'update', this.sql);
      if (ids.some((i) => !writable.has(i))) throw new ForbiddenError(rowRefusal(target, 'update'));
      // …and rows the caller may still update once moved (the rule's WITH CHECK): no grade moved into another's term.
      const foreignKey = target.relationships.find((r) => r.field === rel.inverse)?.foreignKey;
      if (owner !== undefined && foreignKey) {
        const moved = await idsMeetingMoved(ctx, target, ids, 'update', foreignKey, owner, this.sql);
        if (ids.some((i) => !moved.has(i))) throw new ForbiddenError(rowRefusal(target, 'update'));
      }
    }
  }

  /** Checks relationship input (create without `id`, update with it) and returns the Prisma nested-write data for it. */
  private async relationshipData(relationships: Readonly<Record<string, RelationshipValue>>, problems: Problem[], id?: string, ctx?: RequestContext): Promise<Record<string, unknown>> {
    const data: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(relationships)) {
      const link = checkLink(this.store.description, field, value);
      if (isProblem(link)) {
        problems.push(link);
        continue;
      }
      const { rel, ids } = link;
      if (!rel.toMany && !ids.length) {
        if (id) data[field] = { disconnect: true };
        continue;
      }
      await this.checkExist(rel, ids, ctx, id ?? null);
      if (rel.toMany) {
        if (id && rel.membersRequireOwner) {
          const current = (await currentMembers(this.store, rel, [id])).get(id) ?? [];
          if (dropsOwnedMember(rel, current, ids)) {
            problems.push(ownerRequiredProblem(this.store, rel));
            continue;
          }
        }
        data[field] = id ? { set: ids.map((i) => ({ id: i })) } : { connect: ids.map((i) => ({ id: i })) };
      } else {
        if (isOneToOne(this.store, rel) && (await holders(this.store, rel, ids, id)).size) {
          throw new ConflictError([takenProblem(this.store.description, rel)]);
        }
        data[field] = { connect: { id: ids[0] } };
      }
    }
    if (!id) problems.push(...missingRequired(this.store.description, relationships));
    return data;
  }
}
