// The SQL of the services' reads: a `where` in the services' vocabulary
// (query.ts builds it in Prisma's shape: AND/OR/NOT, relation `some`/`is`,
// equals/contains/in/lt… with `mode: 'insensitive'`) compiled to one
// PostgreSQL statement per question, so that a page and its count are one
// round trip, and the related rows of many parents are one statement that
// reads at most the window each parent asked for (a LATERAL subquery with
// its own LIMIT per parent, over the index on the foreign key).
//
// Statement texts depend on the question's shape only (lists of ids and
// values are one array parameter each), never on the number of rows, ids or
// values. Every table and column name comes from the resource descriptions
// and Prisma's metadata, never from a request; values are parameters.
import type { RelationshipDescription, ResourceDescription, ResourceName } from './description.js';
import { modelOf, prismaDatamodel } from './prisma-metadata.js';
import type { Where } from './query.js';
import { resources } from './registry.js';

/** A statement and its parameters. */
export interface Statement {
  text: string;
  values: unknown[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Per model: its scalar fields as the stored row (field → column), and each field's SQL type for parameter casts. */
interface ModelColumns {
  select: (alias: string) => string;
  /** field → column */
  columns: Map<string, string>;
  /** field → SQL type of its parameters */
  types: Map<string, string>;
  /** The fields that may be NULL. */
  nullable: Set<string>;
}

const modelColumns = new Map<ResourceName, ModelColumns>();

function sqlTypeOf(field: { kind: string; type: string; nativeType?: readonly [string, readonly string[]] | null }): string {
  if (field.kind === 'enum') {
    const e = prismaDatamodel.enums.find((x) => x.name === field.type);
    return quote(e?.dbName ?? field.type);
  }
  const native = field.nativeType?.[0];
  if (native === 'Uuid') return 'uuid';
  if (native === 'Date') return 'date';
  switch (field.type) {
    case 'Int':
      return 'int4';
    case 'Float':
      return 'float8';
    case 'Boolean':
      return 'bool';
    case 'DateTime':
      return 'timestamp(3)';
    default:
      return 'text';
  }
}

export function columnsOf(description: ResourceDescription): ModelColumns {
  let found = modelColumns.get(description.name);
  if (!found) {
    const model = modelOf(prismaDatamodel, description.prismaModel)!;
    const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
    const columns = new Map(scalars.map((f) => [f.name, f.dbName ?? f.name]));
    const types = new Map(scalars.map((f) => [f.name, sqlTypeOf(f as never)]));
    const list = scalars.map((f) => [f.dbName ?? f.name, f.name] as const);
    const nullable = new Set(scalars.filter((f) => !f.isRequired).map((f) => f.name));
    found = { columns, types, nullable, select: (alias) => list.map(([c, f]) => `${alias}.${quote(c)} AS ${quote(f)}`).join(', ') };
    modelColumns.set(description.name, found);
  }
  return found;
}

/** Collects parameters: `$n::type`. */
export class Parameters {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/** A relationship hop from alias `from` (of `description`) to the target rows aliased `to`: the FROM and the join condition. */
export function hop(description: ResourceDescription, rel: RelationshipDescription, from: string, to: string): { from: string; on: string } {
  const target = resources[rel.target];
  const targetTable = quote(target.table);
  if (rel.foreignKey) return { from: `${targetTable} ${to}`, on: `${to}.id = ${from}.${quote(columnsOf(description).columns.get(rel.foreignKey)!)}` };
  if (rel.joinTable) {
    const j = `${to}j`;
    const { table, column: own, targetColumn } = rel.joinTable;
    return { from: `${quote(table)} ${j} JOIN ${targetTable} ${to} ON ${to}.id = ${j}.${quote(targetColumn)}`, on: `${j}.${quote(own)} = ${from}.id` };
  }
  const inverse = target.relationships.find((r) => r.field === rel.inverse)!;
  return { from: `${targetTable} ${to}`, on: `${to}.${quote(columnsOf(target).columns.get(inverse.foreignKey!)!)} = ${from}.id` };
}

/** The policy's read rule of a resource for this caller (undefined: every row), for the foreign keys a read shows. */
export type Visible = (target: ResourceName) => Where | undefined;

/**
 * The row's columns; with `visible`, a foreign key to a row the caller may not
 * read is NULL, so the linkage of a to-one shows no hidden id.
 */
function selectList(description: ResourceDescription, alias: string, params: Parameters, visible?: Visible): string {
  const base = columnsOf(description);
  if (!visible) return base.select(alias);
  const masked = new Map<string, string>();
  for (const rel of description.relationships) {
    const rule = rel.foreignKey ? visible(rel.target) : undefined;
    if (!rule) continue;
    const target = resources[rel.target];
    const condition = whereSql(target, rule, 'fk', params);
    masked.set(rel.foreignKey!, `(SELECT fk.id FROM ${quote(target.table)} fk WHERE fk.id = ${alias}.${quote(base.columns.get(rel.foreignKey!)!)}${condition ? ` AND ${condition}` : ''})`);
  }
  if (!masked.size) return base.select(alias);
  return [...base.columns].map(([field, column]) => `${masked.get(field) ?? `${alias}.${quote(column)}`} AS ${quote(field)}`).join(', ');
}

/**
 * Rows of `alias` with a row through `rel` (aliased `to`) meeting `condition`,
 * as an uncorrelated `IN (SELECT …)` rather than a correlated EXISTS: the set
 * does not depend on the outer row, so PostgreSQL builds it once per statement
 * (a semi-join, or a hashed subplan under OR and NOT) and keeps its cost
 * estimates near the truth. (The same hop as a correlated EXISTS under OR is
 * estimated as if run per row, hundreds of times the real cost, enough to
 * cross jit_above_cost and pay tens of milliseconds of JIT compilation on
 * every execution: a row rule's `any` of relationship paths did; see
 * docs/benchmarks.md, "Row rules".) Never NULL, so NOT means what EXISTS's did.
 */
function relatedIn(description: ResourceDescription, rel: RelationshipDescription, alias: string, to: string, condition: string | undefined): string {
  const target = resources[rel.target];
  const own = columnsOf(description);
  if (rel.foreignKey) {
    const fk = `${alias}.${quote(own.columns.get(rel.foreignKey)!)}`;
    const test = `${fk} IN (SELECT ${to}.id FROM ${quote(target.table)} ${to}${condition ? ` WHERE ${condition}` : ''})`;
    return own.nullable.has(rel.foreignKey) ? `(${fk} IS NOT NULL AND ${test})` : test;
  }
  if (rel.joinTable) {
    const j = `${to}j`;
    const { table, column, targetColumn } = rel.joinTable;
    return `${alias}.id IN (SELECT ${j}.${quote(column)} FROM ${quote(table)} ${j} JOIN ${quote(target.table)} ${to} ON ${to}.id = ${j}.${quote(targetColumn)}${condition ? ` WHERE ${condition}` : ''})`;
  }
  const inverse = target.relationships.find((r) => r.field === rel.inverse)!;
  const theirs = columnsOf(target);
  const back = `${to}.${quote(theirs.columns.get(inverse.foreignKey!)!)}`;
  const conditions = [...(theirs.nullable.has(inverse.foreignKey!) ? [`${back} IS NOT NULL`] : []), ...(condition ? [condition] : [])];
  return `${alias}.id IN (SELECT ${back} FROM ${quote(target.table)} ${to}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''})`;
}

/**
 * The key of a `where` (row-access.ts's rowRule) that stands for "the stored
 * rows meeting this condition": compiled as `id = ANY(ARRAY(SELECT id … ))`,
 * the ids of the rows the condition reaches, resolved once per statement
 * (an InitPlan) and looked up in the primary key. A top-level OR becomes one
 * SELECT per branch (UNION ALL), so that each branch's relationship path is a
 * semi-join over its own indexes. Only for stored rows: a row not yet written
 * has no id among them (checkNewRow compiles its rule inline).
 */
export const STORED_ROWS = '$storedRowsMeeting';

/** Whether a `where` goes through a relationship (then STORED_ROWS resolves it as a set; otherwise it stays a condition on the row). */
function throughRelationship(description: ResourceDescription, where: Where): boolean {
  return Object.entries(where).some(([key, value]) => {
    if (value === undefined || value === null) return false;
    if (key === 'AND' || key === 'OR' || key === 'NOT') return (Array.isArray(value) ? value : [value]).some((w) => throughRelationship(description, w as Where));
    return key === STORED_ROWS || description.relationships.some((r) => r.field === key);
  });
}

function storedRows(description: ResourceDescription, where: Where, alias: string, params: Parameters, depth: number): string | undefined {
  if (!throughRelationship(description, where)) return whereSql(description, where, alias, params, depth);
  const keys = Object.keys(where).filter((k) => where[k] !== undefined);
  const branches = keys.length === 1 && keys[0] === 'OR' && Array.isArray(where.OR) ? (where.OR as Where[]) : [where];
  if (!branches.length) return 'FALSE';
  const inner = `${alias}s`;
  const selects = branches.map((w) => {
    const condition = whereSql(description, w, inner, params, depth);
    return `SELECT ${inner}.id FROM ${quote(description.table)} ${inner}${condition ? ` WHERE ${condition}` : ''}`;
  });
  return `${alias}.id = ANY(ARRAY(${selects.join(' UNION ALL ')}))`;
}

/** Compiles a `where` of query.ts on rows of `description` aliased `alias`; undefined when it has no condition. */
export function whereSql(description: ResourceDescription, where: Where | undefined, alias: string, params: Parameters, depth = 0): string | undefined {
  if (!where) return undefined;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === STORED_ROWS) {
      const compiled = storedRows(description, value as Where, alias, params, depth);
      if (compiled) parts.push(compiled);
      continue;
    }
    if (key === 'AND' || key === 'OR') {
      const list = (Array.isArray(value) ? value : [value]) as Where[];
      const compiled = list.map((w) => whereSql(description, w, alias, params, depth));
      if (key === 'AND') {
        // Conditions without a condition ({}) hold for every row: left out.
        const kept = compiled.filter((c): c is string => c !== undefined);
        if (kept.length) parts.push(kept.length === 1 ? kept[0]! : `(${kept.join(' AND ')})`);
      } else if (!compiled.length) parts.push('FALSE');
      else if (!compiled.includes(undefined)) parts.push(`(${compiled.join(' OR ')})`);
      continue;
    }
    if (key === 'NOT') {
      const list = (Array.isArray(value) ? value : [value]) as Where[];
      for (const w of list) parts.push(`NOT (${whereSql(description, w, alias, params, depth) ?? 'TRUE'})`);
      continue;
    }
    const rel = description.relationships.find((r) => r.field === key);
    if (rel) {
      const { some, is } = value as { some?: Where; is?: Where | null };
      const inner = some ?? is;
      const to = `r${depth + 1}`;
      const condition = inner ? whereSql(resources[rel.target], inner, to, params, depth + 1) : undefined;
      parts.push(relatedIn(description, rel, alias, to, condition));
      continue;
    }
    const { columns, types } = columnsOf(description);
    const column = columns.get(key);
    if (!column) throw new Error(`${key} is not a field of ${description.prismaModel}`);
    parts.push(fieldCondition(`${alias}.${quote(column)}`, types.get(key)!, value as Record<string, unknown>, params));
  }
  if (!parts.length) return undefined;
  return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
}

function fieldCondition(column: string, type: string, condition: Record<string, unknown>, params: Parameters): string {
  const insensitive = condition.mode === 'insensitive';
  const parts: string[] = [];
  for (const [op, value] of Object.entries(condition)) {
    if (op === 'mode') continue;
    switch (op) {
      case 'equals':
        if (value === null) parts.push(`${column} IS NULL`);
        else if (insensitive) parts.push(`lower(${column}) = lower(${params.add(value, 'text')})`);
        else parts.push(`${column} = ${params.add(value, type)}`);
        break;
      case 'contains':
        // The words as they are: no LIKE wildcards to escape.
        parts.push(insensitive ? `strpos(lower(${column}), lower(${params.add(value, 'text')})) > 0` : `strpos(${column}, ${params.add(value, 'text')}) > 0`);
        break;
      case 'in':
        parts.push(`${column} = ANY(${params.add(value, `${type}[]`)})`);
        break;
      case 'lt':
        parts.push(`${column} < ${params.add(value, type)}`);
        break;
      case 'lte':
        parts.push(`${column} <= ${params.add(value, type)}`);
        break;
      case 'gt':
        parts.push(`${column} > ${params.add(value, type)}`);
        break;
      case 'gte':
        parts.push(`${column} >= ${params.add(value, type)}`);
        break;
      default:
        throw new Error(`the condition ${op} has no SQL form`);
    }
  }
  return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
}

export type OrderBy = readonly Record<string, 'asc' | 'desc'>[];

/** ORDER BY over `alias`'s columns (`reverse`: read from the end); `output`: over the output columns' aliases instead. */
export function orderSql(description: ResourceDescription, orderBy: OrderBy, alias: string, { reverse = false, output = false } = {}): string {
  const { columns } = columnsOf(description);
  return orderBy
    .flatMap((o) => Object.entries(o))
    .map(([field, direction]) => {
      const descending = (direction === 'desc') !== reverse;
      return `${alias}.${quote(output ? field : columns.get(field)!)} ${descending ? 'DESC' : 'ASC'}`;
    })
    .join(', ');
}

export interface PageQuestion {
  where?: Where;
  orderBy: OrderBy;
  offset: number;
  /** Rows to read; 0: none (only the count). */
  take: number;
  /** Read from the end of the list (the rows come back in list order all the same). */
  fromEnd?: boolean;
  count?: boolean;
  visible?: Visible;
}

/**
 * One statement: a page of rows and, when asked, the list's count. With a
 * count, every row carries it as "__total" (one row of nulls but the count
 * when the page is empty).
 */
export function pageStatement(description: ResourceDescription, q: PageQuestion): Statement {
  const params = new Parameters();
  const table = quote(description.table);
  const condition = whereSql(description, q.where, 't', params);
  const whereClause = condition ? ` WHERE ${condition}` : '';
  const rows = () =>
    `SELECT ${selectList(description, 't', params, q.visible)} FROM ${table} t${whereClause} ORDER BY ${orderSql(description, q.orderBy, 't', { reverse: q.fromEnd })}` +
    ` LIMIT ${params.add(q.take, 'int8')}${q.offset ? ` OFFSET ${params.add(q.offset, 'int8')}` : ''}`;
  if (!q.count) return { text: rows(), values: params.values };
  const count = `SELECT count(*)::int AS "__total" FROM ${table} t${whereClause}`;
  if (q.take === 0) return { text: count, values: params.values };
  return {
    text: `SELECT c."__total", p.* FROM (${count}) c LEFT JOIN LATERAL (${rows()}) p ON true ORDER BY ${orderSql(description, q.orderBy, 'p', { reverse: q.fromEnd, output: true })}`,
    values: params.values,
  };
}

export interface RelatedQuestion {
  /** The relationship of the parents' resource. */
  rel: RelationshipDescription;
  parentIds: readonly string[];
  /** On the target's rows. */
  where?: Where;
  orderBy: OrderBy;
  /** Per parent; unset: every related row. */
  offset?: number;
  take?: number;
  fromEnd?: boolean;
  count?: boolean;
  visible?: Visible;
}

/**
 * The related rows of many parents in one statement: for each parent, its
 * window of the target's rows ("__parent" names the parent), each parent's
 * count as "__total" when asked (a row of nulls but the parent and count when
 * its window is empty). Rows come back by parent, in list order.
 */
export function relatedStatement(parent: ResourceDescription, q: RelatedQuestion): Statement {
  const params = new Parameters();
  const target = resources[q.rel.target];
  const ids = params.add(q.parentIds, 'uuid[]');
  // A to-one held by the parent's foreign key goes through the parent's row; the others start from its id.
  const { from, on } = q.rel.foreignKey
    ? { from: `${quote(parent.table)} pp JOIN ${quote(target.table)} t ON t.id = pp.${quote(columnsOf(parent).columns.get(q.rel.foreignKey)!)}`, on: 'pp.id = p.id' }
    : hop(parent, q.rel, 'p', 't');
  const condition = whereSql(target, q.where, 't', params);
  const filter = `${on}${condition ? ` AND ${condition}` : ''}`;
  // Built only when used: a parameter the text does not use would have no type.
  const rows = () =>
    `SELECT ${selectList(target, 't', params, q.visible)} FROM ${from} WHERE ${filter} ORDER BY ${orderSql(target, q.orderBy, 't', { reverse: q.fromEnd })}` +
    `${q.take !== undefined ? ` LIMIT ${params.add(q.take, 'int8')}` : ''}${q.offset ? ` OFFSET ${params.add(q.offset, 'int8')}` : ''}`;
  const parents = `unnest(${ids}) WITH ORDINALITY AS p(id, n)`;
  const order = `p.n, ${orderSql(target, q.orderBy, 's', { reverse: q.fromEnd, output: true })}`;
  if (!q.count) return { text: `SELECT p.id::text AS "__parent", s.* FROM ${parents} CROSS JOIN LATERAL (${rows()}) s ORDER BY ${order}`, values: params.values };
  const count = `SELECT count(*)::int AS "__total" FROM ${from} WHERE ${filter}`;
  if (q.take === 0) return { text: `SELECT p.id::text AS "__parent", c."__total" FROM ${parents} CROSS JOIN LATERAL (${count}) c`, values: params.values };
  return {
    text: `SELECT p.id::text AS "__parent", c."__total", s.* FROM ${parents} CROSS JOIN LATERAL (${count}) c LEFT JOIN LATERAL (${rows()}) s ON true ORDER BY ${order}`,
    values: params.values,
  };
}

/** Rows by id (one array parameter), among those meeting `rule` (the policy's row rule) when given. */
export function byIdsStatement(description: ResourceDescription, ids: readonly string[], rule?: Where, visible?: Visible): Statement {
  if (!rule && !visible) return { text: `SELECT ${columnsOf(description).select('t')} FROM ${quote(description.table)} t WHERE t.id = ANY($1::uuid[])`, values: [ids] };
  const params = new Parameters();
  const idsParam = params.add(ids, 'uuid[]');
  const condition = whereSql(description, rule, 't', params);
  return { text: `SELECT ${selectList(description, 't', params, visible)} FROM ${quote(description.table)} t WHERE t.id = ANY(${idsParam})${condition ? ` AND ${condition}` : ''}`, values: params.values };
}

/** One row by id, if it meets `rule` (the policy's row rule) when given. */
export function byIdStatement(description: ResourceDescription, id: string, rule?: Where, visible?: Visible): Statement {
  if (!rule && !visible) return { text: `SELECT ${columnsOf(description).select('t')} FROM ${quote(description.table)} t WHERE t.id = $1::uuid`, values: [id] };
  const params = new Parameters();
  const idParam = params.add(id, 'uuid');
  const condition = whereSql(description, rule, 't', params);
  return { text: `SELECT ${selectList(description, 't', params, visible)} FROM ${quote(description.table)} t WHERE t.id = ${idParam}${condition ? ` AND ${condition}` : ''}`, values: params.values };
}
