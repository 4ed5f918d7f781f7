// Every generated GraphQL type, per resource, built once per process
// (type-graphql keeps its metadata in one global store).
import type { ResourceName } from '../../resources/description.js';
import { resources } from '../../resources/registry.js';
import { attributeType, type GraphQLClass } from './define.js';
import { filterInput } from './filter-inputs.js';
import { listArgsType } from './list-args.js';
import { connectionType, objectType } from './object-types.js';
import { createInput, updateInput } from './write-inputs.js';

export interface ResourceTypes {
  object: GraphQLClass;
  connection: GraphQLClass;
  listArgs: GraphQLClass;
  createInput: GraphQLClass;
  updateInput: GraphQLClass;
}

function build(): Readonly<Record<ResourceName, ResourceTypes>> {
  const all = {} as Record<ResourceName, ResourceTypes>;
  // Enums must be registered before the schema is generated, not when a type function first runs.
  for (const description of Object.values(resources)) for (const a of description.attributes) if (a.type === 'enum') attributeType(a);
  for (const description of Object.values(resources)) {
    const object = objectType(description);
    all[description.name] = {
      object,
      connection: connectionType(description, object),
      listArgs: listArgsType(description, filterInput(description)),
      createInput: createInput(description),
      updateInput: updateInput(description),
    };
  }
  return all;
}

let types: Readonly<Record<ResourceName, ResourceTypes>> | undefined;

export function resourceTypes(): Readonly<Record<ResourceName, ResourceTypes>> {
  return (types ??= build());
}
