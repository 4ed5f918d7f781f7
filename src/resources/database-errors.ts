// Maps what the database says to the services' error vocabulary, once.
import { ConflictError, NotFoundError, QueryTimeoutError, ServiceError, UnavailableError, ValidationError, type ErrorSource } from '../errors.js';
import { words, type ResourceDescription } from './description.js';
import { fieldMessages } from './validation.js';

interface PrismaLikeError {
  code?: string;
  message?: string;
  meta?: {
    target?: string | string[];
    driverAdapterError?: { cause?: { kind?: string; code?: string; originalCode?: string; constraint?: { fields?: string[]; index?: string } } };
  };
}

/** SQLSTATE query_canceled: statement_timeout ran out (or an operator cancelled the statement). */
const queryCanceled = '57014';

const unavailableCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
const unavailableKinds = new Set(['DatabaseNotReachable', 'DatabaseDoesNotExist', 'SocketTimeout', 'TooManyConnections', 'ConnectionClosed']);

/** The columns of a unique constraint, from the adapter's error (fields, or the index name). */
function conflictColumns(description: ResourceDescription, error: PrismaLikeError): string[] {
  const constraint = error.meta?.driverAdapterError?.cause?.constraint;
  if (constraint?.fields?.length) return constraint.fields.map((f) => f.replace(/"/g, ''));
  const target = error.meta?.target;
  if (Array.isArray(target)) return target;
  const index = constraint?.index ?? (typeof target === 'string' ? target : undefined);
  if (!index) return [];
  if (index === `${description.table}_pkey`) return ['id'];
  // Prisma names unique indexes TABLE_COL1_COL2_key.
  const inner = index.replace(new RegExp(`^${description.table}_`), '').replace(/_key$/, '');
  const columns: string[] = [];
  const known = [...description.attributes.map((a) => a.external), ...description.relationships.filter((r) => r.foreignKey).map((r) => `${r.external}_id`), 'id'];
  let rest = inner;
  while (rest) {
    const hit = known.sort((a, b) => b.length - a.length).find((k) => rest === k || rest.startsWith(`${k}_`));
    if (!hit) break;
    columns.push(hit);
    rest = rest.slice(hit.length + 1);
  }
  return columns;
}

function conflict(description: ResourceDescription, error: PrismaLikeError): ConflictError {
  const columns = conflictColumns(description, error);
  const names: string[] = [];
  let source: ErrorSource | undefined;
  for (const column of columns) {
    if (column === 'id') {
      names.push('id');
      source ??= { kind: 'id' };
      continue;
    }
    const attr = description.attributes.find((a) => a.external === column || a.field === column);
    const rel = description.relationships.find((r) => r.foreignKey && (`${r.external}_id` === column || r.foreignKey === column));
    if (attr) {
      names.push(words(attr.field));
      source ??= { kind: 'attribute', name: attr.field };
    } else if (rel) {
      names.push(words(rel.field));
      source ??= { kind: 'relationship', name: rel.field };
    }
  }
  const what = names.length ? names.join(' and ') : 'these values';
  return new ConflictError(fieldMessages.taken(description.label, what), source);
}

export function mapDatabaseError(description: ResourceDescription, error: unknown): unknown {
  if (error instanceof ServiceError) return error;
  const e = (error ?? {}) as PrismaLikeError;
  const cause = e.meta?.driverAdapterError?.cause;
  const kind = cause?.kind;
  if (cause?.originalCode === queryCanceled || cause?.code === queryCanceled) {
    return new QueryTimeoutError('The database stopped this query: it took longer than the server allows. Narrow the filters (a simpler regular expression, fewer rows) or try again later.');
  }
  if (e.code === 'P2002' || kind === 'UniqueConstraintViolation') return conflict(description, e);
  if (e.code === 'P2025' || e.code === 'P2018') return new NotFoundError(`${description.label} not found.`, { kind: 'id' });
  if (e.code === 'P2003') return new NotFoundError('A related resource does not exist.');
  if (e.code === 'P2014') return new ValidationError('The change would leave a required relationship empty.');
  if (e.code === 'P2000' || kind === 'LengthMismatch') return new ValidationError('A value is too long for its field.');
  if (e.code === 'P2007' || e.code === 'P2006' || e.code === 'P2020') return new ValidationError('A value is not valid for its field.');
  if ((e.code && unavailableCodes.has(e.code)) || (kind && unavailableKinds.has(kind)) || /ECONNREFUSED|ECONNRESET|connection terminated|Connection terminated|PGlite is closed/i.test(e.message ?? '')) {
    return new UnavailableError('The database is unavailable; try again shortly.');
  }
  return error;
}
