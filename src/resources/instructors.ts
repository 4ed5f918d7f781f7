// Instructors: a person who teaches course terms.
import { commonAttributes, idFilter, textLookups, type ResourceDescription } from './description.js';

export const instructors: ResourceDescription = {
  name: 'instructor',
  type: 'instructors',
  model: 'instructor',
  table: 'instructor',
  graphqlName: 'Instructor',
  label: 'instructor',
  attributes: [...commonAttributes],
  relationships: [
    { field: 'person', external: 'person', target: 'person', toMany: false, inverse: 'instructor', foreignKey: 'personId' },
    {
      field: 'courseTerms',
      external: 'course_terms',
      target: 'courseTerm',
      toMany: true,
      inverse: 'instructors',
      joinTable: { table: '_course_term_instructors', column: 'B', targetColumn: 'A' },
    },
  ],
  filters: [
    idFilter,
    // The demo's aliases, with its `course_name_gt` style forms.
    { external: 'course_name', path: 'courseTerms.course.courseName', lookups: textLookups, suffixLookups: true },
    { external: 'name', path: 'person.name', lookups: textLookups, suffixLookups: true },
  ],
  searchPaths: ['person.name', 'courseTerms.course.courseName', 'courseTerms.course.courseIdentifier'],
};
