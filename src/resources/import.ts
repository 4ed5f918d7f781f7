// The import use case (npm run db:import, the demo data): a catalogue file in
// the demo's format (keyed by JSON:API type, snake_case attributes,
// relationships as ids) loaded through the same rules as single writes
// (validation.ts, relationship-rules.ts), in batches, in the registry's
// dependency order. Invalid rows are reported by type, row and field; the
// rest still load.
import { readFile } from 'node:fs/promises';
import { ServiceError, type Problem } from '../errors.js';
import type { ResourceDescription } from './description.js';
import { operationFor } from './operations.js';
import { importOrder } from './registry.js';
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
  takenProblem,
} from './relationship-rules.js';
import type { RequestContext } from './request-context.js';
import type { Services } from './service.js';
import type { ResourceStore, Row } from './sql.js';
import { checkAttributes, fieldMessages, isUuid } from './validation.js';
import { audit, type WriteInput } from './writes.js';

export interface ImportItem {
  /** Position in the source file, for the report. */
  row: number;
  input: WriteInput;
}

export interface ImportResult {
  created: number;
  updated: number;
  rejected: { row: number; problems: Problem[] }[];
}

interface CheckedRow {
  item: ImportItem;
  data: Record<string, unknown>;
  /** Relationship field → the ids it links ([] clears a to-one). */
  links: Record<string, string[]>;
  /** Its natural key (or id); undefined: always a new row. */
  key?: string;
  /** The stored row it updates, if any. */
  existingId?: string;
}

// A row with neither natural key nor id is always new: match no row.
const noRow = '00000000-0000-0000-0000-000000000000';

/**
 * One batch of one resource: every row checked, then the valid ones upserted
 * by natural key (or id) in one transaction. Database checks ask one query per
 * relationship, not per row.
 */
export async function importBatch(store: ResourceStore, ctx: RequestContext, items: readonly ImportItem[]): Promise<ImportResult> {
  ctx.authorize(operationFor('create'));
  ctx.authorize(operationFor('update'));
  const description = store.description;
  const rejected: ImportResult['rejected'] = [];
  const keyField = description.attributes.find((a) => a.unique)?.field ?? 'id';

  let rows = checkRows(description, items, keyField, rejected);
  await findExisting(store, rows, keyField);
  rows = await withExistingTargets(store, rows, rejected);
  rows = await withFreeOneToOne(store, rows, rejected);
  rows = await withOwnedMembersKept(store, rows, rejected);

  const stamp = audit(ctx);
  const upsert = (row: CheckedRow) => upsertOf(store, row, keyField, stamp);
  let loaded = rows;
  try {
    await store.run(() => store.prisma.$transaction(rows.map((row) => upsert(row) as never)));
  } catch {
    // A row the checks cannot see (say, a client id already another row's)
    // failed the batch: load row by row, reporting each failure.
    loaded = [];
    for (const row of rows) {
      try {
        await store.run(() => upsert(row));
        loaded.push(row);
      } catch (error) {
        const problems = error instanceof ServiceError ? error.problems : [{ detail: 'The row could not be stored.' }];
        rejected.push({ row: row.item.row, problems });
      }
    }
  }
  const updated = loaded.filter((row) => row.existingId !== undefined).length;
  return { created: loaded.length - updated, updated, rejected: rejected.sort((a, b) => a.row - b.row) };
}

/** The rules that need no database: id, attributes, relationship shape and ids, required relationships. */
function checkRows(description: ResourceDescription, items: readonly ImportItem[], keyField: string, rejected: ImportResult['rejected']): CheckedRow[] {
  const checked: CheckedRow[] = [];
  for (const item of items) {
    const problems: Problem[] = [];
    const { id, attributes = {}, relationships = {} } = item.input;
    if (id !== undefined && !isUuid(id)) problems.push({ detail: fieldMessages.invalidId, source: { kind: 'id' } });
    // A file row is a whole record, created or replacing the stored one: the create rules apply.
    const { data, problems: attributeProblems } = checkAttributes(description, attributes, 'create');
    problems.push(...attributeProblems);
    const links: Record<string, string[]> = {};
    for (const [field, value] of Object.entries(relationships)) {
      const link = checkLink(description, field, value);
      if (isProblem(link)) problems.push(link);
      else links[field] = link.ids;
    }
    problems.push(...missingRequired(description, relationships));
    if (problems.length) rejected.push({ row: item.row, problems });
    else checked.push({ item, data, links, key: (keyField === 'id' ? id : data[keyField]) as string | undefined });
  }
  return checked;
}

