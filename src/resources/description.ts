// How a resource is described once, for the services and both front doors:
// attributes with their external (JSON:API, snake_case) names and rules,
// relationships, filterable paths, sortable fields and search paths.

export type ResourceName = 'course' | 'courseTerm' | 'person' | 'instructor' | 'student' | 'grade';

export type AttributeType = 'string' | 'integer' | 'float' | 'boolean' | 'date' | 'enum';

export interface AttributeDescription {
  /** The Prisma field, also the GraphQL field name (camelCase). */
  field: string;
  /** The JSON:API attribute name and SQL column (snake_case). */
  external: string;
  type: AttributeType;
  maxLength?: number;
  /** Exact length for fixed-width codes. */
  length?: number;
  pattern?: RegExp;
  /** Said to the client when the pattern does not match. */
  patternHint?: string;
  min?: number;
  enumValues?: readonly string[];
  /** Must be given on create. */
  required?: boolean;
  nullable?: boolean;
  /** Set by the server (audit fields); ignored on input. */
  readOnly?: boolean;
  /** A natural key: a duplicate is a conflict naming this field. */
  unique?: boolean;
  sortable?: boolean;
  description?: string;
}

export interface RelationshipDescription {
  /** The Prisma relation field (camelCase), also the GraphQL field. */
  field: string;
  /** The JSON:API relationship name (snake_case). */
  external: string;
  target: ResourceName;
  toMany: boolean;
  /** The relation field on the target that points back here. */
  inverse: string;
  /** Set when this model holds the foreign key (to-one only). */
  foreignKey?: string;
  /** A to-one that may not be empty (e.g. a grade's student). */
  required?: boolean;
  /**
   * For to-many: the target's foreign key to us is required, so a member
   * cannot be removed without deleting it.
   */
  membersRequireOwner?: boolean;
  /** Many-to-many: Prisma's join table, with our column and the target's. */
  joinTable?: { table: string; column: string; targetColumn: string };
}

export type Lookup = 'exact' | 'iexact' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'contains' | 'icontains' | 'regex';

export const allLookups: readonly Lookup[] = ['exact', 'iexact', 'lt', 'lte', 'gt', 'gte', 'in', 'contains', 'icontains', 'regex'];

export interface FilterDescription {
  /** The JSON:API filter name, e.g. "course_terms.term_identifier" or the alias "course_name". */
  external: string;
  /** The path through the model, e.g. "courseTerms.termIdentifier". */
  path: string;
  lookups: readonly Lookup[];
  /** The demo's `name_gt` style suffix forms are accepted for this filter too. */
  suffixLookups?: boolean;
}

export interface ResourceDescription {
  name: ResourceName;
  /** JSON:API type and collection path under /v1/. */
  type: string;
  /** The Prisma model delegate name. */
  model: 'course' | 'courseTerm' | 'person' | 'instructor' | 'student' | 'grade';
  /** SQL table (used for regex filters, which Prisma cannot express). */
  table: string;
  /** GraphQL object type name. */
  graphqlName: string;
  /** Words used in messages: "course with this course identifier already exists." */
  label: string;
  attributes: readonly AttributeDescription[];
  relationships: readonly RelationshipDescription[];
  filters: readonly FilterDescription[];
  /** Paths searched by `filter[search]` / `search`: every word must appear in one of them. */
  searchPaths: readonly string[];
  /** Natural keys made of several fields (unique together), for conflict messages. */
  uniqueTogether?: readonly (readonly string[])[];
}

/** Every model carries these, as the original demo's CommonModel did. */
export const commonAttributes: readonly AttributeDescription[] = [
  { field: 'effectiveStartDate', external: 'effective_start_date', type: 'date', nullable: true, sortable: true },
  { field: 'effectiveEndDate', external: 'effective_end_date', type: 'date', nullable: true, sortable: true },
  { field: 'lastModUserName', external: 'last_mod_user_name', type: 'string', nullable: true, readOnly: true, sortable: true },
  { field: 'lastModDate', external: 'last_mod_date', type: 'date', readOnly: true, sortable: true },
];

export const idFilter: FilterDescription = { external: 'id', path: 'id', lookups: ['exact', 'in'] };

/** Text lookups for strings; comparisons for numbers, dates and strings. */
export const textLookups: readonly Lookup[] = allLookups;
export const numberLookups: readonly Lookup[] = ['exact', 'lt', 'lte', 'gt', 'gte', 'in'];
export const booleanLookups: readonly Lookup[] = ['exact'];

export function attribute(description: ResourceDescription, field: string): AttributeDescription | undefined {
  return description.attributes.find((a) => a.field === field);
}

export function relationship(description: ResourceDescription, field: string): RelationshipDescription | undefined {
  return description.relationships.find((r) => r.field === field);
}

/** The SQL column of a camelCase field ("courseTermId" → "course_term_id"), as the schema's @map names them. */
export function column(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** "courseIdentifier" → "course identifier" for messages. */
export function words(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}
