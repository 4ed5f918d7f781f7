// Create and update inputs: the writable attributes (audit fields are set by
// the server) and each relationship's linkage as ids (`courseId`,
// `instructorIds`). The services check every value; the schema only marks
// what a create cannot do without.
//
// Nested creates: for each one-to-many relationship (the member holds the
// foreign key: a course's terms, a student's grades), the field named after
// the relationship (`courseTerms`) takes new members to create with the
// record, in the same transaction. Their input is the member's create input
// without the relationship back to the record (`CourseTermCreateWithoutCourseInput`),
// which the record gives; members link other records by id (`instructorIds`).
import { ID, InputType } from 'type-graphql';
import type { RelationshipDescription, ResourceDescription } from '../../resources/description.js';
import { inverseOf, nestableRelationships } from '../../resources/nested-writes.js';
import { resources } from '../../resources/registry.js';
import { linkageArg, upperFirst } from '../naming.js';
import { addField, attributeType, namedClass, type GraphQLClass } from './define.js';

function writeInput(description: ResourceDescription, mode: 'create' | 'update', without?: RelationshipDescription): GraphQLClass {
  const name = without
    ? `${description.graphqlName}CreateWithout${upperFirst(without.field)}Input`
    : `${description.graphqlName}${mode === 'create' ? 'Create' : 'Update'}Input`;
  const input = namedClass(name);
  if (mode === 'create') addField(input, 'id', () => ID, { nullable: true, description: 'A client-generated UUID; the server makes one when omitted.' });
  for (const attribute of description.attributes) {
    if (attribute.readOnly) continue;
    addField(input, attribute.field, () => attributeType(attribute), { nullable: mode === 'update' || !attribute.required });
  }
  for (const rel of description.relationships) {
    if (rel === without) continue;
    const target = rel.target;
    addField(input, linkageArg(rel), () => (rel.toMany ? [ID] : ID), {
      nullable: mode === 'update' || !rel.required,
      description: rel.toMany ? `Ids of the ${target} records${mode === 'update' ? ' (replaces the list)' : ''}.` : `Id of the ${target}${rel.required ? '' : ' (null: none)'}.`,
    });
  }
  if (!without) {
    for (const rel of nestableRelationships(description)) {
      const member = memberInput(rel);
      addField(input, rel.field, () => [member], {
        nullable: true,
        description: `New ${resources[rel.target].label} records to create with this ${description.label}, in the same transaction (one level deep).`,
      });
    }
  }
  const what = without ? `A new ${description.label} created with its ${resources[without.target].label}, which gives its ${without.field}.` : undefined;
  InputType(name, { description: mode === 'update' ? 'Only the fields given change.' : what })(input);
  return input;
}

const memberInputs = new Map<string, GraphQLClass>();

/** The input of a new member of a one-to-many relationship: its create input without the relationship back. */
function memberInput(rel: RelationshipDescription): GraphQLClass {
  const inverse = inverseOf(rel);
  const key = `${rel.target}.${inverse.field}`;
  let input = memberInputs.get(key);
  if (!input) {
    input = writeInput(resources[rel.target], 'create', inverse);
    memberInputs.set(key, input);
  }
  return input;
}

export const createInput = (description: ResourceDescription) => writeInput(description, 'create');
export const updateInput = (description: ResourceDescription) => writeInput(description, 'update');
