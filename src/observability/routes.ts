// Route templates for the metrics' `route` label: a JSON:API path as the
// pattern it matched (src/jsonapi/endpoints.ts), with the resource type when
// it is one of ours and placeholders for ids and relationships, so that no id
// (and no made-up type) becomes a label value.
import { matchEndpoint, PATHS } from '../jsonapi/endpoints.js';
import { resourceByType } from '../resources/registry.js';

export function jsonapiRouteTemplate(path: string): string | undefined {
  let segments: string[];
  try {
    segments = path.replace(/\/$/, '').split('/').slice(2).map(decodeURIComponent); // after /v1
  } catch {
    return undefined;
  }
  const endpoint = matchEndpoint(segments);
  if (!endpoint || !resourceByType(endpoint.type)) return undefined;
  return PATHS[endpoint.kind].replace('{type}', endpoint.type);
}
