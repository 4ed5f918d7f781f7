// Loads a catalogue file (the demo's format: keyed by JSON:API type, snake_case
// attributes, relationships as ids) through the resource services, in batches.
import { readFile } from 'node:fs/promises';
import type { RequestContext } from '../resources/request-context.js';
import type { Problem } from '../errors.js';
import type { ResourceDescription } from '../resources/description.js';
import { resources } from '../resources/registry.js';
import type { ImportItem, Services } from '../resources/service.js';

/** Types in dependency order: a row's relationships point at rows loaded before it. */
const order = [resources.person, resources.course, resources.courseTerm, resources.instructor, resources.student, resources.grade];

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
  const unknown = Object.keys(parsed).filter((k) => !order.some((d) => d.type === k));
  if (unknown.length) throw new Error(`${path}: unknown type(s) ${unknown.join(', ')}; expected ${order.map((d) => d.type).join(', ')}`);
  return parsed as Catalogue;
}

/** A file row → the service's input, by the resource description's external names. */
function toInput(description: ResourceDescription, raw: unknown): ImportItem['input'] | string {
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
    else attributes[name] = value; // reported by the service as unknown
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

export async function importCatalogue(services: Services, ctx: RequestContext, catalogue: Catalogue, options: ImportOptions = {}): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 500;
  const summary: ImportSummary = { created: {}, updated: {}, rejected: [] };
  const total = order.reduce((n, d) => n + (Array.isArray(catalogue[d.type]) ? (catalogue[d.type] as unknown[]).length : 0), 0);
  let done = 0;
  for (const description of order) {
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
      const result = await services[description.name].importBatch(ctx, items);
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
