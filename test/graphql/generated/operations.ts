/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Conditions on one boolean value; all given conditions must hold. */
export type BooleanFilter = {
  /** Equal to (null: has no value). */
  eq?: boolean | null | undefined;
};

/** Conditions on course records through courseTerms. */
export type CourseCourseTermsFilter = {
  /** REST: filter[course_terms.term_identifier] */
  termIdentifier?: StringFilter | null | undefined;
};

export type CourseCreateInput = {
  courseDescription: string;
  courseIdentifier: string;
  courseName: string;
  courseNumber: string;
  /** Ids of the courseTerm records. */
  courseTermIds?: Array<string> | null | undefined;
  /** New course term records to create with this course, in the same transaction (one level deep). */
  courseTerms?: Array<CourseTermCreateWithoutCourseInput> | null | undefined;
  effectiveEndDate?: string | null | undefined;
  effectiveStartDate?: string | null | undefined;
  /** A client-generated UUID; the server makes one when omitted. */
  id?: string | null | undefined;
  schoolBulletinPrefixCode: string;
  subjectAreaCode: string;
  suffixTwo: string;
};

/** Conditions on course records; all given conditions must hold (AND). */
export type CourseFilter = {
  /** REST: filter[course_description] */
  courseDescription?: StringFilter | null | undefined;
  /** REST: filter[course_identifier] */
  courseIdentifier?: StringFilter | null | undefined;
  /** REST: filter[course_name] */
  courseName?: StringFilter | null | undefined;
  /** REST: filter[course_number] */
  courseNumber?: StringFilter | null | undefined;
  courseTerms?: CourseCourseTermsFilter | null | undefined;
  /** REST: filter[id] */
  id?: IdFilter | null | undefined;
  /** REST: filter[school_bulletin_prefix_code] */
  schoolBulletinPrefixCode?: StringFilter | null | undefined;
  /** REST: filter[subject_area_code] */
  subjectAreaCode?: StringFilter | null | undefined;
};

/** One sort key; later keys break ties of earlier ones (REST: sort=a,-b). */
export type CourseSort = {
  direction?: SortDirection;
  field: CourseSortField;
};

/** Fields course lists can be sorted by. */
export type CourseSortField =
  | 'COURSE_DESCRIPTION'
  | 'COURSE_IDENTIFIER'
  | 'COURSE_NAME'
  | 'COURSE_NUMBER'
  | 'EFFECTIVE_END_DATE'
  | 'EFFECTIVE_START_DATE'
  | 'ID'
  | 'LAST_MOD_DATE'
  | 'LAST_MOD_USER_NAME'
  | 'SCHOOL_BULLETIN_PREFIX_CODE'
  | 'SUBJECT_AREA_CODE'
  | 'SUFFIX_TWO';

/** Conditions on course term records through course. */
export type CourseTermCourseFilter = {
  /** REST: filter[course.id] */
  id?: IdFilter | null | undefined;
};

export type CourseTermCreateInput = {
  auditPermittedCode?: number | null | undefined;
  /** Id of the course (null: none). */
  courseId?: string | null | undefined;
  effectiveEndDate?: string | null | undefined;
  effectiveStartDate?: string | null | undefined;
  examCreditFlag?: boolean | null | undefined;
  /** Ids of the grade records. */
  gradeIds?: Array<string> | null | undefined;
  /** New grade records to create with this course term, in the same transaction (one level deep). */
  grades?: Array<GradeCreateWithoutCourseTermInput> | null | undefined;
  /** A client-generated UUID; the server makes one when omitted. */
  id?: string | null | undefined;
  /** Ids of the instructor records. */
  instructorIds?: Array<string> | null | undefined;
  termIdentifier: string;
};

/** A new course term created with its course, which gives its course. */
export type CourseTermCreateWithoutCourseInput = {
  auditPermittedCode?: number | null | undefined;
  effectiveEndDate?: string | null | undefined;
  effectiveStartDate?: string | null | undefined;
  examCreditFlag?: boolean | null | undefined;
  /** Ids of the grade records. */
  gradeIds?: Array<string> | null | undefined;
  /** A client-generated UUID; the server makes one when omitted. */
  id?: string | null | undefined;
  /** Ids of the instructor records. */
  instructorIds?: Array<string> | null | undefined;
  termIdentifier: string;
};

