// The resource service: the only code that touches Prisma for a resource.
// Both doors call these methods and nothing else; business rules (validation,
// policy checks, audit fields, error mapping) live here once.
import type { Prisma } from '../db/database.js';
import { writeOperations, type WriteKind } from './operations.js';
import { systemContext, type RequestContext } from './request-context.js';
import { ConflictError, NotFoundError, ServiceError, ValidationError, type Problem } from '../errors.js';
import { column, words, type RelationshipDescription, type ResourceDescription, type ResourceName } from './description.js';
import { mapDatabaseError } from './database-errors.js';
import { buildOrderBy, buildWhere, type FieldFilter, type ListQuery, type Where } from './query.js';
import { resources } from './registry.js';
import { checkAttributes, isUuid } from './validation.js';

/** A stored row: the model's scalar fields, camelCase, including foreign keys. */
export type Row = { id: string } & Record<string, unknown>;

export type RelationshipValue = string | null | readonly string[];

export interface WriteInput {
  /** Client-generated id (create only). */
  id?: string;
  attributes?: Readonly<Record<string, unknown>>;
  relationships?: Readonly<Record<string, RelationshipValue>>;
}

export interface ImportItem {
  /** Position in the source file, for the report. */
  row: number;
  input: WriteInput;
}

interface CheckedImportRow {
  item: ImportItem;
  data: Record<string, unknown>;
  links: Record<string, string[]>;
}

export interface ImportResult {
  created: number;
  updated: number;
  rejected: { row: number; problems: Problem[] }[];
}

export interface Page {
  rows: Row[];
  total: number;
}

/** The Prisma delegate methods the services use, the same for every model. */
interface Delegate {
  findMany(args: object): Promise<Row[]>;
  findUnique(args: object): Promise<Row | null>;
  count(args: object): Promise<number>;
  create(args: object): Promise<Row>;
  update(args: object): Promise<Row>;
  delete(args: object): Promise<Row>;
}

export const maxListLimit = 1000;

/** For the services' own look-ups during a write the policy already allowed. */
const trustedReader: RequestContext = systemContext(null);

export { writeOperations, type WriteKind };

/**
 * What the answer to a write may show: the written record as a read would
 * (`record`), or only its identity, type and id (`identity`), for a caller
 * who may write but not read.
 */
export type WriteAnswer = 'record' | 'identity';

export class ResourceService {
  constructor(
    readonly description: ResourceDescription,
    private readonly prisma: Prisma,
    private readonly services: () => Readonly<Record<ResourceName, ResourceService>>,
  ) {}

