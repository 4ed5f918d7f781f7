// The files the import reads (npm run db:import -- FILE…): a JSON catalogue
// (an object keyed by JSON:API type, as prisma/demo/demo-catalogue.json), or
// CSV of one type, its header row naming the JSON:API attribute and
// relationship names (as a registrar's spreadsheet exports it). CSV is read
// as a stream through csv-parse, one batch at a time, so a file of any size
// loads in the same memory.
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse';
import type { AttributeDescription, ResourceDescription } from './description.js';
import { catalogueStreams, checkTypes, importStreams, readCatalogue, type ImportOptions, type ImportSummary, type RowStream, type SourceRow } from './import.js';
import { importOrder } from './registry.js';
import type { RequestContext } from './request-context.js';
import type { Services } from './service.js';

export interface FileOptions {
  /** The type of the CSV files' rows; default: each file's name ("courses.csv" → courses). */
  type?: string;
}

/** Row streams for catalogue files: JSON (any types) or CSV (one type each). */
export async function fileStreams(paths: readonly string[], options: FileOptions = {}): Promise<RowStream[]> {
  const streams: RowStream[] = [];
  for (const path of paths) {
    if (extname(path).toLowerCase() === '.csv') streams.push(await csvStream(path, options.type ?? basename(path, extname(path))));
    else streams.push(...catalogueStreams(await readCatalogue(path), path));
  }
  return streams;
}

/** Loads catalogue files through the import's rules (import.ts). */
export async function importFiles(services: Services, ctx: RequestContext, paths: readonly string[], options: ImportOptions & FileOptions = {}): Promise<ImportSummary> {
  return importStreams(services, ctx, await fileStreams(paths, options), options);
}

/** Newlines in a file, read in chunks: the rows a CSV holds, give or take quoted line breaks (for progress). */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

/**
 * One CSV file's records as arrays, with the line each ends on; records of
 * the wrong length are left to the import to report, row by row. What
 * csv-parse cannot read (a stray quote) stops the reading there, naming the
 * file; batches already loaded stay loaded.
 */
async function* readCsv(path: string): AsyncGenerator<{ record: string[]; line: number }> {
  const parser = createReadStream(path).pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) yield { record, line: info.lines };
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    parser.destroy();
  }
}

export async function csvStream(path: string, type: string): Promise<RowStream> {
  checkTypes(path, [type]);
  const description = importOrder.find((d) => d.type === type)!;
  // The header is read (and checked) now, so a wrong file fails before anything loads.
  let header: string[] | undefined;
  for await (const { record } of readCsv(path)) {
    header = record.map((name) => name.trim());
    break;
  }
  if (!header) throw new Error(`${path}: empty file; expected a header row naming ${type} attributes`);
  const cells = header.map((name) => cellReader(path, description, name));
  const duplicates = header.filter((name, i) => header.indexOf(name) !== i);
  if (duplicates.length) throw new Error(`${path}: column(s) named twice: ${[...new Set(duplicates)].join(', ')}`);
  const columns = header;
  return {
    type,
    file: path,
    estimate: Math.max(0, (await countLines(path)) - 1),
    async *rows(): AsyncGenerator<SourceRow> {
      let row = -1; // the header
      for await (const { record, line } of readCsv(path)) {
        if (row++ < 0) continue;
        if (record.length !== columns.length) {
          yield { row: row - 1, line, value: undefined, problem: `expected ${columns.length} fields (${columns.join(', ')}), found ${record.length}` };
          continue;
        }
        const value: Record<string, unknown> = {};
        record.forEach((text, i) => {
          const cell = cells[i]!(text);
          if (cell !== undefined) value[columns[i]!] = cell;
        });
        yield { row: row - 1, line, value };
      }
    },
  };
}

/**
 * How one column's text becomes the value a JSON file would hold, so the
 * same rules judge both. An empty cell is null where the field may be null
 * (a to-one is cleared, a to-many emptied) and absent otherwise (a default
 * on create, the stored value kept on update); to-many cells list ids
 * separated by spaces, commas or semicolons. Text that is no number or
 * boolean stays text, and the attribute rules say what is wrong with it.
 */
function cellReader(path: string, description: ResourceDescription, name: string): (text: string) => unknown {
  if (name === 'id') return (text) => (text === '' ? undefined : text);
  const attribute = description.attributes.find((a) => a.external === name);
  if (attribute) return (text) => (text === '' ? (attribute.nullable ? null : undefined) : typed(attribute, text));
  const rel = description.relationships.find((r) => r.external === name);
  if (rel?.toMany) return (text) => text.split(/[\s,;]+/).filter(Boolean);
  if (rel) return (text) => (text === '' ? null : text);
  const known = ['id', ...description.attributes.map((a) => a.external), ...description.relationships.map((r) => r.external)];
  throw new Error(`${path}: ${JSON.stringify(name)} is no attribute or relationship of ${description.type}; expected some of ${known.join(', ')}`);
}

const numeric = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function typed(attribute: AttributeDescription, text: string): unknown {
  switch (attribute.type) {
    case 'integer':
    case 'float':
      return numeric.test(text.trim()) ? Number(text) : text;
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : text;
    }
    default:
      return text;
  }
}
