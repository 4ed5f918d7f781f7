// Courses: the catalogue's courses, each with many course terms.
import { commonAttributes, idFilter, textLookups, type ResourceDescription } from './description.js';

const text = (field: string, external: string, maxLength: number, extra: object = {}) => ({
  field, external, type: 'string' as const, maxLength, required: true, sortable: true, ...extra,
});

export const courses: ResourceDescription = {
  name: 'course',
  type: 'courses',
  model: 'course',
  table: 'course',
  graphqlName: 'Course',
  label: 'course',
  attributes: [
    ...commonAttributes,
    text('schoolBulletinPrefixCode', 'school_bulletin_prefix_code', 10),
    text('suffixTwo', 'suffix_two', 2, { length: 2 }),
    text('subjectAreaCode', 'subject_area_code', 10),
    // Text, not a number: "04961" keeps its leading zero.
    text('courseNumber', 'course_number', 10),
    text('courseIdentifier', 'course_identifier', 9, {
      length: 9,
      unique: true,
      pattern: /^[A-Z]{4}[0-9]{4}[A-Z]$/,
      patternHint: 'four capital letters, four digits and a capital letter, e.g. ANTH3160V',
    }),
    text('courseName', 'course_name', 80),
    { field: 'courseDescription', external: 'course_description', type: 'string', required: true, sortable: true },
  ],
  relationships: [{ field: 'courseTerms', external: 'course_terms', target: 'courseTerm', toMany: true, inverse: 'course' }],
  filters: [
    idFilter,
    ...['subjectAreaCode:subject_area_code', 'courseName:course_name', 'courseDescription:course_description', 'courseIdentifier:course_identifier', 'courseNumber:course_number', 'schoolBulletinPrefixCode:school_bulletin_prefix_code'].map((pair) => {
      const [path, external] = pair.split(':') as [string, string];
      return { external, path, lookups: textLookups };
    }),
    { external: 'course_terms.term_identifier', path: 'courseTerms.termIdentifier', lookups: textLookups },
  ],
  searchPaths: ['courseName', 'courseDescription', 'courseIdentifier', 'courseNumber'],
};