/** Conditions on course term records; all given conditions must hold (AND). */
export type CourseTermFilter = {
  /** REST: filter[audit_permitted_code] */
  auditPermittedCode?: IntFilter | null | undefined;
  course?: CourseTermCourseFilter | null | undefined;
  /** REST: filter[exam_credit_flag] */
  examCreditFlag?: BooleanFilter | null | undefined;
  /** REST: filter[id] */
  id?: IdFilter | null | undefined;
  /** REST: filter[term_identifier] */
  termIdentifier?: StringFilter | null | undefined;
};

/** One sort key; later keys break ties of earlier ones (REST: sort=a,-b). */
export type CourseTermSort = {
  direction?: SortDirection;
  field: CourseTermSortField;
};

/** Fields course term lists can be sorted by. */
export type CourseTermSortField =
  | 'AUDIT_PERMITTED_CODE'
  | 'EFFECTIVE_END_DATE'
  | 'EFFECTIVE_START_DATE'
  | 'EXAM_CREDIT_FLAG'
  | 'ID'
  | 'LAST_MOD_DATE'
  | 'LAST_MOD_USER_NAME'
  | 'TERM_IDENTIFIER';

/** Only the fields given change. */
export type CourseUpdateInput = {
  courseDescription?: string | null | undefined;
  courseIdentifier?: string | null | undefined;
  courseName?: string | null | undefined;
  courseNumber?: string | null | undefined;
  /** Ids of the courseTerm records (replaces the list). */
  courseTermIds?: Array<string> | null | undefined;
  /** New course term records to create with this course, in the same transaction (one level deep). */
  courseTerms?: Array<CourseTermCreateWithoutCourseInput> | null | undefined;
  effectiveEndDate?: string | null | undefined;
  effectiveStartDate?: string | null | undefined;
  schoolBulletinPrefixCode?: string | null | undefined;
  subjectAreaCode?: string | null | undefined;
  suffixTwo?: string | null | undefined;
};

export type GradeCreateInput = {
  /** Id of the courseTerm. */
  courseTermId: string;
  credits: number;
  effectiveEndDate?: string | null | undefined;
  effectiveStartDate?: string | null | undefined;
  gradeLetter?: GradeLetter | null | undefined;
  gradeValue?: number | null | undefined;
  /** A client-generated UUID; the server makes one when omitted. */
  id?: string | null | undefined;
  /** Id of the student. */
  studentId: string;
};

/** A new grade created with its course term, which gives its courseTerm. */
export type GradeCreateWithoutCourseTermInput = {
  credits: number;
  effectiveEndDate?: string | null | undefined;
  effectiveStartDate?: string | null | undefined;
  gradeLetter?: GradeLetter | null | undefined;
  gradeValue?: number | null | undefined;
  /** A client-generated UUID; the server makes one when omitted. */
  id?: string | null | undefined;
  /** Id of the student. */
  studentId: string;
};

/** A new grade created with its student, which gives its student. */
export type GradeCreateWithoutStudentInput = {
  /** Id of the courseTerm. */
  courseTermId: string;
  credits: number;
  effectiveEndDate?: string | null | undefined;
  effectiveStartDate?: string | null | undefined;
  gradeLetter?: GradeLetter | null | undefined;
  gradeValue?: number | null | undefined;
  /** A client-generated UUID; the server makes one when omitted. */
  id?: string | null | undefined;
};

export type GradeLetter =
  | 'A'
  | 'B'
  | 'C'
  | 'D'
  | 'F'
  | 'P';

/** Conditions on one id value; all given conditions must hold. */
export type IdFilter = {
  /** Equal to (null: has no value). */
  eq?: string | null | undefined;
  /** Equal to one of these values. */
  in?: Array<string> | null | undefined;
};

/** Conditions on instructor records through courseTerms.course. */
export type InstructorCourseTermsCourseFilter = {
  /** REST: filter[course_name] */
  courseName?: StringFilter | null | undefined;
};

/** Conditions on instructor records through courseTerms. */
export type InstructorCourseTermsFilter = {
  course?: InstructorCourseTermsCourseFilter | null | undefined;
};

