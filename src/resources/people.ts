// People: a name, and optionally the instructor and the student they are.
import { commonAttributes, idFilter, textLookups, type ResourceDescription } from './description.js';

export const people: ResourceDescription = {
  name: 'person',
  type: 'people',
  model: 'person',
  table: 'person',
  graphqlName: 'Person',
  label: 'person',
  attributes: [...commonAttributes, { field: 'name', external: 'name', type: 'string', required: true, unique: true, maxLength: 100, sortable: true }],
  relationships: [
    { field: 'instructor', external: 'instructor', target: 'instructor', toMany: false, inverse: 'person' },
    { field: 'student', external: 'student', target: 'student', toMany: false, inverse: 'person' },
  ],
  filters: [idFilter, { external: 'name', path: 'name', lookups: textLookups }],
  searchPaths: ['name', 'instructor.courseTerms.course.courseName'],
};
