// The list policy's rules where the doors cannot reach them over HTTP today:
// no filterable field can be empty, so "eq: null asks for records without a
// value" is checked here, with the cap option and the page-number offsets.
import { describe, expect, test } from '@jest/globals';
import type { Problem } from '../../src/errors.js';
import { filterValueProblem, listMessages, pageNumberOffset, pageSize, searchWords } from '../../src/resources/list-policy.js';

const source = { kind: 'page' as const, name: 'limit' };

describe('page size', () => {
  test.each([
    [undefined, 10, 0],
    [1, 1, 0],
    [100, 100, 0],
    [0, 0, 1],
    [101, 101, 1],
    [2.5, 2.5, 1],
  ])('%p → %p with %p problems', (requested, used, problemCount) => {
    const problems: Problem[] = [];
    expect(pageSize(requested, source, problems)).toBe(used);
    expect(problems).toHaveLength(problemCount);
  });

  test('over the maximum is capped only when the door asks; 0 is refused either way', () => {
    const problems: Problem[] = [];
    expect(pageSize(1000, source, problems, { overMaximum: 'cap' })).toBe(100);
    expect(problems).toEqual([]);
    pageSize(0, source, problems, { overMaximum: 'cap' });
    expect(problems).toEqual([{ detail: listMessages.pageSize, source }]);
  });

  test('page numbers: from 1, and never past a safe offset', () => {
    const problems: Problem[] = [];
    expect(pageNumberOffset(3, 10, source, problems)).toBe(20);
    pageNumberOffset(0, 10, source, problems);
    pageNumberOffset(999_999_999, 100 * 2 ** 40, source, problems);
    expect(problems.map((p) => p.detail)).toEqual([listMessages.pageNumber, listMessages.pageTooFar]);
  });
});

describe('filter values', () => {
  test('no value: eq on a field that can be empty asks for records without one; elsewhere refused', () => {
    expect(filterValueProblem('exact', null, true)).toBeUndefined();
    expect(filterValueProblem('exact', null, false)).toBe(listMessages.alwaysHasValue);
    expect(filterValueProblem('lt', null, true)).toBe(listMessages.filterNeedsValue);
    expect(filterValueProblem('in', null, true)).toBe(listMessages.filterNeedsValue);
    expect(filterValueProblem('in', ['a', null], true)).toBe(listMessages.filterNeedsValue);
  });

  test('an in-list of at most 100 values', () => {
    expect(filterValueProblem('in', Array.from({ length: 100 }, String), false)).toBeUndefined();
    expect(filterValueProblem('in', Array.from({ length: 101 }, String), false)).toBe(listMessages.inTooLong);
  });
});

test('search: at least one word, at most ten', () => {
  const problems: Problem[] = [];
  expect(searchWords('  body   society ', { kind: 'search' }, problems)).toEqual(['body', 'society']);
  expect(problems).toEqual([]);
  searchWords(' \t', { kind: 'search' }, problems);
  searchWords(Array.from({ length: 11 }, (_, i) => `w${i}`).join(' '), { kind: 'search' }, problems);
  expect(problems.map((p) => p.detail)).toEqual([listMessages.searchBlank, listMessages.searchTooLong]);
});
