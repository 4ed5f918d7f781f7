// Courses: the catalogue's courses, each with many course terms.
import { commonAttributes, defineResource, idFilter, textLookups } from '../description.js';

export default defineResource({
  model: 'Course',
  type: 'courses',
  attributes: [
    ...commonAttributes,
    { field: 'schoolBulletinPrefixCode', external: 'school_bulletin_prefix_code', sortable: true },
    { field: 'suffixTwo', external: 'suffix_two', length: 2, sortable: true },
    { field: 'subjectAreaCode', external: 'subject_area_code', sortable: true },
    // Text, not a number: "04961" keeps its leading zero.
    { field: 'courseNumber', external: 'course_number', sortable: true },
    {
      field: 'courseIdentifier',
      external: 'course_identifier',
      length: 9,
      sortable: true,
      pattern: /^[A-Z]{4}[0-9]{4}[A-Z]$/,
      patternHint: 'four capital letters, four digits and a capital letter, e.g. ANTH3160V',
    },
    { field: 'courseName', external: 'course_name', sortable: true },
    { field: 'courseDescription', external: 'course_description', sortable: true },
  ],
  relationships: [{ field: 'courseTerms', external: 'course_terms' }],
  filters: [
    idFilter,
    ...['subjectAreaCode:subject_area_code', 'courseName:course_name', 'courseDescription:course_description', 'courseIdentifier:course_identifier', 'courseNumber:course_number', 'schoolBulletinPrefixCode:school_bulletin_prefix_code'].map((pair) => {
      const [path, external] = pair.split(':') as [string, string];
      return { external, path, lookups: textLookups };
    }),
    { external: 'course_terms.term_identifier', path: 'courseTerms.termIdentifier', lookups: textLookups },
  ],
  searchPaths: ['courseName', 'courseDescription', 'courseIdentifier', 'courseNumber'],
});
