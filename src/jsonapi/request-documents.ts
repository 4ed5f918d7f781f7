// Request bodies (JSON:API 1.1 §"Creating, Updating and Deleting Resources")
// → the services' WriteInput / relationship values. Structure and names are
// checked here (they are the door's vocabulary); the values themselves are
// checked by the services.
//   - a `type` that does not match the endpoint, or an `id` that does not match
//     the URL, is 409 (§"Creating Resources", §"Updating Resources");
//   - linkage to the wrong type is 409 as well; everything else malformed is
//     400 with `source.pointer` at the member;
//   - `lid` (JSON:API 1.1 local ids): a new resource may carry one (§"Resource
//     Objects", "Identification"); linkage may name a resource of the same
//     document by it, which a document of one resource cannot usefully do, so
//     such linkage is 400 naming the lid.
import type { RelationshipDescription, ResourceDescription } from '../resources/description.js';
import { resources } from '../resources/registry.js';
import type { RelationshipValue, WriteInput } from '../resources/service.js';
import { fieldMessages } from '../resources/validation.js';
import { errorObject, JsonApiError, type ErrorObject } from './errors.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const bad = (pointer: string, detail: string) => new JsonApiError(400, 'invalid_document', detail, { pointer });
const conflict = (pointer: string, detail: string) => new JsonApiError(409, 'conflict', detail, { pointer });

const topLevelMembers = ['data', 'meta', 'jsonapi', 'links'];
const resourceMembers = ['type', 'id', 'lid', 'attributes', 'relationships', 'meta', 'links'];

function topLevelData(body: unknown): unknown {
  if (!isObject(body)) throw bad('', 'The request body must be a JSON:API document: an object with a "data" member.');
  for (const key of Object.keys(body)) {
    if (!topLevelMembers.includes(key)) throw bad(`/${key}`, `"${key}" is not allowed at the top level of a request document.`);
  }
  if (!('data' in body)) throw bad('/data', 'The document must contain a "data" member.');
  return body.data;
}

/** One resource identifier object `{ type, id }` of a relationship's target type → its id. */
function identifier(value: unknown, pointer: string, rel: RelationshipDescription): string {
  if (!isObject(value)) throw bad(pointer, 'Expected a resource identifier object: { "type": …, "id": … }.');
  const targetType = resources[rel.target].type;
  if (typeof value.type !== 'string') throw bad(`${pointer}/type`, 'A resource identifier needs a "type" string.');
  if (value.type !== targetType) throw conflict(`${pointer}/type`, `Incorrect relation type: expected ${targetType}, received ${value.type}.`);
  if (value.lid !== undefined && typeof value.lid !== 'string') throw bad(`${pointer}/lid`, 'The "lid" must be a string.');
  if (value.id === undefined && typeof value.lid === 'string') {
    throw bad(
      `${pointer}/lid`,
      `The lid ${JSON.stringify(value.lid)} names no resource in this document: link to existing resources by "id" (a resource can be linked to others once created).`,
    );
  }
  if (typeof value.id !== 'string') throw bad(`${pointer}/id`, 'A resource identifier needs an "id" string.');
  for (const key of Object.keys(value)) {
    if (!['type', 'id', 'lid', 'meta'].includes(key)) throw bad(`${pointer}/${key}`, `"${key}" is not allowed in a resource identifier object.`);
  }
  return value.id;
}

/** A relationship's `data` (a linkage) → the service's value: an id, null, or ids. */
export function readLinkage(data: unknown, pointer: string, rel: RelationshipDescription): RelationshipValue {
  if (rel.toMany) {
    if (!Array.isArray(data)) throw bad(pointer, `${rel.external} is a to-many relationship: expected an array of resource identifier objects.`);
    return data.map((item, i) => identifier(item, `${pointer}/${i}`, rel));
  }
  if (data === null) return null;
  if (Array.isArray(data)) throw bad(pointer, `${rel.external} is a to-one relationship: expected one resource identifier object or null.`);
  return identifier(data, pointer, rel);
}

/** The body of a relationship endpoint: `{ "data": linkage }`. */
export function readRelationshipDocument(body: unknown, rel: RelationshipDescription): RelationshipValue {
  return readLinkage(topLevelData(body), '/data', rel);
}

/** The body of POST /v1/TYPE (mode create) or PATCH /v1/TYPE/ID (mode update). */
export function readResourceDocument(body: unknown, description: ResourceDescription, mode: 'create' | 'update', urlId?: string): WriteInput {
  const data = topLevelData(body);
  if (!isObject(data)) throw bad('/data', 'The "data" member must be a resource object.');
  for (const key of Object.keys(data)) {
    if (!resourceMembers.includes(key)) throw bad(`/data/${key}`, `"${key}" is not a member of a resource object.`);
  }
  if (typeof data.type !== 'string') throw bad('/data/type', 'The resource object needs a "type" string.');
  if (data.type !== description.type) throw conflict('/data/type', `The type "${data.type}" does not match this endpoint's type "${description.type}".`);
  const input: { id?: string; attributes: Record<string, unknown>; relationships: Record<string, RelationshipValue> } = { attributes: {}, relationships: {} };
  if (data.lid !== undefined) {
    if (mode === 'update') throw bad('/data/lid', 'A "lid" identifies a resource being created; an update names its resource by "id".');
    if (typeof data.lid !== 'string') throw bad('/data/lid', 'The "lid" must be a string.');
    if (data.id !== undefined) throw bad('/data/lid', 'A resource with a client-generated "id" takes no "lid": the id identifies it.');
  }
  if (mode === 'update') {
    if (data.id === undefined) throw bad('/data/id', 'The resource object needs the "id" of the resource being updated.');
    if (typeof data.id !== 'string') throw bad('/data/id', 'The "id" must be a string.');
    if (data.id !== urlId) throw conflict('/data/id', `The id "${data.id}" does not match the id in the URL.`);
  } else if (data.id !== undefined) {
    if (typeof data.id !== 'string') throw bad('/data/id', 'The "id" must be a string.');
    input.id = data.id;
  }
  const problems: ErrorObject[] = [];
  if (data.attributes !== undefined) {
    if (!isObject(data.attributes)) throw bad('/data/attributes', 'The "attributes" member must be an object.');
    for (const [name, value] of Object.entries(data.attributes)) {
      const attribute = description.attributes.find((a) => a.external === name);
      if (!attribute) problems.push(errorObject(400, 'unknown_attribute', fieldMessages.notAnAttribute(name, description.type), { pointer: `/data/attributes/${name}` }));
      else input.attributes[attribute.field] = value;
    }
  }
  if (data.relationships !== undefined) {
    if (!isObject(data.relationships)) throw bad('/data/relationships', 'The "relationships" member must be an object.');
    for (const [name, value] of Object.entries(data.relationships)) {
      const pointer = `/data/relationships/${name}`;
      const rel = description.relationships.find((r) => r.external === name);
      if (!rel) {
        problems.push(errorObject(400, 'unknown_relationship', fieldMessages.notARelationship(name, description.type), { pointer }));
        continue;
      }
      if (!isObject(value) || !('data' in value)) throw bad(pointer, 'A relationship must be an object with a "data" member.');
      input.relationships[rel.field] = readLinkage(value.data, `${pointer}/data`, rel);
    }
  }
  if (problems.length) throw JsonApiError.many(400, problems);
  return input;
}

/** The `lid` of a create's resource object, once readResourceDocument has accepted the body. */
export function localIdOf(body: unknown): string | undefined {
  const lid = isObject(body) && isObject(body.data) ? body.data.lid : undefined;
  return typeof lid === 'string' ? lid : undefined;
}
