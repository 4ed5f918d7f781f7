// Course terms: a course offered in one term, taught by instructors, graded.
import { booleanLookups, commonAttributes, defineResource, idFilter, numberLookups, textLookups } from '../description.js';

export default defineResource({
  model: 'CourseTerm',
  type: 'course_terms',
  attributes: [
    ...commonAttributes,
    {
      field: 'termIdentifier',
      external: 'term_identifier',
      length: 14,
      sortable: true,
      pattern: /^[0-9]{4}[123][A-Z]{4}[0-9]{4}[A-Z]$/,
      patternHint: 'a year, a term digit (1, 2 or 3) and a course identifier, e.g. 20181ANTH3160V',
    },
    { field: 'auditPermittedCode', external: 'audit_permitted_code', min: 0, sortable: true },
    { field: 'examCreditFlag', external: 'exam_credit_flag', sortable: true },
  ],
  relationships: [
    { field: 'course', external: 'course' },
    { field: 'instructors', external: 'instructors' },
    { field: 'grades', external: 'grades' },
  ],
  filters: [
    idFilter,
    { external: 'term_identifier', path: 'termIdentifier', lookups: textLookups },
    { external: 'audit_permitted_code', path: 'auditPermittedCode', lookups: numberLookups },
    { external: 'exam_credit_flag', path: 'examCreditFlag', lookups: booleanLookups },
    { external: 'course.id', path: 'course.id', lookups: ['exact', 'in'] },
  ],
  searchPaths: ['termIdentifier'],
});