export type InstructorCreateInput = {
  /** Ids of the courseTerm records. */
  courseTermIds?: Array<string> | null | undefined;
  effectiveEndDate?: string | null | undefined;
  effectiveStartDate?: string | null | undefined;
  /** A client-generated UUID; the server makes one when omitted. */
  id?: string | null | undefined;
  /** Id of the person (null: none). */
  personId?: string | null | undefined;
};

/** Conditions on instructor records; all given conditions must hold (AND). */
export type InstructorFilter = {
  courseTerms?: InstructorCourseTermsFilter | null | undefined;
  /** REST: filter[id] */
  id?: IdFilter | null | undefined;
  person?: InstructorPersonFilter | null | undefined;
};

/** Conditions on instructor records through person. */
export type InstructorPersonFilter = {
  /** REST: filter[name] */
  name?: StringFilter | null | undefined;
};

/** Conditions on one int value; all given conditions must hold. */
export type IntFilter = {
  /** Equal to (null: has no value). */
  eq?: number | null | undefined;
  /** Greater than. */
  gt?: number | null | undefined;
  /** Greater than or equal to. */
  gte?: number | null | undefined;
  /** Equal to one of these values. */
  in?: Array<number> | null | undefined;
  /** Less than. */
  lt?: number | null | undefined;
  /** Less than or equal to. */
  lte?: number | null | undefined;
};

export type PersonCreateInput = {
  effectiveEndDate?: string | null | undefined;
  effectiveStartDate?: string | null | undefined;
  /** A client-generated UUID; the server makes one when omitted. */
  id?: string | null | undefined;
  /** Id of the instructor (null: none). */
  instructorId?: string | null | undefined;
  name: string;
  /** Id of the student (null: none). */
  studentId?: string | null | undefined;
  username?: string | null | undefined;
};

export type SortDirection =
  | 'ASC'
  | 'DESC';

/** Conditions on one string value; all given conditions must hold. */
export type StringFilter = {
  /** Contains this text (case-sensitive). */
  contains?: string | null | undefined;
  /** Equal to (null: has no value). */
  eq?: string | null | undefined;
  /** Greater than. */
  gt?: string | null | undefined;
  /** Greater than or equal to. */
  gte?: string | null | undefined;
  /** Contains this text, ignoring case. */
  icontains?: string | null | undefined;
  /** Equal to this text, ignoring case. */
  iexact?: string | null | undefined;
  /** Equal to one of these values. */
  in?: Array<string> | null | undefined;
  /** Less than. */
  lt?: string | null | undefined;
  /** Less than or equal to. */
  lte?: string | null | undefined;
  /** Matches this POSIX regular expression. */
  regex?: string | null | undefined;
};

export type StudentCreateInput = {
  effectiveEndDate?: string | null | undefined;
  effectiveStartDate?: string | null | undefined;
  /** Ids of the grade records. */
  gradeIds?: Array<string> | null | undefined;
  /** New grade records to create with this student, in the same transaction (one level deep). */
  grades?: Array<GradeCreateWithoutStudentInput> | null | undefined;
  /** A client-generated UUID; the server makes one when omitted. */
  id?: string | null | undefined;
  /** Id of the person (null: none). */
  personId?: string | null | undefined;
};

export type CreateCourseWithTermsMutationVariables = Exact<{
  input: CourseCreateInput;
}>;


export type CreateCourseWithTermsMutation = { createCourse: { id: string, courseIdentifier: string } };

export type AddTermsToCourseMutationVariables = Exact<{
  id: string;
  input: CourseUpdateInput;
}>;


export type AddTermsToCourseMutation = { updateCourse: { id: string, courseTerms: { nodes: Array<{ termIdentifier: string, instructors: { nodes: Array<{ id: string }> } }> } } };

export type PersonAndInstructorAtomicallyMutationVariables = Exact<{
  person: PersonCreateInput;
  courseId: string;
  course: CourseUpdateInput;
}>;


export type PersonAndInstructorAtomicallyMutation = { createPerson: { id: string }, updateCourse: { id: string } };

export type CoursesWithTermsInstructorsPeopleQueryVariables = Exact<{
  first?: number | null | undefined;
  termsFirst?: number | null | undefined;
  instructorsFirst?: number | null | undefined;
}>;


