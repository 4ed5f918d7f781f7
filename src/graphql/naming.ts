// GraphQL names derived from the resource descriptions, in one place, so the
// schema, the resolvers and the error paths agree.
import type { RelationshipDescription, ResourceDescription } from '../resources/description.js';

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
export const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** `course(id)`, `courseTerm(id)`, `person(id)`. */
export const singleField = (d: ResourceDescription) => lowerFirst(d.graphqlName);
/** `courses`, `courseTerms`, `people`: the JSON:API collection, camelCased. */
export const listField = (d: ResourceDescription) => camel(d.type);

/** The input/argument carrying a relationship's linkage: `courseId`, `instructorIds`. */
export const linkageArg = (rel: RelationshipDescription) => (rel.toMany ? `${rel.target}Ids` : `${rel.field}Id`);

/** `courseIdentifier` → `COURSE_IDENTIFIER` (enum values). */
export const constantCase = (field: string) => field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
