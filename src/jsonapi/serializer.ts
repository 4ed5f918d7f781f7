// Rows → JSON:API resource objects. One serializer per resource, built once
// from its description: attribute names, date formatting and link prefixes are
// worked out at start-up, not per row.
import type { ResourceDescription } from '../resources/description.js';
import type { Row } from '../resources/service.js';
import { formatDate } from '../resources/validation.js';

export type LinkageValue = string | null | readonly string[];
/** Relationship field → linked id(s). */
export type Linkage = Record<string, LinkageValue>;

export interface ResourceIdentifier {
  type: string;
  id: string;
}

export interface RelationshipObject {
  links: { self: string; related: string };
  data?: ResourceIdentifier | null | ResourceIdentifier[];
}

export interface ResourceObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, RelationshipObject>;
  links: { self: string };
  /** Only the client's `lid`, echoed in the answer to a create. */
  meta?: { lid: string };
}

interface AttributePlan {
  field: string;
  external: string;
  date: boolean;
}

interface RelationshipPlan {
  field: string;
  external: string;
  toMany: boolean;
  targetType: string;
}

export class ResourceSerializer {
  readonly type: string;
  /** Absolute URL of the collection, e.g. http://host/v1/courses. */
  readonly collectionUrl: string;
  private readonly attributes: AttributePlan[];
  private readonly relationships: RelationshipPlan[];

  constructor(
    readonly description: ResourceDescription,
    baseUrl: string,
    targetType: (name: RelationshipDescriptionTarget) => string,
  ) {
    this.type = description.type;
    this.collectionUrl = `${baseUrl}/${description.type}`;
    this.attributes = description.attributes.map((a) => ({ field: a.field, external: a.external, date: a.type === 'date' }));
    this.relationships = description.relationships.map((r) => ({ field: r.field, external: r.external, toMany: r.toMany, targetType: targetType(r.target) }));
  }

  selfUrl(id: string): string {
    return `${this.collectionUrl}/${id}`;
  }

  relationshipLinks(id: string, external: string): { self: string; related: string } {
    const self = `${this.collectionUrl}/${id}`;
    return { self: `${self}/relationships/${external}`, related: `${self}/${external}` };
  }

  /** The linkage of one relationship as resource identifiers. */
  linkageData(field: string, value: LinkageValue | undefined): ResourceIdentifier | null | ResourceIdentifier[] {
    const plan = this.relationships.find((r) => r.field === field)!;
    if (plan.toMany) return ((value as readonly string[] | undefined) ?? []).map((id) => ({ type: plan.targetType, id }));
    return typeof value === 'string' ? { type: plan.targetType, id: value } : null;
  }

  /** `fieldset`: the external names to show (sparse fieldsets); all when undefined. */
  resource(row: Row, linkage: Linkage | undefined, fieldset?: ReadonlySet<string>): ResourceObject {
    const id = row.id;
    const attributes: Record<string, unknown> = {};
    for (const a of this.attributes) {
      if (fieldset && !fieldset.has(a.external)) continue;
      // A field the services left out of the row (the policy's field rules) is omitted.
      if (!(a.field in row)) continue;
      const value = row[a.field];
      attributes[a.external] = a.date ? formatDate(value as Date | null) : (value ?? null);
    }
    const self = `${this.collectionUrl}/${id}`;
    const resource: ResourceObject = { type: this.type, id, attributes, links: { self } };
    let relationships: Record<string, RelationshipObject> | undefined;
    for (const r of this.relationships) {
      if (fieldset && !fieldset.has(r.external)) continue;
      const object: RelationshipObject = { links: { self: `${self}/relationships/${r.external}`, related: `${self}/${r.external}` } };
      if (linkage && r.field in linkage) {
        const value = linkage[r.field];
        object.data = r.toMany
          ? (value as readonly string[]).map((target) => ({ type: r.targetType, id: target }))
          : typeof value === 'string'
            ? { type: r.targetType, id: value }
            : null;
      }
      (relationships ??= {})[r.external] = object;
    }
    if (relationships) resource.relationships = relationships;
    return resource;
  }
}

type RelationshipDescriptionTarget = ResourceDescription['relationships'][number]['target'];
