// The policy's row and field rules (ctx.rules, src/auth/rules.ts) applied to the
// services' statements: a rule is a `where` on the resource's rows, AND-ed into
// every read (lists, counts, single rows, related rows, linkage) and checked
// before every write, in SQL, never after the fact (docs/policy.md). Without
// rules nothing here changes a statement.
import { ForbiddenError, ValidationError, type Problem } from '../errors.js';
import type { ResourceDescription, ResourceName } from './description.js';
import type { Operation } from './operations.js';
import type { ListQuery, Where } from './query.js';
import { resources } from './registry.js';
import type { AccessRules, RequestContext } from './request-context.js';
import { columnsOf, Parameters, STORED_ROWS, whereSql } from './sql-reads.js';

/**
 * The condition stored rows of `resource` must meet for `operation`, for this
 * caller; undefined: every row. A rule through relationships is resolved once
 * per statement into the ids of the rows it reaches (sql-reads.ts STORED_ROWS),
 * rather than tested row by row.
 */
export function rowRule(ctx: RequestContext, resource: ResourceName, operation: Operation = 'read'): Where | undefined {
  const rule = ctx.rules?.rows(resource, operation);
  return rule && { [STORED_ROWS]: rule };
}

/** The rule as a condition on the row's own columns and paths: for a row as a write would leave it, not stored yet. */
function ruleOnRow(ctx: RequestContext, resource: ResourceName, operation: Operation): Where | undefined {
  return ctx.rules?.rows(resource, operation);
}

/** For the statements' foreign keys (sql-reads.ts selectList): each target's read rule; undefined without rules. */
export function visibleTo(ctx: RequestContext): ((target: ResourceName) => Where | undefined) | undefined {
  const rules = ctx.rules;
  return rules ? (target) => rules.rows(target, 'read') : undefined;
}

/** Conditions AND-ed, the undefined ones left out. */
export function allOf(...wheres: (Where | undefined)[]): Where | undefined {
  const kept = wheres.filter((w): w is Where => !!w && Object.keys(w).length > 0);
  if (!kept.length) return undefined;
  return kept.length === 1 ? kept[0] : { AND: kept };
}

/**
 * A filter's (or search's) relation hops restricted to the rows the caller may
 * read: `course_terms.grades.grade_value` looks only at visible grades, so a
 * filter cannot probe a hidden row's fields.
 */
export function guardHops(description: ResourceDescription, where: Where, rules: AccessRules | undefined): Where {
  if (!rules) return where;
  const out: Where = {};
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === 'AND' || key === 'OR' || key === 'NOT') {
      out[key] = Array.isArray(value) ? (value as Where[]).map((w) => guardHops(description, w, rules)) : guardHops(description, value as Where, rules);
      continue;
    }
    const rel = description.relationships.find((r) => r.field === key);
    if (!rel) {
      out[key] = value;
      continue;
    }
    const { some, is } = value as { some?: Where; is?: Where };
    const target = resources[rel.target];
    const inner = allOf(guardHops(target, (some ?? is ?? {}), rules), rules.rows(target.name, 'read')) ?? {};
    out[key] = some !== undefined ? { some: inner } : { is: inner };
  }
  return out;
}

/**
 * Sort keys and filter paths naming an attribute the caller may not read are
 * refused as an unknown one would be (query.ts's messages).
 */
export function refuseHidden(ctx: RequestContext, description: ResourceDescription, query: ListQuery): void {
  if (!ctx.rules) return;
  const problems: Problem[] = [];
  for (const filter of query.filters ?? []) {
    if (pathHidden(ctx.rules, description, filter.path)) {
      problems.push({ detail: `${filter.path} is not a filterable field of ${description.type}.`, source: { kind: 'filter', name: `${filter.path}.${filter.lookup}` } });
    }
  }
  const hidden = ctx.rules.hidden(description.name);
  for (const { field } of query.sort ?? []) {
    if (hidden?.has(field)) problems.push({ detail: `${field} is not a sortable field of ${description.type}.`, source: { kind: 'sort', name: field } });
  }
  if (problems.length) throw new ValidationError(problems);
}

function pathHidden(rules: AccessRules, description: ResourceDescription, path: string): boolean {
  const parts = path.split('.');
  let current = description;
  for (const part of parts.slice(0, -1)) {
    const rel = current.relationships.find((r) => r.field === part);
    if (!rel) return false;
    current = resources[rel.target];
  }
  return !!rules.hidden(current.name)?.has(parts[parts.length - 1]!);
}

/** The attributes (fields) of `resource` the caller may not read; undefined: none. */
export function hiddenAttributes(ctx: RequestContext, resource: ResourceName): ReadonlySet<string> | undefined {
  return ctx.rules?.hidden(resource);
}

/** Leaves out of a row the attributes this caller may not read (JSON:API omits them; GraphQL answers FORBIDDEN at their path). */
export function withoutHidden<T extends Record<string, unknown>>(ctx: RequestContext, resource: ResourceName, rows: T[]): T[] {
  const hidden = ctx.rules?.hidden(resource);
  if (!hidden) return rows;
  for (const row of rows) for (const field of hidden) delete row[field];
  return rows;
}

/**
 * The written row's own fields (attributes, foreign keys) that the caller's
 * read rule and `operation`'s rule look at, with their values in `row` (the
 * row as checked): a write under row rules applies only while they are still
 * so (writes.ts), so a row changed between the check and the write (moved to
 * another's course term, say) is not written. Empty without such rules.
 */
