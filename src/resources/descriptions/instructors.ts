// Instructors: a person who teaches course terms.
import { commonAttributes, defineResource, idFilter, textLookups } from '../description.js';

export default defineResource({
  model: 'Instructor',
  type: 'instructors',
  attributes: [...commonAttributes],
  relationships: [
    { field: 'person', external: 'person' },
    { field: 'courseTerms', external: 'course_terms' },
  ],
  filters: [
    idFilter,
    // The demo's aliases, with its `course_name_gt` style forms.
    { external: 'course_name', path: 'courseTerms.course.courseName', lookups: textLookups, suffixLookups: true },
    { external: 'name', path: 'person.name', lookups: textLookups, suffixLookups: true },
  ],
  searchPaths: ['person.name', 'courseTerms.course.courseName', 'courseTerms.course.courseIdentifier'],
});
