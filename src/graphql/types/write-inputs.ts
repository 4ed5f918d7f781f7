// Create and update inputs: the writable attributes (audit fields are set by
// the server) and each relationship's linkage as ids (`courseId`,
// `instructorIds`). The services check every value; the schema only marks
// what a create cannot do without.
import { ID, InputType } from 'type-graphql';
import type { ResourceDescription } from '../../resources/description.js';
import { linkageArg } from '../naming.js';
import { addField, attributeType, namedClass, type GraphQLClass } from './define.js';

function writeInput(description: ResourceDescription, mode: 'create' | 'update'): GraphQLClass {
  const name = `${description.graphqlName}${mode === 'create' ? 'Create' : 'Update'}Input`;
  const input = namedClass(name);
  if (mode === 'create') addField(input, 'id', () => ID, { nullable: true, description: 'A client-generated UUID; the server makes one when omitted.' });
  for (const attribute of description.attributes) {
    if (attribute.readOnly) continue;
    addField(input, attribute.field, () => attributeType(attribute), { nullable: mode === 'update' || !attribute.required });
  }
  for (const rel of description.relationships) {
    const target = rel.target;
    addField(input, linkageArg(rel), () => (rel.toMany ? [ID] : ID), {
      nullable: mode === 'update' || !rel.required,
      description: rel.toMany ? `Ids of the ${target} records${mode === 'update' ? ' (replaces the list)' : ''}.` : `Id of the ${target}${rel.required ? '' : ' (null: none)'}.`,
    });
  }
  InputType(name, { description: mode === 'update' ? 'Only the fields given change.' : undefined })(input);
  return input;
}

export const createInput = (description: ResourceDescription) => writeInput(description, 'create');
export const updateInput = (description: ResourceDescription) => writeInput(description, 'update');