export type CoursesWithTermsInstructorsPeopleQuery = { courses: { totalCount: number, nodes: Array<{ id: string, courseIdentifier: string, courseTerms: { nodes: Array<{ id: string, termIdentifier: string, instructors: { nodes: Array<{ id: string, person: { id: string, name: string } | null }> } }> } }> } };

export type CreateCourseTermMutationVariables = Exact<{
  input: CourseTermCreateInput;
}>;


export type CreateCourseTermMutation = { createCourseTerm: { id: string, termIdentifier: string, auditPermittedCode: number, examCreditFlag: boolean, course: { id: string, courseIdentifier: string } | null } };

export type SetCourseTermCourseMutationVariables = Exact<{
  id: string;
  courseId?: string | null | undefined;
}>;


export type SetCourseTermCourseMutation = { setCourseTermCourse: { id: string, course: { id: string } | null } };

export type SetCourseTermInstructorsMutationVariables = Exact<{
  id: string;
  instructorIds: Array<string> | string;
}>;


export type SetCourseTermInstructorsMutation = { setCourseTermInstructors: { id: string, instructors: { nodes: Array<{ id: string }> } } };

export type AddCourseTermInstructorsMutationVariables = Exact<{
  id: string;
  instructorIds: Array<string> | string;
}>;


export type AddCourseTermInstructorsMutation = { addCourseTermInstructors: { id: string, instructors: { nodes: Array<{ id: string }> } } };

export type RemoveCourseTermInstructorsMutationVariables = Exact<{
  id: string;
  instructorIds: Array<string> | string;
}>;


export type RemoveCourseTermInstructorsMutation = { removeCourseTermInstructors: { id: string, instructors: { nodes: Array<{ id: string }> } } };

export type CourseFieldsFragment = { id: string, courseIdentifier: string, courseName: string, courseNumber: string, subjectAreaCode: string, schoolBulletinPrefixCode: string, suffixTwo: string, courseDescription: string, effectiveStartDate: string | null, effectiveEndDate: string | null, lastModUserName: string | null, lastModDate: string };

export type CourseListQueryVariables = Exact<{
  filter?: CourseFilter | null | undefined;
  search?: string | null | undefined;
  sort?: Array<CourseSort> | CourseSort | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
  offset?: number | null | undefined;
  limit?: number | null | undefined;
}>;


export type CourseListQuery = { courses: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, courseIdentifier: string, courseName: string, courseNumber: string, subjectAreaCode: string, schoolBulletinPrefixCode: string, suffixTwo: string, courseDescription: string, effectiveStartDate: string | null, effectiveEndDate: string | null, lastModUserName: string | null, lastModDate: string } }> } };

export type CourseByIdQueryVariables = Exact<{
  id: string;
}>;


export type CourseByIdQuery = { course: { id: string, courseIdentifier: string, courseName: string, courseNumber: string, subjectAreaCode: string, schoolBulletinPrefixCode: string, suffixTwo: string, courseDescription: string, effectiveStartDate: string | null, effectiveEndDate: string | null, lastModUserName: string | null, lastModDate: string, courseTerms: { totalCount: number, nodes: Array<{ id: string, termIdentifier: string }> } } | null };

export type CourseTermsOfCourseQueryVariables = Exact<{
  id: string;
  filter?: CourseTermFilter | null | undefined;
  sort?: Array<CourseTermSort> | CourseTermSort | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
  offset?: number | null | undefined;
  limit?: number | null | undefined;
}>;


export type CourseTermsOfCourseQuery = { course: { courseTerms: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { termIdentifier: string } }> } } | null };

export type CreateCourseMutationVariables = Exact<{
  input: CourseCreateInput;
}>;


export type CreateCourseMutation = { createCourse: { id: string, courseIdentifier: string, courseName: string, courseNumber: string, subjectAreaCode: string, schoolBulletinPrefixCode: string, suffixTwo: string, courseDescription: string, effectiveStartDate: string | null, effectiveEndDate: string | null, lastModUserName: string | null, lastModDate: string } };

export type UpdateCourseMutationVariables = Exact<{
  id: string;
  input: CourseUpdateInput;
}>;