/** Which rows update a stored one (by natural key or id), in one query. */
async function findExisting(store: ResourceStore, rows: CheckedRow[], keyField: string): Promise<void> {
  const keys = [...new Set(rows.map((r) => r.key).filter((k): k is string => k !== undefined))];
  if (!keys.length) return;
  const found = await store.run(() => store.delegate.findMany({ where: { [keyField]: { in: keys } }, select: { id: true, [keyField]: true } }));
  const idOf = new Map(found.map((r) => [r[keyField] as string, r.id]));
  for (const row of rows) if (row.key !== undefined) row.existingId = idOf.get(row.key);
}

/** Existence: drops the rows linking to rows that do not exist. */
async function withExistingTargets(store: ResourceStore, rows: CheckedRow[], rejected: ImportResult['rejected']): Promise<CheckedRow[]> {
  let kept = rows;
  for (const rel of store.description.relationships) {
    const missing = await missingTargets(store, rel, kept.flatMap((row) => row.links[rel.field] ?? []));
    if (!missing.size) continue;
    kept = kept.filter((row) => {
      const absent = (row.links[rel.field] ?? []).filter((id) => missing.has(id));
      if (absent.length) rejected.push({ row: row.item.row, problems: [notFoundProblem(store, rel, absent)] });
      return !absent.length;
    });
  }
  return kept;
}

/** One-to-one free: not held by another stored row, nor claimed by an earlier row of the batch. */
async function withFreeOneToOne(store: ResourceStore, rows: CheckedRow[], rejected: ImportResult['rejected']): Promise<CheckedRow[]> {
  let kept = rows;
  for (const rel of store.description.relationships.filter((r) => isOneToOne(store, r))) {
    const held = await holders(store, rel, kept.flatMap((row) => row.links[rel.field] ?? []));
    kept = kept.filter((row) => {
      const target = row.links[rel.field]?.[0];
      if (!target) return true;
      const self = row.existingId ?? row.item.input.id ?? `row ${row.item.row}`;
      const holder = held.get(target);
      if (holder !== undefined && holder !== self) {
        rejected.push({ row: row.item.row, problems: [takenProblem(store.description, rel)] });
        return false;
      }
      held.set(target, self);
      return true;
    });
  }
  return kept;
}

/** Owner required: a row replacing a stored one may not drop a member that needs its owner. */
async function withOwnedMembersKept(store: ResourceStore, rows: CheckedRow[], rejected: ImportResult['rejected']): Promise<CheckedRow[]> {
  let kept = rows;
  for (const rel of store.description.relationships.filter((r) => r.toMany && r.membersRequireOwner)) {
    const replacing = kept.filter((row) => row.existingId !== undefined && row.links[rel.field] !== undefined);
    if (!replacing.length) continue;
    const current = await currentMembers(store, rel, replacing.map((row) => row.existingId!));
    kept = kept.filter((row) => {
      if (!replacing.includes(row) || !dropsOwnedMember(rel, current.get(row.existingId!) ?? [], row.links[rel.field]!)) return true;
      rejected.push({ row: row.item.row, problems: [ownerRequiredProblem(store, rel)] });
      return false;
    });
  }
  return kept;
}

function upsertOf(store: ResourceStore, row: CheckedRow, keyField: string, stamp: Record<string, unknown>): Promise<Row> {
  const onCreate: Record<string, unknown> = {};
  const onUpdate: Record<string, unknown> = {};
  for (const [field, ids] of Object.entries(row.links)) {
    const rel = store.relationship(field)!;
    onCreate[field] = rel.toMany ? { connect: ids.map((id) => ({ id })) } : ids[0] ? { connect: { id: ids[0] } } : undefined;
    onUpdate[field] = rel.toMany ? { set: ids.map((id) => ({ id })) } : ids[0] ? { connect: { id: ids[0] } } : { disconnect: true };
  }
  return store.delegate.upsert({
    where: row.key === undefined ? { id: noRow } : { [keyField]: row.key },
    create: { ...(row.item.input.id ? { id: row.item.input.id } : {}), ...row.data, ...onCreate, ...stamp },
    update: { ...row.data, ...onUpdate, ...stamp },
  });
}