  private get delegate(): Delegate {
    return (this.prisma as unknown as Record<string, Delegate>)[this.description.model]!;
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw mapDatabaseError(this.description, error);
    }
  }

  private relationship(field: string): RelationshipDescription {
    const rel = this.description.relationships.find((r) => r.field === field);
    if (!rel) throw new ValidationError(`${field} is not a relationship of ${this.description.type}.`, { kind: 'relationship', name: field });
    return rel;
  }

  // ---- reading ---------------------------------------------------------

  /** The `where` of a list: filters and search, optionally within one parent's relationship. */
  async where(query: ListQuery, within?: Where): Promise<Where> {
    const where = await buildWhere(this.description, query, (table, column, pattern, filter) => this.regexIds(table, column, pattern, filter));
    return within ? { AND: [where, within] } : where;
  }

  async list(ctx: RequestContext, query: ListQuery = {}, within?: Where): Promise<Page> {
    ctx.authorize('read');
    const where = await this.where(query, within);
    const orderBy = buildOrderBy(this.description, query.sort);
    const take = Math.min(query.limit ?? maxListLimit, maxListLimit);
    const skip = query.offset ?? 0;
    if (!Number.isSafeInteger(skip) || skip < 0 || !Number.isSafeInteger(take) || take < 0) {
      throw new ValidationError('Page offset and limit must be whole numbers ≥ 0.', { kind: 'page', name: 'offset' });
    }
    return this.run(async () => {
      const [rows, total] = await Promise.all([this.delegate.findMany({ where, orderBy, skip, take }), this.delegate.count({ where })]);
      return { rows, total };
    });
  }

  async get(ctx: RequestContext, id: string): Promise<Row> {
    ctx.authorize('read');
    const row = isUuid(id) ? await this.run(() => this.delegate.findUnique({ where: { id } })) : null;
    if (!row) throw new NotFoundError(`${this.description.label} ${JSON.stringify(id)} not found.`, { kind: 'id' });
    return row;
  }

  /** Rows by id, in no particular order; unknown ids are left out (for loaders). */
  async getMany(ctx: RequestContext, ids: readonly string[]): Promise<Row[]> {
    ctx.authorize('read');
    const valid = [...new Set(ids.filter(isUuid))];
    if (!valid.length) return [];
    return this.run(() => this.delegate.findMany({ where: { id: { in: valid } } }));
  }

  /**
   * The related rows of many parents in one query: parent id → rows of the
   * relationship's target, filtered and sorted by `query` (no paging).
   */
  async related(ctx: RequestContext, field: string, parentIds: readonly string[], query: ListQuery = {}): Promise<Map<string, Row[]>> {
    ctx.authorize('read');
    const rel = this.relationship(field);
    const target = this.services()[rel.target];
    const inverse = target.description.relationships.find((r) => r.field === rel.inverse)!;
    const ids = [...new Set(parentIds.filter(isUuid))];
    const result = new Map<string, Row[]>(ids.map((id) => [id, []]));
    if (!ids.length) return result;
    const where = await target.where(query, this.inverseCondition(inverse, ids));
    const orderBy = buildOrderBy(target.description, query.sort);
    const rows = await target.run(() =>
      target.delegate.findMany({
        where,
        orderBy,
        ...(inverse.foreignKey ? {} : { include: { [inverse.field]: inverse.toMany ? { select: { id: true }, where: { id: { in: ids } } } : { select: { id: true } } } }),
      }),
    );
    for (const row of rows) {
      const owners = inverse.foreignKey
        ? [row[inverse.foreignKey] as string]
        : inverse.toMany
          ? (row[inverse.field] as { id: string }[]).map((o) => o.id)
          : [(row[inverse.field] as { id: string } | null)?.id];
      if (!inverse.foreignKey) delete row[inverse.field];
      for (const owner of owners) if (owner) result.get(owner)?.push(row);
    }
    return result;
  }

  /** A `where` on the target model: rows related to one of these parents. */
  private inverseCondition(inverse: RelationshipDescription, parentIds: readonly string[]): Where {
    if (inverse.foreignKey) return { [inverse.foreignKey]: { in: parentIds } };
    return { [inverse.field]: inverse.toMany ? { some: { id: { in: parentIds } } } : { is: { id: { in: parentIds } } } };
  }

  /** One parent's related rows, paged: the related endpoint (/v1/courses/ID/course_terms). */
  async relatedPage(ctx: RequestContext, id: string, field: string, query: ListQuery = {}): Promise<Page> {
    await this.get(ctx, id);
    const rel = this.relationship(field);
    const target = this.services()[rel.target];
    const inverse = target.description.relationships.find((r) => r.field === rel.inverse)!;
    return target.list(ctx, query, this.inverseCondition(inverse, [id]));
  }

  /**
   * Resource linkage of many rows: id → relationship field → id(s), in one
   * SQL query whatever the number of rows and relationships (Prisma would
   * spend one query per relationship).
   */
  async linkage(ctx: RequestContext, ids: readonly string[], fields: readonly string[]): Promise<Map<string, Record<string, string | null | string[]>>> {
    ctx.authorize('read');
    const rels = fields.map((f) => this.relationship(f));
    const valid = [...new Set(ids.filter(isUuid))];
    const result = new Map<string, Record<string, string | null | string[]>>();
    if (!valid.length || !rels.length) return result;
    // Every name below comes from the resource descriptions, never from the request.
    const columns = rels.map((rel, i) => `${this.linkageExpression(rel)} AS "l${i}"`);
    const placeholders = valid.map((_, i) => `$${i + 1}::uuid`).join(', ');
    const sql = `SELECT t.id::text AS id, ${columns.join(', ')} FROM "${this.description.table}" t WHERE t.id IN (${placeholders})`;
    const rows = await this.run(() => this.prisma.$queryRawUnsafe<Record<string, string | null | string[]>[]>(sql, ...valid));
    for (const row of rows) {
      const links: Record<string, string | null | string[]> = {};
      rels.forEach((rel, i) => (links[rel.field] = row[`l${i}`] ?? null));
      result.set(row.id as string, links);
    }
    return result;
  }

  /** The SQL giving one relationship's linkage for the row `t`: an id, or an array of ids. */
  private linkageExpression(rel: RelationshipDescription): string {
    if (rel.foreignKey) return `t."${column(rel.foreignKey)}"::text`;
    if (rel.joinTable) {
      const { table, column: own, targetColumn } = rel.joinTable;
      return `ARRAY(SELECT j."${targetColumn}"::text FROM "${table}" j WHERE j."${own}" = t.id ORDER BY 1)`;
    }
    const target = resources[rel.target];
    const inverse = target.relationships.find((r) => r.field === rel.inverse)!;
    const owner = `"${target.table}" x WHERE x."${column(inverse.foreignKey!)}" = t.id`;
    return rel.toMany ? `ARRAY(SELECT x.id::text FROM ${owner} ORDER BY 1)` : `(SELECT x.id::text FROM ${owner} LIMIT 1)`;
  }

  // ---- writing ---------------------------------------------------------

  /**
   * Everything a write needs of the policy, asked before anything is written:
   * the write itself, and what its answer may show. A caller who may read gets
   * the record back; one who may not gets its identity only, unless the
   * request explicitly asks to see more of it (`asksToRead`: an include or a
   * sparse fieldset, a GraphQL selection beyond id), which is then refused as
   * the read it is. Doors call this first, then the write.
   */
  authorizeWrite(ctx: RequestContext, kind: WriteKind, options: { asksToRead?: boolean } = {}): WriteAnswer {
    ctx.authorize(writeOperations[kind]);
    if (options.asksToRead) {
      ctx.authorize('read');
      return 'record';
    }
    return ctx.can('read') ? 'record' : 'identity';
  }

  private audit(ctx: RequestContext): Record<string, unknown> {
    return { lastModUserName: ctx.actorName, lastModDate: new Date() };
  }

  async create(ctx: RequestContext, input: WriteInput): Promise<Row> {
    ctx.authorize('create');
    const problems: Problem[] = [];
    if (input.id !== undefined && !isUuid(input.id)) problems.push({ detail: 'Must be a valid UUID.', source: { kind: 'id' } });
    const { data, problems: attributeProblems } = checkAttributes(this.description, input.attributes ?? {}, 'create');
    problems.push(...attributeProblems);
    const relationData = await this.relationshipData(input.relationships ?? {}, 'create', problems);
    if (problems.length) throw new ValidationError(problems);
    return this.run(() =>
      this.delegate.create({ data: { ...(input.id ? { id: input.id } : {}), ...data, ...relationData, ...this.audit(ctx) } }),
    );
  }

  async update(ctx: RequestContext, id: string, input: WriteInput): Promise<Row> {
    ctx.authorize('update');
    await this.existing(id);
    const problems: Problem[] = [];
    const { data, problems: attributeProblems } = checkAttributes(this.description, input.attributes ?? {}, 'update');
    problems.push(...attributeProblems);
    const relationData = await this.relationshipData(input.relationships ?? {}, 'update', problems, id);
    if (problems.length) throw new ValidationError(problems);
    return this.run(() => this.delegate.update({ where: { id }, data: { ...data, ...relationData, ...this.audit(ctx) } }));
  }

  /**
   * The row, or a 404, for a write: the policy was asked about the write
   * itself, which does not need the `read` scope as well.
   */
  private async existing(id: string): Promise<Row> {
    return this.get(trustedReader, id);
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    ctx.authorize('delete');
    if (!isUuid(id)) throw new NotFoundError(`${this.description.label} ${JSON.stringify(id)} not found.`, { kind: 'id' });
    await this.run(() => this.delegate.delete({ where: { id } }));
  }

  /** Replaces a to-one (id or null) or a to-many (ids) relationship. */
  async setRelationship(ctx: RequestContext, id: string, field: string, value: RelationshipValue): Promise<Row> {
    return this.update(ctx, id, { relationships: { [field]: value } });
  }

  /** Adds members to a to-many relationship (already present ones are kept once). */
  async addToRelationship(ctx: RequestContext, id: string, field: string, ids: readonly string[]): Promise<Row> {
    return this.editMembers(ctx, id, field, ids, 'connect');
  }

  /** Removes members from a to-many relationship (absent ones are ignored). */
  async removeFromRelationship(ctx: RequestContext, id: string, field: string, ids: readonly string[]): Promise<Row> {
    return this.editMembers(ctx, id, field, ids, 'disconnect');
  }

  /** Adding members asks the policy for `create`, removing them for `delete` (writeOperations). */
  private async editMembers(ctx: RequestContext, id: string, field: string, ids: readonly string[], how: 'connect' | 'disconnect'): Promise<Row> {
    ctx.authorize(writeOperations[how === 'connect' ? 'add' : 'remove']);
    const rel = this.relationship(field);
    if (!rel.toMany) throw new ValidationError(`${field} is a to-one relationship; replace it instead.`, { kind: 'relationship', name: field });
    const existing = await this.existing(id);
    const problems: Problem[] = [];
    const members = await this.checkLinked(rel, ids, problems);
    if (problems.length) throw new ValidationError(problems);
    if (how === 'disconnect' && rel.membersRequireOwner) {
      const current = (await this.linkage(trustedReader, [id], [field])).get(id)?.[field] as string[];
      if (members.some((m) => current.includes(m))) throw this.ownerRequired(rel);
      return existing;
    }
    return this.run(() => this.delegate.update({ where: { id }, data: { [field]: { [how]: members.map((m) => ({ id: m })) }, ...this.audit(ctx) } }));
  }

  private ownerRequired(rel: RelationshipDescription): ValidationError {
    const target = resources[rel.target];
    return new ValidationError([
      {
        detail: `A ${target.label} cannot be removed from its ${this.description.label}: delete the ${target.label}, or give it another ${this.description.label}.`,
        source: { kind: 'relationship', name: rel.field },
        refused: true,
      },
    ]);
  }

  /** Checks relationship input and returns the Prisma nested-write data for it. */
  private async relationshipData(
    relationships: Readonly<Record<string, RelationshipValue>>,
    mode: 'create' | 'update',
    problems: Problem[],
    id?: string,
  ): Promise<Record<string, unknown>> {
    const data: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(relationships)) {
      const rel = this.description.relationships.find((r) => r.field === field);
      const source = { kind: 'relationship' as const, name: field };
      if (!rel) {
        problems.push({ detail: `${field} is not a relationship of ${this.description.type}.`, source });
        continue;
      }
      if (rel.toMany !== Array.isArray(value)) {
        problems.push({ detail: rel.toMany ? 'Expected a list of ids.' : 'Expected one id or null.', source });
        continue;
      }
      if (value === null) {
        if (rel.required) problems.push({ detail: 'This field may not be null.', source });
        else if (mode === 'update') data[field] = { disconnect: true };
        continue;
      }
      const ids = await this.checkLinked(rel, Array.isArray(value) ? (value as string[]) : [value as string], problems);
      if (rel.toMany) {
        if (mode === 'update' && rel.membersRequireOwner && id) {
          const current = (await this.linkage(trustedReader, [id], [field])).get(id)?.[field] as string[];
          if (current.some((c) => !ids.includes(c))) {
            problems.push(this.ownerRequired(rel).problems[0]!);
            continue;
          }
        }
        data[field] = mode === 'create' ? { connect: ids.map((i) => ({ id: i })) } : { set: ids.map((i) => ({ id: i })) };
      } else if (ids[0]) {
        await this.checkOneToOne(rel, ids[0], id);
        data[field] = { connect: { id: ids[0] } };
      }
    }
    if (mode === 'create') {
      for (const rel of this.description.relationships) {
        if (rel.required && relationships[rel.field] === undefined) {
          problems.push({ detail: 'This field is required.', source: { kind: 'relationship', name: rel.field } });
        }
      }
    }
    return data;
  }

  /**
   * One-to-one (an instructor's person): Prisma would quietly move the person
   * from its current instructor; as in the original demo (a unique
   * OneToOneField), that is a conflict naming the relationship instead.
   */
  private async checkOneToOne(rel: RelationshipDescription, targetId: string, ownId?: string): Promise<void> {
    if (!rel.foreignKey) return;
    const inverse = resources[rel.target].relationships.find((r) => r.field === rel.inverse);
    if (inverse?.toMany !== false) return;
    const holders = await this.run(() =>
      this.delegate.findMany({ where: { [rel.foreignKey!]: targetId, ...(ownId ? { NOT: { id: ownId } } : {}) }, select: { id: true }, take: 1 }),
    );
    if (holders.length) {
      throw new ConflictError(`${this.description.label} with this ${words(rel.field)} already exists.`, { kind: 'relationship', name: rel.field });
    }
  }

  /** Every linked id must be a UUID of an existing row; a missing one is a 404 naming it. */
  private async checkLinked(rel: RelationshipDescription, ids: readonly string[], problems: Problem[]): Promise<string[]> {
    const source = { kind: 'relationship' as const, name: rel.field };
    const bad = ids.filter((i) => !isUuid(i));
    if (bad.length) {
      problems.push({ detail: `${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length > 1 ? 'are not valid UUIDs' : 'is not a valid UUID'}.`, source });
      return [];
    }
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const target = this.services()[rel.target];
    const found = await target.run(() => target.delegate.findMany({ where: { id: { in: unique } }, select: { id: true } }));
    const missing = unique.filter((i) => !found.some((f) => f.id === i));
    if (missing.length) {
      throw new NotFoundError(`${target.description.label} ${missing.map((m) => JSON.stringify(m)).join(', ')} not found.`, source);
    }
    return unique;
  }

  /**
   * Bulk load (npm run db:import): validates every row, then upserts the valid
   * ones by natural key (or id), a batch in one transaction. Invalid rows are
   * reported by their index and field; the rest still load.
   */
  async importBatch(ctx: RequestContext, items: readonly ImportItem[]): Promise<ImportResult> {
    ctx.authorize('create');
    ctx.authorize('update');
    const rejected: ImportResult['rejected'] = [];
    const linked = await this.withExistingLinks(this.checkImportRows(items, rejected), rejected);
    const checked = await this.withFreeOneToOne(linked, rejected);
    const key = this.description.attributes.find((a) => a.unique)?.field ?? 'id';
    const keyOf = (row: CheckedImportRow) => (key === 'id' ? row.item.input.id : row.data[key]) as string | undefined;
    const keys = checked.map(keyOf).filter((k): k is string => k !== undefined);
    const existing = keys.length
      ? new Set((await this.run(() => this.delegate.findMany({ where: { [key]: { in: keys } }, select: { [key]: true } }))).map((r) => r[key] as string))
      : new Set<string>();
    const audit = this.audit(ctx);
    const upsert = (row: CheckedImportRow) => this.importUpsert(row, key, keyOf(row), audit);
    let loaded = checked;
    try {
      await this.run(() => this.prisma.$transaction(checked.map((row) => upsert(row) as never)));
    } catch {
      // A row the checks cannot see (say, two rows of the batch claiming the
      // same person) failed the batch: load row by row, reporting each failure.
      loaded = [];
      for (const row of checked) {
        try {
          await this.run(() => upsert(row));
          loaded.push(row);
        } catch (error) {
          const problems = error instanceof ServiceError ? error.problems : [{ detail: 'The row could not be stored.' }];
          rejected.push({ row: row.item.row, problems });
        }
      }
    }
    const updated = loaded.filter((row) => existing.has(keyOf(row) as string)).length;
    return { created: loaded.length - updated, updated, rejected: rejected.sort((a, b) => a.row - b.row) };
  }

  /** Attribute and linkage checks of import rows; failures go to `rejected`. */
  private checkImportRows(items: readonly ImportItem[], rejected: ImportResult['rejected']): CheckedImportRow[] {
    const checked: CheckedImportRow[] = [];
    for (const item of items) {
      const problems: Problem[] = [];
      if (item.input.id !== undefined && !isUuid(item.input.id)) problems.push({ detail: 'Must be a valid UUID.', source: { kind: 'id' } });
      const { data, problems: attributeProblems } = checkAttributes(this.description, item.input.attributes ?? {}, 'create');
      problems.push(...attributeProblems);
      const links: Record<string, string[]> = {};
      for (const [field, value] of Object.entries(item.input.relationships ?? {})) {
        const rel = this.description.relationships.find((r) => r.field === field);
        const ids = value === null ? [] : ([] as string[]).concat(value as string | string[]);
        if (!rel || rel.toMany !== Array.isArray(value) || !ids.every(isUuid)) {
          problems.push({ detail: rel ? 'Not a valid id or list of ids.' : `${field} is not a relationship of ${this.description.type}.`, source: { kind: 'relationship', name: field } });
        } else links[field] = ids;
      }
      if (problems.length) rejected.push({ row: item.row, problems });
      else checked.push({ item, data, links });
    }
    return checked;
  }

  /** Drops the rows linking to rows that do not exist: one query per relationship, not per row. */
  private async withExistingLinks(rows: CheckedImportRow[], rejected: ImportResult['rejected']): Promise<CheckedImportRow[]> {
    let kept = rows;
    for (const rel of this.description.relationships) {
      const wanted = [...new Set(kept.flatMap((row) => row.links[rel.field] ?? []))];
      if (!wanted.length) continue;
      const target = this.services()[rel.target];
      const found = new Set((await target.run(() => target.delegate.findMany({ where: { id: { in: wanted } }, select: { id: true } }))).map((r) => r.id));
      kept = kept.filter((row) => {
        const missing = (row.links[rel.field] ?? []).filter((id) => !found.has(id));
        if (missing.length) {
          rejected.push({ row: row.item.row, problems: [{ detail: `${target.description.label} ${missing.join(', ')} not found.`, source: { kind: 'relationship', name: rel.field } }] });
        }
        return !missing.length;
      });
    }
    return kept;
  }

  /**
   * One-to-one links (an instructor's person) must be free: not held by
   * another row already, nor claimed by an earlier row of the batch (see
   * checkOneToOne: Prisma would quietly move them).
   */
  private async withFreeOneToOne(rows: CheckedImportRow[], rejected: ImportResult['rejected']): Promise<CheckedImportRow[]> {
    let kept = rows;
    for (const rel of this.description.relationships.filter((r) => r.foreignKey && resources[r.target].relationships.find((i) => i.field === r.inverse)?.toMany === false)) {
      const fk = rel.foreignKey!;
      const wanted = [...new Set(kept.flatMap((row) => row.links[rel.field] ?? []))];
      if (!wanted.length) continue;
      const holders = await this.run(() => this.delegate.findMany({ where: { [fk]: { in: wanted } }, select: { id: true, [fk]: true } }));
      const holder = new Map(holders.map((h) => [h[fk] as string, h.id]));
      kept = kept.filter((row) => {
        const target = row.links[rel.field]?.[0];
        if (!target) return true;
        const held = holder.get(target);
        if (held !== undefined && held !== row.item.input.id) {
          rejected.push({ row: row.item.row, problems: [{ detail: `${this.description.label} with this ${words(rel.field)} already exists.`, source: { kind: 'relationship', name: rel.field } }] });
          return false;
        }
        holder.set(target, row.item.input.id ?? `row ${row.item.row}`);
        return true;
      });
    }
    return kept;
  }

  private importUpsert(row: CheckedImportRow, key: string, keyValue: string | undefined, audit: Record<string, unknown>): Promise<Row> {
    const onCreate: Record<string, unknown> = {};
    const onUpdate: Record<string, unknown> = {};
    for (const [field, ids] of Object.entries(row.links)) {
      const rel = this.relationship(field);
      onCreate[field] = rel.toMany ? { connect: ids.map((id) => ({ id })) } : ids[0] ? { connect: { id: ids[0] } } : undefined;
      onUpdate[field] = rel.toMany ? { set: ids.map((id) => ({ id })) } : ids[0] ? { connect: { id: ids[0] } } : { disconnect: true };
    }
    return (this.delegate as unknown as { upsert(args: object): Promise<Row> }).upsert({
      // A row with neither natural key nor id is always new: match no row.
      where: keyValue === undefined ? { id: '00000000-0000-0000-0000-000000000000' } : { [key]: keyValue },
      create: { ...(row.item.input.id ? { id: row.item.input.id } : {}), ...row.data, ...onCreate, ...audit },
      update: { ...row.data, ...onUpdate, ...audit },
    });
  }

  /** Ids of rows whose column matches a POSIX regular expression (PostgreSQL `~`). */
  private async regexIds(table: string, column: string, pattern: string, filter: FieldFilter): Promise<string[]> {
    try {
      // Table and column come from the resource descriptions, never from the request.
      const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text AS id FROM "${table}" WHERE "${column}"::text ~ $1`, pattern);
      return rows.map((r) => r.id);
    } catch (error) {
      const mapped = mapDatabaseError(this.description, error);
      if (mapped !== error) throw mapped;
      throw new ValidationError(`"${pattern}" is not a valid regular expression.`, { kind: 'filter', name: `${filter.path}.regex` });
    }
  }
}

export type Services = Readonly<Record<ResourceName, ResourceService>>;

export function createServices(prisma: Prisma): Services {
  const services = {} as Record<ResourceName, ResourceService>;
  for (const description of Object.values(resources)) {
    services[description.name] = new ResourceService(description, prisma, () => services);
  }
  return services;
}

