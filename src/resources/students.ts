// Students: a person who takes course terms and receives grades.
import { commonAttributes, idFilter, textLookups, type ResourceDescription } from './description.js';

export const students: ResourceDescription = {
  name: 'student',
  type: 'students',
  model: 'student',
  table: 'student',
  graphqlName: 'Student',
  label: 'student',
  attributes: [...commonAttributes],
  relationships: [
    { field: 'person', external: 'person', target: 'person', toMany: false, inverse: 'student', foreignKey: 'personId' },
    { field: 'grades', external: 'grades', target: 'grade', toMany: true, inverse: 'student', membersRequireOwner: true },
  ],
  filters: [idFilter, { external: 'name', path: 'person.name', lookups: textLookups }],
  searchPaths: ['person.name'],
};