export type UpdateCourseMutation = { updateCourse: { id: string, courseIdentifier: string, courseName: string, courseNumber: string, subjectAreaCode: string, schoolBulletinPrefixCode: string, suffixTwo: string, courseDescription: string, effectiveStartDate: string | null, effectiveEndDate: string | null, lastModUserName: string | null, lastModDate: string } };

export type DeleteCourseMutationVariables = Exact<{
  id: string;
}>;


export type DeleteCourseMutation = { deleteCourse: string };

export type CreatePersonMutationVariables = Exact<{
  input: PersonCreateInput;
}>;


export type CreatePersonMutation = { createPerson: { id: string, name: string } };

export type CreateInstructorMutationVariables = Exact<{
  input: InstructorCreateInput;
}>;


export type CreateInstructorMutation = { createInstructor: { id: string, person: { id: string, name: string } | null } };

export type CreateStudentMutationVariables = Exact<{
  input: StudentCreateInput;
}>;


export type CreateStudentMutation = { createStudent: { id: string } };

export type CreateGradeMutationVariables = Exact<{
  input: GradeCreateInput;
}>;


export type CreateGradeMutation = { createGrade: { id: string, credits: number, gradeLetter: GradeLetter | null, gradeValue: number, student: { id: string }, courseTerm: { id: string } } };

export type PersonWithEverythingQueryVariables = Exact<{
  id: string;
}>;


export type PersonWithEverythingQuery = { person: { name: string, instructor: { courseTerms: { nodes: Array<{ termIdentifier: string, course: { courseIdentifier: string } | null }> } } | null, student: { grades: { totalCount: number, nodes: Array<{ gradeLetter: GradeLetter | null, courseTerm: { termIdentifier: string } }> } } | null } | null };

export type InstructorListQueryVariables = Exact<{
  filter?: InstructorFilter | null | undefined;
  search?: string | null | undefined;
}>;


export type InstructorListQuery = { instructors: { totalCount: number, nodes: Array<{ id: string, person: { name: string } | null }> } };

