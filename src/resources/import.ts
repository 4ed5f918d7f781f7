// The import use case (npm run db:import, the demo data): catalogue files (JSON
// keyed by JSON:API type, or CSV of one type; import-files.ts reads them as
// streams) loaded through the same rules as single writes (validation.ts,
// relationship-rules.ts), in batches, in the registry's dependency order.
// Each batch is checked with one query per rule, then written in one
// transaction with one statement per table (import-sql.ts). Invalid rows are
// reported by type, row and field; the rest still load.
import { readFile } from 'node:fs/promises';
import { QueryTimeoutError, ServiceError, UnavailableError, type Problem } from '../errors.js';
import type { ResourceDescription } from './description.js';
import { mapDatabaseError } from './database-errors.js';
import { keyFieldOf, newId, storedIdsBy, upsertRows, writeLinks, type BulkRow, type Written } from './import-sql.js';
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
import type { ResourceStore } from './sql.js';
import { checkAttributes, fieldMessages, isUuid } from './validation.js';
import { audit, type WriteInput } from './writes.js';
import { auditedImport } from './audit.js';

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

/** Rows wait this long for the database's transaction slot, and a batch's transaction may run this long. */
const transactionLimits = { maxWait: 60_000, timeout: 10 * 60_000 };

/**
 * One batch of one resource: every row checked, then the valid ones upserted
 * by natural key (or id) in one transaction, one statement per table.
 * Database checks ask one query per rule for the whole batch, not per row.
 */
export async function importBatch(store: ResourceStore, ctx: RequestContext, items: readonly ImportItem[]): Promise<ImportResult> {
  // One audit event per batch, and the import-row metrics (./audit.ts).
  return auditedImport(ctx, store.description.type, items.map((i) => i.input), () => importRows(store, ctx, items));
}

async function importRows(store: ResourceStore, ctx: RequestContext, items: readonly ImportItem[]): Promise<ImportResult> {
  ctx.authorize(operationFor('create'));
  ctx.authorize(operationFor('update'));
  const description = store.description;
  const rejected: ImportResult['rejected'] = [];
  const keyField = keyFieldOf(description);

  let rows = checkRows(description, items, keyField, rejected);
  await findExisting(store, rows, keyField);
  rows = await withFreeIds(store, rows, rejected);
  rows = await withExistingTargets(store, rows, rejected);
  rows = await withFreeOneToOne(store, rows, rejected);
  rows = await withOwnedMembersKept(store, rows, rejected);

  const stamp = audit(ctx);
  let created = 0;
  let updated = 0;
  // A row the checks cannot see (two rows of the file with one id, a grade's
  // student and course term taken together) fails its transaction: the batch
  // is halved until the failing rows stand alone, each reported with what the
  // database said; every other row still loads, none half-written.
  const load = async (part: CheckedRow[]): Promise<void> => {
    if (!part.length) return;
    try {
      for (const written of await writeRows(store, part, stamp)) {
        if (written.inserted) created++;
        else updated++;
      }
    } catch (error) {
      const mapped = mapDatabaseError(description, error);
      if (mapped instanceof UnavailableError || mapped instanceof QueryTimeoutError) throw mapped;
      if (part.length > 1) {
        const half = Math.ceil(part.length / 2);
        await load(part.slice(0, half));
        await load(part.slice(half));
        return;
      }
      const problems = mapped instanceof ServiceError ? mapped.problems : [{ detail: 'The row could not be stored.' }];
      rejected.push({ row: part[0]!.item.row, problems });
    }
  };
  await load(rows);
  return { created, updated, rejected: rejected.sort((a, b) => a.row - b.row) };
}

/**
 * Writes checked rows in one transaction. Rows sharing a key go in separate
 * statements, in file order (the later one updates the row the earlier one
 * wrote, as one upsert after the other would).
 */
async function writeRows(store: ResourceStore, rows: readonly CheckedRow[], stamp: Record<string, unknown>): Promise<Written[]> {
  const waves: { index: number; row: BulkRow }[][] = [];
  const seen = new Map<string, number>();
  rows.forEach((checked, index) => {
    const row: BulkRow = { id: checked.existingId ?? checked.item.input.id ?? newId(), data: checked.data, links: checked.links };
    const key = checked.key ?? row.id;
    const wave = seen.get(key) ?? 0;
    seen.set(key, wave + 1);
    (waves[wave] ??= []).push({ index, row });
  });
  return store.prisma.$transaction(async (tx) => {
    const written: Written[] = new Array<Written>(rows.length);
    for (const wave of waves) {
      const part = wave.map((w) => w.row);
      const result = await upsertRows(tx, store.description, part, stamp);
      await writeLinks(tx, store.description, part, result);
      wave.forEach((w, i) => (written[w.index] = result[i]!));
    }
    return written;
  }, transactionLimits);
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
    else {
      // PostgreSQL answers uuids in lower case: so does the import, to match them.
      const lower = id?.toLowerCase();
      checked.push({ item: lower === id ? item : { ...item, input: { ...item.input, id: lower } }, data, links, key: (keyField === 'id' ? lower : data[keyField]) as string | undefined });
    }
  }
  return checked;
}

