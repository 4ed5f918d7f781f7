// Builds the resource objects of a document: the primary rows, their
// relationship linkage, and the included resources of `include` (JSON:API 1.1
// §"Compound Documents": full linkage, each resource once).
//
// The number of service calls depends on the shape of the request only: one
// batched call per include path segment (service.related / getMany) and at
// most one linkage call per node for the relationships not already known —
// a to-one whose foreign key is on the row costs nothing, an included
// relationship's linkage comes with its rows.
import type { RequestContext } from '../auth/types.js';
import type { ResourceDescription, ResourceName } from '../resources/description.js';
import type { Row, Services, WriteAnswer } from '../resources/service.js';
import type { DocumentParameters, IncludeNode } from './parameters.js';
import type { Linkage, ResourceObject, ResourceSerializer } from './serializer.js';

export type Serializers = Readonly<Record<ResourceName, ResourceSerializer>>;

interface Entry {
  description: ResourceDescription;
  row: Row;
  linkage: Linkage;
}

/** A resource object showing only what a caller who may write but not read is told: type, id and link. */
export type IdentityObject = Pick<ResourceObject, 'type' | 'id' | 'links' | 'meta'>;

export interface Resources {
  data: (ResourceObject | IdentityObject)[];
  included: ResourceObject[];
}

export class CompoundBuilder {
  constructor(
    private readonly services: Services,
    private readonly serializers: Serializers,
  ) {}

  /** `shows`: what the service allowed the answer to a write to show (ResourceService.authorizeWrite). */
  async build(ctx: RequestContext, description: ResourceDescription, rows: readonly Row[], params: DocumentParameters, shows: WriteAnswer = 'record'): Promise<Resources> {
    if (shows === 'identity') {
      const serializer = this.serializers[description.name];
      return { data: rows.map((row) => ({ type: serializer.type, id: row.id, links: { self: serializer.selfUrl(row.id) } })), included: [] };
    }
    const primary = new Map<string, Entry>();
    const included = new Map<string, Entry>();
    const primaryEntries = rows.map((row) => {
      const entry = { description, row, linkage: {} };
      primary.set(`${description.type}:${row.id}`, entry);
      return entry;
    });
    await this.visit(ctx, primaryEntries, description, params.include, params, primary, included);
    const serialize = (e: Entry) => this.serializers[e.description.name].resource(e.row, e.linkage, params.fields.get(e.description.type));
    return { data: primaryEntries.map(serialize), included: [...included.values()].map(serialize) };
  }

  private async visit(
    ctx: RequestContext,
    entries: readonly Entry[],
    description: ResourceDescription,
    children: ReadonlyMap<string, IncludeNode>,
    params: DocumentParameters,
    primary: Map<string, Entry>,
    included: Map<string, Entry>,
  ): Promise<void> {
    if (!entries.length) return;
    const service = this.services[description.name];
    const fieldset = params.fields.get(description.type);
    const ids = entries.map((e) => e.row.id);
    const shown = description.relationships.filter((r) => !fieldset || fieldset.has(r.external));

    // To-ones held as a foreign key on the row.
    for (const rel of shown) {
      if (!rel.foreignKey) continue;
      for (const e of entries) e.linkage[rel.field] = (e.row[rel.foreignKey] as string | null | undefined) ?? null;
    }

    const remaining = shown.filter((r) => !r.foreignKey && !children.has(r.field)).map((r) => r.field);
    const linkageCall = remaining.length ? service.linkage(ctx, ids, remaining) : undefined;

    const loaded = await Promise.all(
      [...children.values()].map(async (node) => {
        const rel = node.rel;
        if (rel.foreignKey) {
          const wanted = [...new Set(entries.map((e) => e.row[rel.foreignKey!] as string | null).filter((v): v is string => !!v))];
          const rows = await this.services[rel.target].getMany(ctx, wanted);
          return { node, rows };
        }
        const byParent = await service.related(ctx, rel.field, ids);
        const rows: Row[] = [];
        for (const e of entries) {
          const related = byParent.get(e.row.id) ?? [];
          e.linkage[rel.field] = rel.toMany ? related.map((r) => r.id) : (related[0]?.id ?? null);
          rows.push(...related);
        }
        return { node, rows };
      }),
    );

    if (linkageCall) {
      const links = await linkageCall;
      for (const e of entries) {
        const found = links.get(e.row.id);
        for (const field of remaining) e.linkage[field] = found?.[field] ?? (description.relationships.find((r) => r.field === field)!.toMany ? [] : null);
      }
    }

    await Promise.all(
      loaded.map(({ node, rows }) => {
        const next: Entry[] = [];
        const seen = new Set<string>();
        for (const row of rows) {
          if (seen.has(row.id)) continue;
          seen.add(row.id);
          const key = `${node.target.type}:${row.id}`;
          // A resource already in the document (as primary data or through
          // another path) is reused, so it appears once with all its linkage.
          let entry = primary.get(key) ?? included.get(key);
          if (!entry) included.set(key, (entry = { description: node.target, row, linkage: {} }));
          next.push(entry);
        }
        return this.visit(ctx, next, node.target, node.children, params, primary, included);
      }),
    );
  }
}