export const CourseFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CourseFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Course"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"courseIdentifier"}},{"kind":"Field","name":{"kind":"Name","value":"courseName"}},{"kind":"Field","name":{"kind":"Name","value":"courseNumber"}},{"kind":"Field","name":{"kind":"Name","value":"subjectAreaCode"}},{"kind":"Field","name":{"kind":"Name","value":"schoolBulletinPrefixCode"}},{"kind":"Field","name":{"kind":"Name","value":"suffixTwo"}},{"kind":"Field","name":{"kind":"Name","value":"courseDescription"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveStartDate"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveEndDate"}},{"kind":"Field","name":{"kind":"Name","value":"lastModUserName"}},{"kind":"Field","name":{"kind":"Name","value":"lastModDate"}}]}}]} as unknown as DocumentNode<CourseFieldsFragment, unknown>;
export const CreateCourseWithTermsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateCourseWithTerms"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CourseCreateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createCourse"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"courseIdentifier"}}]}}]}}]} as unknown as DocumentNode<CreateCourseWithTermsMutation, CreateCourseWithTermsMutationVariables>;
export const AddTermsToCourseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddTermsToCourse"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CourseUpdateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateCourse"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"courseTerms"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}},{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"ListValue","values":[{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"field"},"value":{"kind":"EnumValue","value":"TERM_IDENTIFIER"}}]}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"termIdentifier"}},{"kind":"Field","name":{"kind":"Name","value":"instructors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<AddTermsToCourseMutation, AddTermsToCourseMutationVariables>;
export const PersonAndInstructorAtomicallyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PersonAndInstructorAtomically"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"person"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PersonCreateInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"courseId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"course"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CourseUpdateInput"}}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"atomic"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createPerson"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"person"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"updateCourse"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"courseId"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"course"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<PersonAndInstructorAtomicallyMutation, PersonAndInstructorAtomicallyMutationVariables>;
export const CoursesWithTermsInstructorsPeopleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CoursesWithTermsInstructorsPeople"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"termsFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"instructorsFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"courses"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"ListValue","values":[{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"field"},"value":{"kind":"EnumValue","value":"COURSE_IDENTIFIER"}}]}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"courseIdentifier"}},{"kind":"Field","name":{"kind":"Name","value":"courseTerms"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"termsFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"ListValue","values":[{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"field"},"value":{"kind":"EnumValue","value":"TERM_IDENTIFIER"}}]}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"termIdentifier"}},{"kind":"Field","name":{"kind":"Name","value":"instructors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"instructorsFirst"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CoursesWithTermsInstructorsPeopleQuery, CoursesWithTermsInstructorsPeopleQueryVariables>;
export const CreateCourseTermDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateCourseTerm"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CourseTermCreateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createCourseTerm"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"termIdentifier"}},{"kind":"Field","name":{"kind":"Name","value":"auditPermittedCode"}},{"kind":"Field","name":{"kind":"Name","value":"examCreditFlag"}},{"kind":"Field","name":{"kind":"Name","value":"course"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"courseIdentifier"}}]}}]}}]}}]} as unknown as DocumentNode<CreateCourseTermMutation, CreateCourseTermMutationVariables>;
export const SetCourseTermCourseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetCourseTermCourse"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"courseId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setCourseTermCourse"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"courseId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"courseId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"course"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<SetCourseTermCourseMutation, SetCourseTermCourseMutationVariables>;
export const SetCourseTermInstructorsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetCourseTermInstructors"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"instructorIds"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setCourseTermInstructors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"instructorIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"instructorIds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"instructors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"ListValue","values":[{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"field"},"value":{"kind":"EnumValue","value":"ID"}}]}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]} as unknown as DocumentNode<SetCourseTermInstructorsMutation, SetCourseTermInstructorsMutationVariables>;
export const AddCourseTermInstructorsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddCourseTermInstructors"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"instructorIds"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addCourseTermInstructors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"instructorIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"instructorIds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"instructors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"ListValue","values":[{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"field"},"value":{"kind":"EnumValue","value":"ID"}}]}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AddCourseTermInstructorsMutation, AddCourseTermInstructorsMutationVariables>;
export const RemoveCourseTermInstructorsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveCourseTermInstructors"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"instructorIds"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeCourseTermInstructors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"instructorIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"instructorIds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"instructors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"ListValue","values":[{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"field"},"value":{"kind":"EnumValue","value":"ID"}}]}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]} as unknown as DocumentNode<RemoveCourseTermInstructorsMutation, RemoveCourseTermInstructorsMutationVariables>;
export const CourseListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CourseList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CourseFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sort"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CourseSort"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"offset"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"courses"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}},{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sort"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}},{"kind":"Argument","name":{"kind":"Name","value":"offset"},"value":{"kind":"Variable","name":{"kind":"Name","value":"offset"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CourseFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CourseFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Course"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"courseIdentifier"}},{"kind":"Field","name":{"kind":"Name","value":"courseName"}},{"kind":"Field","name":{"kind":"Name","value":"courseNumber"}},{"kind":"Field","name":{"kind":"Name","value":"subjectAreaCode"}},{"kind":"Field","name":{"kind":"Name","value":"schoolBulletinPrefixCode"}},{"kind":"Field","name":{"kind":"Name","value":"suffixTwo"}},{"kind":"Field","name":{"kind":"Name","value":"courseDescription"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveStartDate"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveEndDate"}},{"kind":"Field","name":{"kind":"Name","value":"lastModUserName"}},{"kind":"Field","name":{"kind":"Name","value":"lastModDate"}}]}}]} as unknown as DocumentNode<CourseListQuery, CourseListQueryVariables>;
export const CourseByIdDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CourseById"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"course"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CourseFields"}},{"kind":"Field","name":{"kind":"Name","value":"courseTerms"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"ListValue","values":[{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"field"},"value":{"kind":"EnumValue","value":"TERM_IDENTIFIER"}}]}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"termIdentifier"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CourseFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Course"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"courseIdentifier"}},{"kind":"Field","name":{"kind":"Name","value":"courseName"}},{"kind":"Field","name":{"kind":"Name","value":"courseNumber"}},{"kind":"Field","name":{"kind":"Name","value":"subjectAreaCode"}},{"kind":"Field","name":{"kind":"Name","value":"schoolBulletinPrefixCode"}},{"kind":"Field","name":{"kind":"Name","value":"suffixTwo"}},{"kind":"Field","name":{"kind":"Name","value":"courseDescription"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveStartDate"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveEndDate"}},{"kind":"Field","name":{"kind":"Name","value":"lastModUserName"}},{"kind":"Field","name":{"kind":"Name","value":"lastModDate"}}]}}]} as unknown as DocumentNode<CourseByIdQuery, CourseByIdQueryVariables>;
export const CourseTermsOfCourseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CourseTermsOfCourse"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CourseTermFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sort"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CourseTermSort"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"offset"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"course"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"courseTerms"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sort"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}},{"kind":"Argument","name":{"kind":"Name","value":"offset"},"value":{"kind":"Variable","name":{"kind":"Name","value":"offset"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"termIdentifier"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CourseTermsOfCourseQuery, CourseTermsOfCourseQueryVariables>;
export const CreateCourseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateCourse"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CourseCreateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createCourse"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CourseFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CourseFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Course"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"courseIdentifier"}},{"kind":"Field","name":{"kind":"Name","value":"courseName"}},{"kind":"Field","name":{"kind":"Name","value":"courseNumber"}},{"kind":"Field","name":{"kind":"Name","value":"subjectAreaCode"}},{"kind":"Field","name":{"kind":"Name","value":"schoolBulletinPrefixCode"}},{"kind":"Field","name":{"kind":"Name","value":"suffixTwo"}},{"kind":"Field","name":{"kind":"Name","value":"courseDescription"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveStartDate"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveEndDate"}},{"kind":"Field","name":{"kind":"Name","value":"lastModUserName"}},{"kind":"Field","name":{"kind":"Name","value":"lastModDate"}}]}}]} as unknown as DocumentNode<CreateCourseMutation, CreateCourseMutationVariables>;
export const UpdateCourseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateCourse"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CourseUpdateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateCourse"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CourseFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CourseFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Course"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"courseIdentifier"}},{"kind":"Field","name":{"kind":"Name","value":"courseName"}},{"kind":"Field","name":{"kind":"Name","value":"courseNumber"}},{"kind":"Field","name":{"kind":"Name","value":"subjectAreaCode"}},{"kind":"Field","name":{"kind":"Name","value":"schoolBulletinPrefixCode"}},{"kind":"Field","name":{"kind":"Name","value":"suffixTwo"}},{"kind":"Field","name":{"kind":"Name","value":"courseDescription"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveStartDate"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveEndDate"}},{"kind":"Field","name":{"kind":"Name","value":"lastModUserName"}},{"kind":"Field","name":{"kind":"Name","value":"lastModDate"}}]}}]} as unknown as DocumentNode<UpdateCourseMutation, UpdateCourseMutationVariables>;
export const DeleteCourseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteCourse"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteCourse"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<DeleteCourseMutation, DeleteCourseMutationVariables>;
export const CreatePersonDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreatePerson"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PersonCreateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createPerson"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<CreatePersonMutation, CreatePersonMutationVariables>;
export const CreateInstructorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateInstructor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"InstructorCreateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createInstructor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<CreateInstructorMutation, CreateInstructorMutationVariables>;
export const CreateStudentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateStudent"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"StudentCreateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createStudent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<CreateStudentMutation, CreateStudentMutationVariables>;
export const CreateGradeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateGrade"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"GradeCreateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createGrade"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"credits"}},{"kind":"Field","name":{"kind":"Name","value":"gradeLetter"}},{"kind":"Field","name":{"kind":"Name","value":"gradeValue"}},{"kind":"Field","name":{"kind":"Name","value":"student"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"courseTerm"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<CreateGradeMutation, CreateGradeMutationVariables>;
export const PersonWithEverythingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PersonWithEverything"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"person"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"instructor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"courseTerms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"termIdentifier"}},{"kind":"Field","name":{"kind":"Name","value":"course"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"courseIdentifier"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"student"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"grades"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gradeLetter"}},{"kind":"Field","name":{"kind":"Name","value":"courseTerm"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"termIdentifier"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<PersonWithEverythingQuery, PersonWithEverythingQueryVariables>;
export const InstructorListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"InstructorList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"InstructorFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"instructors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}},{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"ListValue","values":[{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"field"},"value":{"kind":"EnumValue","value":"ID"}}]}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"person"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<InstructorListQuery, InstructorListQueryVariables>;