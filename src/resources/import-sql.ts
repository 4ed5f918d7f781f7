// The import's bulk writes: many checked rows of one resource upserted in one
// statement (INSERT … SELECT FROM json_populate_recordset … ON CONFLICT … DO
// UPDATE), and their links to other rows in one statement per relationship.
// Every table and column name comes from the resource descriptions and
// Prisma's metadata (description.ts, prisma-metadata.ts), never from a file;
// every value travels in one JSON parameter.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../db/database.js';
import type { RelationshipDescription, ResourceDescription } from './description.js';
import { fieldOf, modelOf, prismaDatamodel } from './prisma-metadata.js';
import { resources } from './registry.js';
import { formatDate } from './validation.js';

/** What the writes need of a client or transaction. */
export type SqlRunner = Pick<Prisma, '$queryRawUnsafe' | '$executeRawUnsafe'>;

/** One row to write: checked values by Prisma field, and the ids each relationship links. */
export interface BulkRow {
  /** The id a new row gets: the file's, else a fresh UUID (Prisma's @default(uuid()) is the client's, not the database's). */
  id: string;
  data: Readonly<Record<string, unknown>>;
  /** Relationship field → ids ([] clears a to-one); absent: left as it is. */
  links: Readonly<Record<string, readonly string[]>>;
}

/** What one upsert did to one row: the stored id and whether it was new. */
export interface Written {
  id: string;
  inserted: boolean;
}

const sqlName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A quoted SQL identifier; names come from Prisma's metadata, checked anyway. */
function quote(name: string): string {
  if (!sqlName.test(name)) throw new Error(`unexpected SQL name ${JSON.stringify(name)} in Prisma's metadata`);
  return `"${name}"`;
}

/** The SQL column of a Prisma field of a model (its @map, else its name). */
function columnOf(prismaModel: string, field: string): string {
  const model = modelOf(prismaDatamodel, prismaModel);
  const f = model && fieldOf(model, field);
  if (!f) throw new Error(`${prismaModel}.${field} is not in Prisma's metadata`);
  return f.dbName ?? f.name;
}

/** The primary key column (Prisma's @id). */
export function idColumn(description: ResourceDescription): string {
  const id = modelOf(prismaDatamodel, description.prismaModel)?.fields.find((f) => f.isId);
  if (!id) throw new Error(`${description.prismaModel} has no single @id in Prisma's metadata`);
  return id.dbName ?? id.name;
}

/** The field a row is matched by on re-import: the first unique attribute, else the id. */
export function keyFieldOf(description: ResourceDescription): string {
  return description.attributes.find((a) => a.unique)?.field ?? 'id';
}

/** A value as json_populate_recordset reads it into the column's own type. */
function jsonValue(value: unknown): unknown {
  return value instanceof Date ? formatDate(value) : value;
}

/** How a resource's rows become records of its table's columns, worked out once. */
interface TableShape {
  table: string;
  id: string;
  key: string;
  /** Prisma field (attributes and to-one foreign keys) → column. */
  columns: Map<string, string>;
  foreignKeys: Map<string, string>;
}

const shapes = new WeakMap<ResourceDescription, TableShape>();

function tableShape(description: ResourceDescription): TableShape {
  let shape = shapes.get(description);
  if (!shape) {
    const id = idColumn(description);
    const keyField = keyFieldOf(description);
    shape = {
      table: quote(description.table),
      id,
      key: keyField === 'id' ? id : columnOf(description.prismaModel, keyField),
      columns: new Map(description.attributes.map((a) => [a.field, a.column])),
      foreignKeys: new Map(description.relationships.filter((r) => r.foreignKey).map((r) => [r.field, columnOf(description.prismaModel, r.foreignKey!)])),
    };
    shapes.set(description, shape);
  }
  return shape;
}

/**
 * The stored rows whose `field` (the key field, or "id") has one of these
 * values: value → stored id, in one query. The values travel as JSON and are
 * read with the table's own column type, so the column's index serves.
 */
export async function storedIdsBy(sql: SqlRunner, description: ResourceDescription, field: string, values: readonly unknown[]): Promise<Map<string, string>> {
  if (!values.length) return new Map();
  const { table, id } = tableShape(description);
  const name = field === 'id' ? id : columnOf(description.prismaModel, field);
  const column = quote(name);
  const rows = await sql.$queryRawUnsafe<{ id: string; value: string }[]>(
    `SELECT t.${quote(id)}::text AS id, t.${column}::text AS value FROM ${table} t WHERE t.${column} IN (SELECT v.${column} FROM json_populate_recordset(NULL::${table}, $1::json) v)`,
    JSON.stringify(values.map((value) => ({ [name]: value }))),
  );
  return new Map(rows.map((r) => [r.value, r.id]));
}

/**
 * Upserts rows of one resource. Rows are grouped by the fields they give (a
 * field a row leaves out keeps its stored value, or gets its default when
 * new), one statement per group; the caller makes sure no two rows share a
 * key. Returns, in the rows' order, the stored id and whether it was inserted.
 */