export function checkedValues(ctx: RequestContext, description: ResourceDescription, operation: Operation, row: Record<string, unknown>): Record<string, unknown> {
  const fields = new Set<string>();
  const walk = (where: Where): void => {
    for (const [key, value] of Object.entries(where)) {
      if (value === undefined) continue;
      if (key === 'AND' || key === 'OR' || key === 'NOT') {
        for (const inner of Array.isArray(value) ? (value as Where[]) : [value as Where]) walk(inner);
        continue;
      }
      const rel = description.relationships.find((r) => r.field === key);
      // A to-one through the row's own foreign key; to-many paths go through other rows.
      if (rel) {
        if (rel.foreignKey) fields.add(rel.foreignKey);
      } else fields.add(key);
    }
  };
  for (const op of new Set<Operation>(['read', operation])) {
    const rule = ruleOnRow(ctx, description.name, op);
    if (rule) walk(rule);
  }
  const values: Record<string, unknown> = {};
  for (const field of fields) if (field in row) values[field] = row[field] ?? null;
  return values;
}

/**
 * A stored row against the read and the write rule, in one statement: a row
 * the caller may not read is 404 (`notFound`), one it may read but not write is 403.
 */
export async function checkStoredRow(
  ctx: RequestContext,
  description: ResourceDescription,
  id: string,
  operation: Operation,
  query: (text: string, values: unknown[]) => Promise<Record<string, unknown>[]>,
  notFound: () => Error,
): Promise<void> {
  // One stored row: its own condition, not the set of all the rows the rule reaches.
  const read = ruleOnRow(ctx, description.name, 'read');
  const write = ruleOnRow(ctx, description.name, operation);
  if (!read && !write) return;
  const params = new Parameters();
  const idParam = params.add(id, 'uuid');
  const visible = whereSql(description, read, 't', params) ?? 'TRUE';
  const writable = whereSql(description, write, 't', params) ?? 'TRUE';
  const rows = await query(`SELECT ${visible} AS "visible", ${writable} AS "writable" FROM "${description.table}" t WHERE t.id = ${idParam}`, params.values);
  if (!rows[0]?.visible) throw notFound();
  if (!rows[0].writable) throw new ForbiddenError(refusal(description, operation));
}

/**
 * A row as it would be after a write (its scalar fields and foreign keys;
 * to-many relationships as stored), against the write rule: checked before
 * anything is written. A new row has no members yet.
 */
export async function checkNewRow(
  ctx: RequestContext,
  description: ResourceDescription,
  operation: Operation,
  values: Record<string, unknown>,
  query: (text: string, values: unknown[]) => Promise<Record<string, unknown>[]>,
): Promise<void> {
  const rule = ruleOnRow(ctx, description.name, operation);
  if (!rule) return;
  const params = new Parameters();
  const { columns, types } = columnsOf(description);
  const select = [...columns].map(([field, column]) => `${params.add(values[field] ?? null, types.get(field)!)} AS "${column}"`).join(', ');
  const condition = whereSql(description, rule, 't', params) ?? 'TRUE';
  const rows = await query(`SELECT ${condition} AS "ok" FROM (SELECT ${select}) t`, params.values);
  if (!rows[0]?.ok) throw new ForbiddenError(refusal(description, operation));
}

const refusal = (description: ResourceDescription, operation: Operation) =>
  `The policy's row rule does not let this caller ${operation} this ${description.label}.`;

/** Of `ids`, those whose rows meet the rule for `operation` (all of them when there is none). */
export async function idsMeeting(
  ctx: RequestContext,
  description: ResourceDescription,
  ids: readonly string[],
  operation: Operation,
  query: (text: string, values: unknown[]) => Promise<Record<string, unknown>[]>,
): Promise<Set<string>> {
  const rule = ruleOnRow(ctx, description.name, operation);
  if (!rule || !ids.length) return new Set(ids);
  const params = new Parameters();
  const idsParam = params.add(ids, 'uuid[]');
  const condition = whereSql(description, rule, 't', params) ?? 'TRUE';
  const rows = await query(`SELECT t.id::text AS id FROM "${description.table}" t WHERE t.id = ANY(${idsParam}) AND ${condition}`, params.values);
  return new Set(rows.map((r) => r.id as string));
}

/**
 * Of `ids` (rows of `description`), those that meet the rule for `operation`
 * as they would be with their foreign key `foreignKey` set to `owner`: members
 * moved into a one-to-many (a grade added to a term's `grades`) are checked as
 * the move leaves them, as checkNewRow checks a written row. `owner` null: a
 * row not stored yet (a create), which no path through it reaches.
 */
export async function idsMeetingMoved(
  ctx: RequestContext,
  description: ResourceDescription,
  ids: readonly string[],
  operation: Operation,
  foreignKey: string,
  owner: string | null,
  query: (text: string, values: unknown[]) => Promise<Record<string, unknown>[]>,
): Promise<Set<string>> {
  const rule = ruleOnRow(ctx, description.name, operation);
  if (!rule || !ids.length) return new Set(ids);
  const params = new Parameters();
  const { columns, types } = columnsOf(description);
  const idsParam = params.add(ids, 'uuid[]');
  const ownerParam = params.add(owner, types.get(foreignKey)!);
  const select = [...columns].map(([field, column]) => `${field === foreignKey ? ownerParam : `m."${column}"`} AS "${column}"`).join(', ');
  const condition = whereSql(description, rule, 't', params) ?? 'TRUE';
  const rows = await query(`SELECT t.id::text AS id FROM (SELECT ${select} FROM "${description.table}" m WHERE m.id = ANY(${idsParam})) t WHERE ${condition}`, params.values);
  return new Set(rows.map((r) => r.id as string));
}

export { refusal as rowRefusal };
