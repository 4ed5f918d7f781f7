// One resource's storage: its Prisma delegate, database errors mapped once,
// and the few questions Prisma cannot ask well, as SQL (linkage of many rows
// in one query, regular-expression matches). Every table and column name in
// the SQL below comes from the resource descriptions, never from a request.
import type { Prisma } from '../db/database.js';
import { column, type RelationshipDescription, type ResourceDescription, type ResourceName } from './description.js';
import { mapDatabaseError } from './database-errors.js';
import type { RequestContext } from './request-context.js';
import { hop, Parameters, whereSql, type Statement } from './sql-reads.js';

/** A stored row: the model's scalar fields, camelCase, including foreign keys. */
export type Row = { id: string } & Record<string, unknown>;

/** Linkage of one row: relationship field → id, null or ids. */
export type Linkage = Record<string, string | null | string[]>;

/** The Prisma delegate methods the services use, the same for every model. */
export interface Delegate {
  findMany(args: object): Promise<Row[]>;
  findUnique(args: object): Promise<Row | null>;
  count(args: object): Promise<number>;
  create(args: object): Promise<Row>;
  update(args: object): Promise<Row>;
  upsert(args: object): Promise<Row>;
  delete(args: object): Promise<Row>;
}

export class ResourceStore {
  constructor(
    readonly description: ResourceDescription,
    readonly prisma: Prisma,
    private readonly stores: () => Readonly<Record<ResourceName, ResourceStore>>,
  ) {}

  get delegate(): Delegate {
    return (this.prisma as unknown as Record<string, Delegate>)[this.description.model]!;
  }

  /** Another resource's store. */
  of(name: ResourceName): ResourceStore {
    return this.stores()[name];
  }

  /** Runs database work; what the database says becomes the services' error vocabulary (database-errors.ts). */
  async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw mapDatabaseError(this.description, error);
    }
  }

  /** The client a caller's reads go to: its reader (a replica, or the primary after its own write), else the services' own. */
  reader(ctx: RequestContext): Prisma {
    return ctx.reader ?? this.prisma;
  }

  /** Runs a read statement (sql-reads.ts) on the caller's reader; errors mapped as run() maps them. */
  query(ctx: RequestContext, statement: Statement): Promise<Row[]> {
    return this.run(() => this.reader(ctx).$queryRawUnsafe<Row[]>(statement.text, ...statement.values));
  }

  /** The relationship named `field`, from the description (undefined if there is none). */
  relationship(field: string): RelationshipDescription | undefined {
    return this.description.relationships.find((r) => r.field === field);
  }

  /** The relationship on the target that points back (every relationship has one; the registry checks). */
  inverse(rel: RelationshipDescription): RelationshipDescription {
    return this.of(rel.target).description.relationships.find((r) => r.field === rel.inverse)!;
  }

  /** Which of these ids exist, in one query. */
  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.run(() => this.delegate.findMany({ where: { id: { in: [...ids] } }, select: { id: true } }));
    return new Set(rows.map((r) => r.id));
  }

  /** For a foreign key: target id → the id of the row holding it, among `targetIds`, in one query. */
  async holders(foreignKey: string, targetIds: readonly string[], exceptId?: string): Promise<Map<string, string>> {
    if (!targetIds.length) return new Map();
    const rows = await this.run(() =>
      this.delegate.findMany({ where: { [foreignKey]: { in: [...targetIds] }, ...(exceptId ? { NOT: { id: exceptId } } : {}) }, select: { id: true, [foreignKey]: true } }),
    );
    return new Map(rows.map((r) => [r[foreignKey] as string, r.id]));
  }

  /**
   * Linkage of many rows: id → relationship field → id(s), in one SQL query
   * whatever the number of rows and relationships (Prisma would spend one
   * query per relationship). `ids` must be UUIDs. With `ctx`, on that
   * caller's reader; without, on the primary (the writes' checks).
   */
  async linkage(ids: readonly string[], rels: readonly RelationshipDescription[], ctx?: RequestContext): Promise<Map<string, Linkage>> {
    const result = new Map<string, Linkage>();
    if (!ids.length || !rels.length) return result;
    // The policy's row rules: only rows the caller may read, linked to targets it may read (src/resources/row-access.ts).
    const rules = ctx?.rules;
    const params = new Parameters();
    // One array parameter: the statement's text is the same whatever the number of ids.
    const idsParam = params.add(ids, 'uuid[]');
    const columns = rels.map((rel, i) => {
      const targetRule = rules?.rows(rel.target, 'read');
      return `${targetRule ? this.visibleLinkage(rel, targetRule, params) : this.linkageExpression(rel)} AS "l${i}"`;
    });
    const ownRule = rules?.rows(this.description.name, 'read');
    const own = ownRule ? whereSql(this.description, ownRule, 't', params) : undefined;
    const sql = `SELECT t.id::text AS id, ${columns.join(', ')} FROM "${this.description.table}" t WHERE t.id = ANY(${idsParam})${own ? ` AND ${own}` : ''}`;
    const rows = await this.run(() => (ctx ? this.reader(ctx) : this.prisma).$queryRawUnsafe<Record<string, string | null | string[]>[]>(sql, ...params.values));
    for (const row of rows) {
      const links: Linkage = {};
      rels.forEach((rel, i) => (links[rel.field] = row[`l${i}`] ?? null));
      result.set(row.id as string, links);
    }
    return result;
  }

  /** One relationship's linkage for the row `t`, only to target rows meeting `rule`. */
  private visibleLinkage(rel: RelationshipDescription, rule: Record<string, unknown>, params: Parameters): string {
    const { from, on } = hop(this.description, rel, 't', 'x');
    const condition = whereSql(this.of(rel.target).description, rule, 'x', params);
    const rows = `FROM ${from} WHERE ${on}${condition ? ` AND ${condition}` : ''}`;
    return rel.toMany ? `ARRAY(SELECT x.id::text ${rows} ORDER BY 1)` : `(SELECT x.id::text ${rows} LIMIT 1)`;
  }

  /** The SQL giving one relationship's linkage for the row `t`: an id, or an array of ids. */
  private linkageExpression(rel: RelationshipDescription): string {
    if (rel.foreignKey) return `t."${column(rel.foreignKey)}"::text`;
    if (rel.joinTable) {
      const { table, column: own, targetColumn } = rel.joinTable;
      return `ARRAY(SELECT j."${targetColumn}"::text FROM "${table}" j WHERE j."${own}" = t.id ORDER BY 1)`;
    }
    const target = this.of(rel.target).description;
    const inverse = this.inverse(rel);
    const owner = `"${target.table}" x WHERE x."${column(inverse.foreignKey!)}" = t.id`;
    return rel.toMany ? `ARRAY(SELECT x.id::text FROM ${owner} ORDER BY 1)` : `(SELECT x.id::text FROM ${owner} LIMIT 1)`;
  }

  /**
   * Ids of rows of `table` whose `sqlColumn` matches a POSIX regular
   * expression (PostgreSQL `~`); the pattern was screened first (regex-screen.ts).
   * Throws what the database says, mapped; undefined-mapped errors are the caller's.
   */
  async regexIds(ctx: RequestContext, table: string, sqlColumn: string, pattern: string): Promise<string[]> {
    const rows = await this.reader(ctx).$queryRawUnsafe<{ id: string }[]>(`SELECT id::text AS id FROM "${table}" WHERE "${sqlColumn}"::text ~ $1`, pattern);
    return rows.map((r) => r.id);
  }
}