export async function upsertRows(sql: SqlRunner, description: ResourceDescription, rows: readonly BulkRow[], stamp: Readonly<Record<string, unknown>>): Promise<Written[]> {
  const { table, id, key, columns, foreignKeys } = tableShape(description);
  const stamped: [string, unknown][] = Object.entries(stamp).map(([field, value]) => [columns.get(field)!, jsonValue(value)]);

  const groups = new Map<string, { columns: string[]; rows: { index: number; record: Record<string, unknown> }[] }>();
  rows.forEach((row, index) => {
    const record: Record<string, unknown> = { [id]: row.id };
    for (const field in row.data) record[columns.get(field)!] = jsonValue(row.data[field]);
    for (const field in row.links) {
      const fk = foreignKeys.get(field);
      if (fk) record[fk] = row.links[field]![0] ?? null;
    }
    for (const [column, value] of stamped) record[column] = value;
    const shape = Object.keys(record).join(',');
    let group = groups.get(shape);
    if (!group) groups.set(shape, (group = { columns: Object.keys(record), rows: [] }));
    group.rows.push({ index, record });
  });

  const written: Written[] = new Array<Written>(rows.length);
  for (const group of groups.values()) {
    const names = group.columns.map(quote).join(', ');
    const updates = group.columns.filter((c) => c !== id && c !== key).map((c) => `${quote(c)} = EXCLUDED.${quote(c)}`);
    const statement =
      `INSERT INTO ${table} AS t (${names}) SELECT ${names} FROM json_populate_recordset(NULL::${table}, $1::json) ` +
      `ON CONFLICT (${quote(key)}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'} ` +
      `RETURNING t.${quote(id)}::text AS id, t.${quote(key)}::text AS key, (t.xmax = 0) AS inserted`;
    const result = await sql.$queryRawUnsafe<{ id: string; key: string | null; inserted: boolean }[]>(statement, JSON.stringify(group.rows.map((r) => r.record)));
    const byKey = new Map(result.map((r) => [r.key, r]));
    for (const { index, record } of group.rows) {
      const stored = byKey.get(String(record[key] ?? record[id]));
      if (!stored) throw new Error(`${description.type}: a row was neither inserted nor updated`);
      written[index] = { id: stored.id, inserted: stored.inserted };
    }
  }
  return written;
}

/**
 * The links of rows already written that live outside their own row: the
 * inverse side of a foreign key (a course's course terms, a person's
 * instructor) and many-to-many join tables. The ids given replace the current
 * ones, as a single write's `set` does; a one-to-many member claimed by
 * several rows goes to the last, a many-to-many keeps every pair (a term
 * taught by two instructors is linked to both).
 */
export async function writeLinks(sql: SqlRunner, description: ResourceDescription, rows: readonly BulkRow[], written: readonly Written[]): Promise<void> {
  for (const rel of description.relationships) {
    if (rel.foreignKey) continue;
    const owners: string[] = [];
    // One-to-many: target id → owner id (a target has one owner; the last row wins).
    const pairs = new Map<string, string>();
    // Many-to-many: every pair (a target has many owners).
    const joined: { t: string; o: string }[] = [];
    rows.forEach((row, i) => {
      const ids = row.links[rel.field];
      if (!ids) return;
      owners.push(written[i]!.id);
      for (const target of ids) {
        joined.push({ t: target, o: written[i]!.id });
        pairs.delete(target);
        pairs.set(target, written[i]!.id);
      }
    });
    if (!owners.length) continue;
    if (rel.joinTable) {
      await replaceJoinRows(sql, rel, owners, JSON.stringify(joined));
      continue;
    }
    await replaceInverseForeignKeys(sql, rel, owners, [...pairs.keys()], JSON.stringify([...pairs].map(([t, o]) => ({ t, o }))));
  }
}

const uuidsOf = (param: string) => `(SELECT value::uuid FROM json_array_elements_text(${param}::json))`;

async function replaceJoinRows(sql: SqlRunner, rel: RelationshipDescription, owners: readonly string[], links: string): Promise<void> {
  const { table, column, targetColumn } = rel.joinTable!;
  await sql.$executeRawUnsafe(`DELETE FROM ${quote(table)} WHERE ${quote(column)} IN ${uuidsOf('$1')}`, JSON.stringify(owners));
  await sql.$executeRawUnsafe(
    `INSERT INTO ${quote(table)} (${quote(column)}, ${quote(targetColumn)}) SELECT v.o, v.t FROM json_to_recordset($1::json) AS v(t uuid, o uuid) ON CONFLICT DO NOTHING`,
    links,
  );
}

async function replaceInverseForeignKeys(sql: SqlRunner, rel: RelationshipDescription, owners: readonly string[], members: readonly string[], links: string): Promise<void> {
  const target = resources[rel.target];
  const inverse = target.relationships.find((r) => r.field === rel.inverse);
  if (!inverse?.foreignKey) throw new Error(`${target.type}.${rel.inverse} holds no foreign key`);
  const table = quote(target.table);
  const fk = quote(columnOf(target.prismaModel, inverse.foreignKey));
  const id = quote(idColumn(target));
  // Members no longer listed leave their owner (the owner-required rule has kept any that may not).
  await sql.$executeRawUnsafe(`UPDATE ${table} SET ${fk} = NULL WHERE ${fk} IN ${uuidsOf('$1')} AND ${id} NOT IN ${uuidsOf('$2')}`, JSON.stringify(owners), JSON.stringify(members));
  if (members.length) await sql.$executeRawUnsafe(`UPDATE ${table} AS x SET ${fk} = v.o FROM json_to_recordset($1::json) AS v(t uuid, o uuid) WHERE x.${id} = v.t`, links);
}

export const newId = (): string => randomUUID();
