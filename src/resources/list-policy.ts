// The one list policy: how large a page may be, how many values an `in`
// filter may carry, what a search and a filter without a value mean, how deep
// and wide an include may reach. The services apply it to every list, so both
// doors give the same answer or the same refusal; the doors only name the
// parameter or argument in their own error shape. Every constant and message
// of these rules is here and nowhere else.
//
// Decisions (one rule per question):
// - Page size: 1 to MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE. 0 asks for
//   nothing and is refused (a count alone: ask for one record and read the
//   total). Over the maximum is refused, unless the caller passes
//   `overMaximum: 'cap'`: the REST door does, as DJA's paginator quietly
//   caps page[size] and its clients rely on that.
// - A filter without a value (GraphQL null, REST `filter[x]=`) asks for
//   records without one: only `eq` on a field that can be empty may; other
//   operators need a value, and a field that always has one would match
//   nothing, which is refused as the mistake it is.
// - An `in` filter lists at most MAX_IN_VALUES values.
// - A search needs at least one word (blank is refused, not "everything"),
//   and has at most MAX_SEARCH_WORDS.
// - An include path follows at most MAX_INCLUDE_DEPTH relationships (GraphQL:
//   records nested MAX_INCLUDE_DEPTH + 1 deep); a request has at most
//   MAX_INCLUDE_PATHS include paths.
import { ValidationError, type ErrorSource, type Problem } from '../errors.js';
import type { Lookup } from './description.js';

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;
export const MAX_IN_VALUES = 100;
export const MAX_SEARCH_WORDS = 10;
export const MAX_INCLUDE_DEPTH = 7;
export const MAX_INCLUDE_PATHS = 20;

/** The messages, for the doors that check a value's syntax before it reaches a service (REST's query string). */
export const listMessages = {
  pageSize: `The page size must be a whole number from 1 to ${MAX_PAGE_SIZE}.`,
  pageNumber: 'The page number must be a whole number of at least 1.',
  pageTooFar: 'The page number is too large.',
  offset: 'The offset must be a whole number of 0 or more.',
  filterNeedsValue: 'This filter needs a value.',
  inTooLong: `An "in" filter may list at most ${MAX_IN_VALUES} values.`,
  searchBlank: 'A search needs at least one word.',
  searchTooLong: `A search may have at most ${MAX_SEARCH_WORDS} words.`,
  includeTooDeep: `An include path may follow at most ${MAX_INCLUDE_DEPTH} relationships.`,
  includeTooWide: `At most ${MAX_INCLUDE_PATHS} include paths are allowed.`,
  /** eq: null (REST: an empty filter value) on a field that always has a value. */
  alwaysHasValue: 'This field always has a value; asking for records without one would match nothing.',
} as const;

/** What a door may ask of the policy beyond the one rule. */
export interface ListOptions {
  /**
   * A page size over the maximum: refused (the rule), or capped at the
   * maximum (the REST door's DJA compatibility; see above).
   */
  overMaximum?: 'refuse' | 'cap';
}

export const isWholeNumber = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/** A requested page size → the size used; a problem (naming `source`) when the policy refuses it. */
export function pageSize(requested: number | null | undefined, source: ErrorSource, problems: Problem[], options: ListOptions = {}): number {
  if (requested === undefined || requested === null) return DEFAULT_PAGE_SIZE;
  if (isWholeNumber(requested) && requested > MAX_PAGE_SIZE && options.overMaximum === 'cap') return MAX_PAGE_SIZE;
  if (!isWholeNumber(requested) || requested < 1 || requested > MAX_PAGE_SIZE) problems.push({ detail: listMessages.pageSize, source });
  return requested;
}

/** A requested offset (default 0); a problem when it is not a whole number ≥ 0. */
export function pageOffset(requested: number | null | undefined, source: ErrorSource, problems: Problem[]): number {
  if (requested === undefined || requested === null) return 0;
  if (!isWholeNumber(requested) || requested < 0) problems.push({ detail: listMessages.offset, source });
  return requested;
}

/** A 1-based page number of pages of `size` → its offset; problems when it is not a page there can be. */
export function pageNumberOffset(number: number, size: number, source: ErrorSource, problems: Problem[]): number {
  if (!isWholeNumber(number) || number < 1) {
    problems.push({ detail: listMessages.pageNumber, source });
    return 0;
  }
  const offset = (number - 1) * size;
  if (!Number.isSafeInteger(offset)) problems.push({ detail: listMessages.pageTooFar, source });
  return offset;
}

/**
 * The null and `in` rules of one filter condition; undefined when it may run.
 * `nullable`: whether the filtered field can be empty.
 */
export function filterValueProblem(lookup: Lookup, value: unknown, nullable: boolean): string | undefined {
  if (Array.isArray(value)) {
    if (lookup === 'in' && value.length > MAX_IN_VALUES) return listMessages.inTooLong;
    return value.some((v) => v === null || v === undefined) ? listMessages.filterNeedsValue : undefined;
  }
  if (value !== null && value !== undefined) return undefined;
  if (lookup !== 'exact') return listMessages.filterNeedsValue;
  return nullable ? undefined : listMessages.alwaysHasValue;
}

/** A search text → its words; problems when it is blank or too long. */
export function searchWords(search: string, source: ErrorSource, problems: Problem[]): string[] {
  const words = search.trim().split(/\s+/).filter(Boolean);
  if (!words.length) problems.push({ detail: listMessages.searchBlank, source });
  if (words.length > MAX_SEARCH_WORDS) problems.push({ detail: listMessages.searchTooLong, source });
  return words.slice(0, MAX_SEARCH_WORDS);
}

/** Throws the problems, if any, as one ValidationError. */
export function refuse(problems: readonly Problem[]): void {
  if (problems.length) throw new ValidationError([...problems]);
}
