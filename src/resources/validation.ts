// Input rules, derived from the resource descriptions. Messages follow Django
// REST Framework's wording, which clients of the original demo already show.
import { ValidationError, type ErrorSource, type Problem } from '../errors.js';
import type { AttributeDescription, ResourceDescription } from './description.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** DRF's CharField message; PostgreSQL text cannot hold U+0000. */
export const nullCharacters = 'Null characters are not allowed.';

/** The messages about a record's fields and ids, for attributes and relationships alike (DRF's wording where it has one). */
export const fieldMessages = {
  required: 'This field is required.',
  mayNotBeNull: 'This field may not be null.',
  invalidId: 'Must be a valid UUID.',
  notAnAttribute: (name: string, type: string) => `${name} is not an attribute of ${type}.`,
  notARelationship: (name: string, type: string) => `${name} is not a relationship of ${type}.`,
  /** `course "…" not found.` */
  notFound: (label: string, ids: readonly string[]) => `${label} ${ids.map((id) => JSON.stringify(id)).join(', ')} not found.`,
  /** `course with this course identifier already exists.` (DRF's unique validator) */
  taken: (label: string, what: string) => `${label} with this ${what} already exists.`,
} as const;

/** A value as text: primitives as String() writes them, anything else as JSON (never "[object Object]"). */
function asText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

export const isUuid = (value: unknown): value is string => typeof value === 'string' && uuidPattern.test(value);

/** "YYYY-MM-DD" → a Date at UTC midnight, or undefined if it is not a real date. */
export function parseDate(value: string): Date | undefined {
  const m = datePattern.exec(value);
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().startsWith(value) ? date : undefined;
}

export function formatDate(value: Date | null | undefined): string | null {
  return value ? value.toISOString().slice(0, 10) : null;
}

/** One attribute value from a client → the value stored, or a problem. */
export function checkValue(attribute: AttributeDescription, value: unknown): { value?: unknown; problem?: string } {
  if (value === null) {
    return attribute.nullable ? { value: null } : { problem: fieldMessages.mayNotBeNull };
  }
  switch (attribute.type) {
    case 'string': {
      if (typeof value !== 'string') return { problem: 'Not a valid string.' };
      // PostgreSQL text cannot hold U+0000 (it answered with a 500).
      if (value.includes('\0')) return { problem: nullCharacters };
      if (attribute.required && value.trim() === '') return { problem: 'This field may not be blank.' };
      if (attribute.maxLength !== undefined && value.length > attribute.maxLength) {
        return { problem: `Ensure this field has no more than ${attribute.maxLength} characters.` };
      }
      if (attribute.length !== undefined && value.length !== attribute.length) {
        return { problem: `Ensure this field has exactly ${attribute.length} characters.` };
      }
      if (attribute.pattern && !attribute.pattern.test(value)) {
        return { problem: `Enter a valid value${attribute.patternHint ? `: ${attribute.patternHint}` : ''}.` };
      }
      return { value };
    }
    case 'integer':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return { problem: attribute.type === 'integer' ? 'A valid integer is required.' : 'A valid number is required.' };
      }
      if (attribute.type === 'integer' && !Number.isSafeInteger(value)) return { problem: 'A valid integer is required.' };
      if (attribute.type === 'integer' && value > 2_147_483_647) return { problem: 'Ensure this value is less than or equal to 2147483647.' };
      if (attribute.min !== undefined && value < attribute.min) {
        return { problem: `Ensure this value is greater than or equal to ${attribute.min}.` };
      }
      return { value };
    }
    case 'boolean':
      return typeof value === 'boolean' ? { value } : { problem: 'Must be a valid boolean.' };
    case 'date': {
      const date = typeof value === 'string' ? parseDate(value) : undefined;
      return date ? { value: date } : { problem: 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.' };
    }
    case 'enum':
      return typeof value === 'string' && attribute.enumValues?.includes(value)
        ? { value }
        : { problem: `"${asText(value)}" is not a valid choice; choose one of ${attribute.enumValues?.join(', ')}.` };
  }
}

/**
 * Checks the attributes of a create or update and returns the Prisma data.
 * Read-only attributes are ignored (JSON:API: set by the server); unknown ones
 * are reported.
 */
export function checkAttributes(
  description: ResourceDescription,
  attributes: Readonly<Record<string, unknown>>,
  mode: 'create' | 'update',
): { data: Record<string, unknown>; problems: Problem[] } {
  const data: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    const attribute = description.attributes.find((a) => a.field === name);
    const source: ErrorSource = { kind: 'attribute', name };
    if (!attribute) {
      problems.push({ detail: fieldMessages.notAnAttribute(name, description.type), source });
      continue;
    }
    if (attribute.readOnly || value === undefined) continue;
    const checked = checkValue(attribute, value);
    if (checked.problem) problems.push({ detail: checked.problem, source });
    else data[name] = checked.value;
  }
  if (mode === 'create') {
    for (const attribute of description.attributes) {
      if (attribute.required && attributes[attribute.field] === undefined) {
        problems.push({ detail: fieldMessages.required, source: { kind: 'attribute', name: attribute.field } });
      }
    }
  }
  return { data, problems };
}

/** A filter value (often a query-string text) → the typed value Prisma compares with. */
export function coerceFilterValue(attribute: AttributeDescription | 'id', raw: unknown, source: ErrorSource): unknown {
  const bad = (what: string) => new ValidationError(`"${asText(raw)}" is not ${what}.`, source);
  if (attribute === 'id') {
    if (!isUuid(raw)) throw bad('a valid UUID');
    return raw;
  }
  if (raw === null) return null;
  switch (attribute.type) {
    case 'string':
    case 'enum': {
      const text = asText(raw);
      if (text.includes('\0')) throw new ValidationError(nullCharacters, source);
      return text;
    }
    case 'integer':
    case 'float': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n) || (attribute.type === 'integer' && !Number.isInteger(n))) throw bad(attribute.type === 'integer' ? 'an integer' : 'a number');
      if (attribute.type === 'integer' && Math.abs(n) > 2_147_483_647) throw bad('an integer in range');
      return n;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const text = asText(raw).toLowerCase();
      if (['true', '1'].includes(text)) return true;
      if (['false', '0'].includes(text)) return false;
      throw bad('a boolean (true or false)');
    }
    case 'date': {
      if (raw instanceof Date) return raw;
      const date = typeof raw === 'string' ? parseDate(raw) : undefined;
      if (!date) throw bad('a date (YYYY-MM-DD)');
      return date;
    }
  }
}
