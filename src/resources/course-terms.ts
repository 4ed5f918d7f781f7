// Course terms: a course offered in one term, taught by instructors, graded.
import { booleanLookups, commonAttributes, idFilter, numberLookups, textLookups, type ResourceDescription } from './description.js';

export const courseTerms: ResourceDescription = {
  name: 'courseTerm',
  type: 'course_terms',
  model: 'courseTerm',
  table: 'course_term',
  graphqlName: 'CourseTerm',
  label: 'course term',
  attributes: [
    ...commonAttributes,
    {
      field: 'termIdentifier',
      external: 'term_identifier',
      type: 'string',
      required: true,
      unique: true,
      length: 14,
      maxLength: 14,
      sortable: true,
      pattern: /^[0-9]{4}[123][A-Z]{4}[0-9]{4}[A-Z]$/,
      patternHint: 'a year, a term digit (1, 2 or 3) and a course identifier, e.g. 20181ANTH3160V',
    },
    { field: 'auditPermittedCode', external: 'audit_permitted_code', type: 'integer', min: 0, sortable: true },
    { field: 'examCreditFlag', external: 'exam_credit_flag', type: 'boolean', sortable: true },
  ],
  relationships: [
    { field: 'course', external: 'course', target: 'course', toMany: false, inverse: 'courseTerms', foreignKey: 'courseId' },
    {
      field: 'instructors',
      external: 'instructors',
      target: 'instructor',
      toMany: true,
      inverse: 'courseTerms',
      // Prisma's implicit many-to-many table: "A" is CourseTerm (first by name), "B" Instructor.
      joinTable: { table: '_course_term_instructors', column: 'A', targetColumn: 'B' },
    },
    { field: 'grades', external: 'grades', target: 'grade', toMany: true, inverse: 'courseTerm', membersRequireOwner: true },
  ],
  filters: [
    idFilter,
    { external: 'term_identifier', path: 'termIdentifier', lookups: textLookups },
    { external: 'audit_permitted_code', path: 'auditPermittedCode', lookups: numberLookups },
    { external: 'exam_credit_flag', path: 'examCreditFlag', lookups: booleanLookups },
    { external: 'course.id', path: 'course.id', lookups: ['exact', 'in'] },
  ],
  searchPaths: ['termIdentifier'],
};
