// The resource services: the only way the doors reach the data. One service
// per resource, made of its storage (sql.ts), its reads (reads.ts) and writes
// (writes.ts); the rules they apply live beside them, once: the operations
// table (operations.ts), the list policy (list-policy.ts), the attribute and
// relationship rules (validation.ts, relationship-rules.ts). The import is a
// use case over the same rules (import.ts).
import type { Prisma } from '../db/database.js';
import type { ResourceDescription, ResourceName } from './description.js';
import { ResourceReads } from './reads.js';
import { resources } from './registry.js';
import type { RequestContext } from './request-context.js';
import { hiddenAttributes } from './row-access.js';
import { ResourceStore } from './sql.js';
import { ResourceWrites } from './writes.js';

export type { WriteKind } from './operations.js';
export { writeOperations } from './operations.js';
export type { Page, ListCall, Window, WindowCall } from './reads.js';
export type { RelationshipValue } from './relationship-rules.js';
export type { Row } from './sql.js';
export type { WriteAnswer, WriteInput } from './writes.js';

export class ResourceService {
  readonly description: ResourceDescription;
  readonly list: ResourceReads['list'];
  readonly window: ResourceReads['window'];
  readonly get: ResourceReads['get'];
  readonly getMany: ResourceReads['getMany'];
  readonly related: ResourceReads['related'];
  readonly relatedWindow: ResourceReads['relatedWindow'];
  readonly relatedPage: ResourceReads['relatedPage'];
  readonly linkage: ResourceReads['linkage'];
  readonly authorizeWrite: ResourceWrites['authorizeWrite'];
  readonly authorizeRows: ResourceWrites['authorizeRows'];
  readonly create: ResourceWrites['create'];
  readonly update: ResourceWrites['update'];
  readonly delete: ResourceWrites['delete'];
  readonly setRelationship: ResourceWrites['setRelationship'];
  readonly addToRelationship: ResourceWrites['addToRelationship'];
  readonly removeFromRelationship: ResourceWrites['removeFromRelationship'];
  /** The attributes (fields) the policy's field rules hide from this caller; undefined: none (docs/policy.md). */
  readonly hiddenAttributes: (ctx: RequestContext) => ReadonlySet<string> | undefined;

  constructor(
    readonly store: ResourceStore,
    readonly reads: ResourceReads,
    readonly writes: ResourceWrites,
  ) {
    this.description = store.description;
    this.list = reads.list.bind(reads);
    this.window = reads.window.bind(reads);
    this.get = reads.get.bind(reads);
    this.getMany = reads.getMany.bind(reads);
    this.related = reads.related.bind(reads);
    this.relatedWindow = reads.relatedWindow.bind(reads);
    this.relatedPage = reads.relatedPage.bind(reads);
    this.linkage = reads.linkage.bind(reads);
    this.authorizeWrite = writes.authorizeWrite.bind(writes);
    this.authorizeRows = writes.authorizeRows.bind(writes);
    this.create = writes.create.bind(writes);
    this.update = writes.update.bind(writes);
    this.delete = writes.delete.bind(writes);
    this.setRelationship = writes.setRelationship.bind(writes);
    this.addToRelationship = writes.addToRelationship.bind(writes);
    this.removeFromRelationship = writes.removeFromRelationship.bind(writes);
    this.hiddenAttributes = (ctx) => hiddenAttributes(ctx, this.description.name);
  }
}

export type Services = Readonly<Record<ResourceName, ResourceService>>;

export function createServices(prisma: Prisma): Services {
  const stores = {} as Record<ResourceName, ResourceStore>;
  const reads = new Map<ResourceStore, ResourceReads>();
  const services = {} as Record<ResourceName, ResourceService>;
  for (const description of Object.values(resources)) stores[description.name] = new ResourceStore(description, prisma, () => stores);
  for (const store of Object.values(stores)) reads.set(store, new ResourceReads(store, (other) => reads.get(other)!));
  for (const store of Object.values(stores)) {
    const storeReads = reads.get(store)!;
    services[store.description.name] = new ResourceService(store, storeReads, new ResourceWrites(store, storeReads));
  }
  return services;
}
