// Per-request DataLoaders over the services' batched reads, so the number of
// SQL queries of a request follows its shape, never its number of rows.
import DataLoader from 'dataloader';
import type { RequestContext } from '../resources/request-context.js';
import type { ResourceName } from '../resources/description.js';
import type { ListQuery } from '../resources/query.js';
import type { Row, Services, Window, WindowCall } from '../resources/service.js';

export class Loaders {
  private readonly byIdLoaders = new Map<ResourceName, DataLoader<string, Row | null>>();
  private readonly relatedLoaders = new Map<string, DataLoader<string, Row[]>>();
  private readonly windowLoaders = new Map<string, DataLoader<string, Window>>();
  private readonly queryKeys = new WeakMap<ListQuery, string>();

  /** A list question's key, written once per question object (every record of a list shares one). */
  private keyOf(query: ListQuery): string {
    let key = this.queryKeys.get(query);
    if (key === undefined) this.queryKeys.set(query, (key = JSON.stringify(query)));
    return key;
  }

  constructor(
    private readonly services: Services,
    private readonly auth: RequestContext,
  ) {}

  /** Records of one resource by id (null for an unknown id). */
  byId(resource: ResourceName): DataLoader<string, Row | null> {
    let loader = this.byIdLoaders.get(resource);
    if (!loader) {
      loader = new DataLoader(async (ids) => {
        const rows = await this.services[resource].getMany(this.auth, ids);
        const found = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => found.get(id) ?? null);
      });
      this.byIdLoaders.set(resource, loader);
    }
    return loader;
  }

  /**
   * The related records of a relationship, filtered and sorted by `query`, for
   * every parent asked for in the same tick: one service call (one query).
   * Parents asking different questions get different loaders.
   */
  related(resource: ResourceName, field: string, query: ListQuery): DataLoader<string, Row[]> {
    const key = `${resource}.${field}:${JSON.stringify(query)}`;
    let loader = this.relatedLoaders.get(key);
    if (!loader) {
      loader = new DataLoader(async (parentIds) => {
        const byParent = await this.services[resource].related(this.auth, field, parentIds, query);
        return parentIds.map((id) => byParent.get(id) ?? []);
      });
      this.relatedLoaders.set(key, loader);
    }
    return loader;
  }

  /**
   * A window of the related records of a relationship (a connection's page
   * under each record), for every parent asked for in the same tick: one
   * statement reading at most each parent's window. Parents asking different
   * questions get different loaders.
   */
  relatedWindow(resource: ResourceName, field: string, query: ListQuery, call: WindowCall): DataLoader<string, Window> {
    const key = `${resource}.${field}:${this.keyOf(query)}:${call.from}:${call.offset ?? 0}:${call.rows}:${call.ahead ? 1 : 0}:${call.total ? 1 : 0}`;
    let loader = this.windowLoaders.get(key);
    if (!loader) {
      loader = new DataLoader(async (parentIds) => {
        const byParent = await this.services[resource].relatedWindow(this.auth, field, parentIds, query, call);
        return parentIds.map((id) => byParent.get(id) ?? { rows: [], more: false, ...(call.total ? { total: 0 } : {}) });
      });
      this.windowLoaders.set(key, loader);
    }
    return loader;
  }
}
