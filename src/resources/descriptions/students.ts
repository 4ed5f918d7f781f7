// Students: a person who takes course terms and receives grades.
import { commonAttributes, defineResource, idFilter, textLookups } from '../description.js';

export default defineResource({
  model: 'Student',
  type: 'students',
  attributes: [...commonAttributes],
  relationships: [
    { field: 'person', external: 'person' },
    { field: 'grades', external: 'grades' },
  ],
  filters: [idFilter, { external: 'name', path: 'person.name', lookups: textLookups }],
  searchPaths: ['person.name'],
});
