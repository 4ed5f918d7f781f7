// People: a name, and optionally the instructor and the student they are.
import { commonAttributes, defineResource, idFilter, textLookups } from '../description.js';

export default defineResource({
  model: 'Person',
  type: 'people',
  attributes: [
    ...commonAttributes,
    { field: 'name', external: 'name', sortable: true },
    { field: 'username', external: 'username', sortable: true, description: 'The login identifier a token names (row rules match it, e.g. the UNI).' },
  ],
  relationships: [
    { field: 'instructor', external: 'instructor' },
    { field: 'student', external: 'student' },
  ],
  filters: [idFilter, { external: 'name', path: 'name', lookups: textLookups }, { external: 'username', path: 'username', lookups: textLookups }],
  searchPaths: ['name', 'instructor.courseTerms.course.courseName'],
});