// ---- the catalogue file ----------------------------------------------------

export interface RowReport {
  type: string;
  row: number;
  /** The external (file) name of the field, or "id". */
  field?: string;
  detail: string;
}

export interface ImportSummary {
  created: Record<string, number>;
  updated: Record<string, number>;
  rejected: RowReport[];
}

export type Catalogue = Record<string, unknown>;

export interface ImportOptions {
  batchSize?: number;
  /** Called after each batch with rows done and rows in all. */
  onProgress?: (done: number, total: number) => void;
}

export async function readCatalogue(path: string): Promise<Catalogue> {
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path}: expected an object keyed by type (courses, course_terms, …)`);
  const unknown = Object.keys(parsed).filter((k) => !importOrder.some((d) => d.type === k));
  if (unknown.length) throw new Error(`${path}: unknown type(s) ${unknown.join(', ')}; expected ${importOrder.map((d) => d.type).join(', ')}`);
  return parsed as Catalogue;
}

/** A file row → the service's input, by the resource description's external names. */
function toInput(description: ResourceDescription, raw: unknown): WriteInput | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'expected an object';
  const attributes: Record<string, unknown> = {};
  const relationships: Record<string, string | null | string[]> = {};
  let id: string | undefined;
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'id') {
      id = value as string;
      continue;
    }
    const attribute = description.attributes.find((a) => a.external === name);
    const rel = description.relationships.find((r) => r.external === name);
    if (attribute) attributes[attribute.field] = value;
    else if (rel) relationships[rel.field] = value as string | null | string[];
    else attributes[name] = value; // reported by the attribute rules as unknown
  }
  return { id, attributes, relationships };
}

function externalName(description: ResourceDescription, problem: Problem): string | undefined {
  const s = problem.source;
  if (!s) return undefined;
  if (s.kind === 'id') return 'id';
  if (s.kind === 'attribute') return description.attributes.find((a) => a.field === s.name)?.external ?? s.name;
  if (s.kind === 'relationship') return description.relationships.find((r) => r.field === s.name)?.external ?? s.name;
  return undefined;
}

/** Loads a catalogue through the services' rules, type by type in dependency order, in batches. */
export async function importCatalogue(services: Services, ctx: RequestContext, catalogue: Catalogue, options: ImportOptions = {}): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 500;
  const summary: ImportSummary = { created: {}, updated: {}, rejected: [] };
  const total = importOrder.reduce((n, d) => n + (Array.isArray(catalogue[d.type]) ? (catalogue[d.type] as unknown[]).length : 0), 0);
  let done = 0;
  for (const description of importOrder) {
    const rows = catalogue[description.type];
    if (rows === undefined) continue;
    if (!Array.isArray(rows)) {
      summary.rejected.push({ type: description.type, row: -1, detail: 'expected a list of rows' });
      continue;
    }
    summary.created[description.type] = 0;
    summary.updated[description.type] = 0;
    for (let start = 0; start < rows.length; start += batchSize) {
      const items: ImportItem[] = [];
      rows.slice(start, start + batchSize).forEach((raw: unknown, i: number) => {
        const input = toInput(description, raw);
        if (typeof input === 'string') summary.rejected.push({ type: description.type, row: start + i, detail: input });
        else items.push({ row: start + i, input });
      });
      const result = await importBatch(services[description.name].store, ctx, items);
      summary.created[description.type]! += result.created;
      summary.updated[description.type]! += result.updated;
      for (const { row, problems } of result.rejected) {
        for (const problem of problems) summary.rejected.push({ type: description.type, row, field: externalName(description, problem), detail: problem.detail });
      }
      done += Math.min(batchSize, rows.length - start);
      options.onProgress?.(done, total);
    }
  }
  return summary;
}