/** Which rows update a stored one (by natural key or id), in one query. */
async function findExisting(store: ResourceStore, rows: CheckedRow[], keyField: string): Promise<void> {
  const keys = [...new Set(rows.map((r) => r.key).filter((k): k is string => k !== undefined))];
  const idOf = await store.run(() => storedIdsBy(store.prisma, store.description, keyField, keys));
  for (const row of rows) if (row.key !== undefined) row.existingId = idOf.get(row.key);
}

/** A new row's id (from the file) must not be another row's already. */
async function withFreeIds(store: ResourceStore, rows: CheckedRow[], rejected: ImportResult['rejected']): Promise<CheckedRow[]> {
  const fresh = rows.filter((row) => row.existingId === undefined && row.item.input.id !== undefined);
  const taken = await store.run(() => storedIdsBy(store.prisma, store.description, 'id', fresh.map((row) => row.item.input.id!)));
  if (!taken.size) return rows;
  return rows.filter((row) => {
    if (row.existingId !== undefined || !taken.has(row.item.input.id!)) return true;
    rejected.push({ row: row.item.row, problems: [{ detail: fieldMessages.taken(store.description.label, 'id'), source: { kind: 'id' } }] });
    return false;
  });
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

// ---- catalogues: rows of several types, in files or in memory ---------------

export interface RowReport {
  type: string;
  /** The row's position among its file's rows of its type, from 0 (-1: the whole list). */
  row: number;
  /** The file it came from, when the import read one. */
  file?: string;
  /** CSV: the line of the file the row ends on. */
  line?: number;
  /** The external (file) name of the field, or "id". */
  field?: string;
  detail: string;
}

export interface ImportSummary {
  created: Record<string, number>;
  updated: Record<string, number>;
  /** Every problem, by type in import order, then row; empty when `onRejected` took them as they came. */
  rejected: RowReport[];
  /** How many problems were reported. */
  problems: number;
}

export type Catalogue = Record<string, unknown>;

export interface ImportOptions {
  /** Rows checked and written together (one transaction); default 5,000. */
  batchSize?: number;
  /** Called after each batch with rows done and rows in all (an estimate for CSV until the end). */
  onProgress?: (done: number, total: number) => void;
  /** Takes each problem as its batch is done instead of keeping it in the summary (memory stays flat). */
  onRejected?: (report: RowReport) => void;
}

/** One row as read, before the rules: an object keyed by the file's names. */
export interface SourceRow {
  /** Position among the rows of its type in its file, from 0. */
  row: number;
  line?: number;
  value: unknown;
  /** Set when the reader could not make a row of it (a CSV record of the wrong length). */
  problem?: string;
}

/** The rows of one type from one file (or object), read on demand. */
export interface RowStream {
  type: string;
  file?: string;
  /** How many rows, or an estimate (for progress). */
  estimate: number;
  /** Set when the list itself is unusable: reported once, nothing loaded. */
  problem?: string;
  rows(): Iterable<SourceRow> | AsyncIterable<SourceRow>;
}

export const defaultBatchSize = 5_000;

/** The type names a catalogue may use, in import order. */
export const importTypes = (): string[] => importOrder.map((d) => d.type);

/** Throws naming the keys that are no type the import knows. */
export function checkTypes(where: string, types: readonly string[]): void {
  const unknown = types.filter((k) => !importOrder.some((d) => d.type === k));
  if (unknown.length) throw new Error(`${where}: unknown type(s) ${unknown.join(', ')}; expected ${importTypes().join(', ')}`);
}

export async function readCatalogue(path: string): Promise<Catalogue> {
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path}: expected an object keyed by type (courses, course_terms, …)`);
  checkTypes(path, Object.keys(parsed));
  return parsed as Catalogue;
}

/** A catalogue object (JSON) as row streams, one per type. */
export function catalogueStreams(catalogue: Catalogue, file?: string): RowStream[] {
  checkTypes(file ?? 'catalogue', Object.keys(catalogue));
  return Object.entries(catalogue).map(([type, rows]) => ({
    type,
    file,
    estimate: Array.isArray(rows) ? rows.length : 0,
    problem: Array.isArray(rows) ? undefined : 'expected a list of rows',
    *rows() {
      if (Array.isArray(rows)) for (let row = 0; row < rows.length; row++) yield { row, value: rows[row] as unknown };
    },
  }));
}

/** External (file) name → attribute field or relationship field, per resource. */
const fileNames = new WeakMap<ResourceDescription, Map<string, { attribute?: string; relationship?: string }>>();

function namesOf(description: ResourceDescription): Map<string, { attribute?: string; relationship?: string }> {
  let names = fileNames.get(description);
  if (!names) {
    names = new Map();
    for (const r of description.relationships) names.set(r.external, { relationship: r.field });
    for (const a of description.attributes) names.set(a.external, { attribute: a.field });
    fileNames.set(description, names);
  }
  return names;
}

/** A file row → the service's input, by the resource description's external names. */
function toInput(description: ResourceDescription, raw: unknown): WriteInput | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'expected an object';
  const names = namesOf(description);
  const attributes: Record<string, unknown> = {};
  const relationships: Record<string, string | null | string[]> = {};
  let id: string | undefined;
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'id') {
      id = value as string;
      continue;
    }
    const known = names.get(name);
    if (known?.attribute) attributes[known.attribute] = value;
    else if (known?.relationship) relationships[known.relationship] = value as string | null | string[];
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

/** Loads a catalogue object through the services' rules, type by type in dependency order, in batches. */
export function importCatalogue(services: Services, ctx: RequestContext, catalogue: Catalogue, options: ImportOptions = {}): Promise<ImportSummary> {
  return importStreams(services, ctx, catalogueStreams(catalogue), options);
}

/**
 * Loads row streams through the services' rules: types in dependency order
 * (streams of one type in the order given), each read batch by batch, so
 * memory holds one batch whatever the size of the file.
 */
export async function importStreams(services: Services, ctx: RequestContext, streams: readonly RowStream[], options: ImportOptions = {}): Promise<ImportSummary> {
  const batchSize = Math.max(1, options.batchSize ?? defaultBatchSize);
  const summary: ImportSummary = { created: {}, updated: {}, rejected: [], problems: 0 };
  const report = (r: RowReport) => {
    summary.problems++;
    if (options.onRejected) options.onRejected(r);
    else summary.rejected.push(r);
  };
  const position = (type: string) => importOrder.findIndex((d) => d.type === type);
  const ordered = [...streams].sort((a, b) => position(a.type) - position(b.type));
  let total = streams.reduce((n, s) => n + s.estimate, 0);
  let done = 0;
  for (const stream of ordered) {
    const description = importOrder[position(stream.type)]!;
    const { type, file } = stream;
    summary.created[type] ??= 0;
    summary.updated[type] ??= 0;
    if (stream.problem) {
      report({ type, row: -1, ...(file ? { file } : {}), detail: stream.problem });
      continue;
    }
    let batch: SourceRow[] = [];
    const flush = async () => {
      const reports: RowReport[] = [];
      const items: ImportItem[] = [];
      const lineOf = new Map<number, number>();
      for (const source of batch) {
        if (source.line !== undefined) lineOf.set(source.row, source.line);
        const at = { type, row: source.row, ...(file ? { file } : {}), ...(source.line !== undefined ? { line: source.line } : {}) };
        const input = source.problem ?? toInput(description, source.value);
        if (typeof input === 'string') reports.push({ ...at, detail: input });
        else items.push({ row: source.row, input });
      }
      const result = await importBatch(services[description.name].store, ctx, items);
      summary.created[type]! += result.created;
      summary.updated[type]! += result.updated;
      for (const { row, problems } of result.rejected) {
        const line = lineOf.get(row);
        for (const problem of problems) {
          reports.push({ type, row, ...(file ? { file } : {}), ...(line !== undefined ? { line } : {}), field: externalName(description, problem), detail: problem.detail });
        }
      }
      reports.sort((a, b) => a.row - b.row).forEach(report);
      done += batch.length;
      total = Math.max(total, done);
      batch = [];
      options.onProgress?.(done, total);
    };
    for await (const source of stream.rows()) {
      batch.push(source);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length) await flush();
  }
  if (total !== done) options.onProgress?.(done, done);
  return summary;
}
