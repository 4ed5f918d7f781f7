// Screens a filter's regular expression before any database sees it.
//
// PostgreSQL's regex engine (Spencer's, used for `~`) does not backtrack, so
// the classic ReDoS shapes such as `(a+)+b` are harmless there; what hurts is
// compiling. Counted repetition is built by copying the NFA fragment it
// repeats, and the optimiser's work grows faster than linearly in the copies:
// `(.{0,90}){0,130}` (11,700 copies) takes over a second to compile on
// PostgreSQL 15 and on PGlite, where it blocks the server's only thread.
// Back-references are the one feature that makes matching itself exponential
// (PostgreSQL dissects the match to check them), so they are refused outright.
// That is why the ReDoS checkers on npm (redos-detector models an ECMAScript
// backtracking engine) answer a different question; this module parses the
// pattern with regexpp (a maintained, linear-time ECMAScript regex parser) and
// prices the NFA PostgreSQL would build, in time linear in the pattern. The
// budget was measured on PostgreSQL 15 and PGlite 0.5 (defaultRegexLimits).
//
// PostgreSQL's "advanced" syntax (ARE) is close to ECMAScript's Annex B
// syntax, which regexpp parses. Where they differ, the Annex B reading never
// sees less repetition than PostgreSQL: PG-only escapes (\m, \y, \A, \Z) and
// POSIX classes ([[:alpha:]]) read as literals or shorter classes, a bracket
// expression never ends later in ECMAScript than in PostgreSQL, and `{` that is
// not a bound is a literal in both. Patterns regexpp cannot read are refused
// (their PostgreSQL-only forms, like `(?#comment)`, are rarely wanted), as are
// the embedded options that switch PostgreSQL to another syntax (b, e, x),
// which would break that correspondence.
import { RegExpParser, RegExpSyntaxError, type AST } from '@eslint-community/regexpp';

export interface RegexLimits {
  /** Characters in the pattern. */
  maxLength: number;
  /**
   * Size times pieces. Size: atoms once counted repetition is expanded
   * (`[A-Z]{4}\d{4}` is 8, `(ab){0,10}` is 20). Pieces: quantified parts of the
   * expanded pattern, each copy of a repeated group counting (`(ab){0,10}` has
   * 10, `a?b?` 2). Optional pieces are what PostgreSQL's optimiser works
   * hardest on, roughly each against the rest, hence the product.
   */
  maxCost: number;
}

/**
 * Measured (PGlite CPU time, PostgreSQL 15 wall time, on a shared 2-core
 * machine): the costliest accepted shapes compile in about 10 ms; `(.{0,90}){0,130}x`
 * (cost 3 million) in 1.3 s. Ordinary filters cost little (`^Intro` 6,
 * `[A-Z]{4}\d{4}` 16); `(\w+\s?){1,10}`, at 900, is near the limit.
 */
export const defaultRegexLimits: RegexLimits = { maxLength: 200, maxCost: 1000 };

/** PostgreSQL refuses bounds above this (RE_DUPMAX). */
const maxBound = 255;

/** Embedded options PostgreSQL allows at the start (`(?i)`), minus the ones that change the syntax. */
const leadingOptions = /^\(\?([a-z]*)\)/;
const syntaxOptions = /[bex]/;

interface Tally {
  /** Atoms after expanding counted repetition. */
  size: number;
  /** Quantified parts after expansion (see RegexLimits.maxCost). */
  pieces: number;
  refusal?: string;
}

const parser = new RegExpParser({ ecmaVersion: 2025, strict: false });

export interface Screened {
  /** Why the pattern is refused; undefined when it may go to the database. */
  refusal?: string;
  /** Its price against RegexLimits.maxCost (0 for a literal string). */
  cost: number;
}

/**
 * Screens one pattern. `spent` is what other patterns of the same query
 * already cost: they share the budget, so that a list with several regex
 * filters compiles no slower than one with a single costly pattern.
 */
export function screenRegex(pattern: string, limits: RegexLimits = defaultRegexLimits, spent = 0): Screened {
  if (pattern.length > limits.maxLength) return { refusal: `A regular expression may have at most ${limits.maxLength} characters.`, cost: Infinity };
  let body = pattern;
  // Directors (PostgreSQL 9.7.3.4): `***=` makes the rest a literal string; `***:` says ARE, which is the default anyway.
  if (body.startsWith('***=')) return { cost: 0 };
  if (body.startsWith('***:')) body = body.slice(4);
  const options = leadingOptions.exec(body);
  if (options) {
    const flags = options[1]!;
    if (syntaxOptions.test(flags)) {
      return { refusal: `The embedded options (?b), (?e) and (?x) are not supported; write the expression in PostgreSQL's default (advanced) syntax.`, cost: Infinity };
    }
    if (flags.includes('q')) return { cost: 0 }; // the rest is a literal string
    body = body.slice(options[0].length);
  }
  let ast: AST.Pattern;
  try {
    ast = parser.parsePattern(body, 0, body.length, { unicode: false });
  } catch (error) {
    if (!(error instanceof RegExpSyntaxError)) throw error;
    return { refusal: `This regular expression cannot be read: ${error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')}.`, cost: Infinity };
  }
  const tally: Tally = { size: 0, pieces: 0 };
  walkAlternatives(ast.alternatives, 1, tally);
  if (tally.refusal) return { refusal: tally.refusal, cost: Infinity };
  const cost = tally.size * Math.max(1, tally.pieces);
  if (spent + cost > limits.maxCost) {
    const n = (x: number) => (x < 1e9 ? x.toLocaleString('en') : x.toExponential(1));
    const others = spent > 0 ? ` (the other regular expressions of this query already take ${n(spent)} of it)` : '';
    return {
      refusal: `This regular expression repeats too much to be compiled cheaply: expanded, it has ${n(tally.size)} atoms in ${n(tally.pieces)} repeated pieces, and their product may be at most ${n(limits.maxCost)}${others}. Use smaller counts in {m,n}, especially on groups.`,
      cost,
    };
  }
  return { cost };
}

function walkAlternatives(alternatives: readonly AST.Alternative[], copies: number, tally: Tally): void {
  for (const alternative of alternatives) {
    if (alternative.elements.length === 0) tally.size += copies;
    for (const element of alternative.elements) walk(element, copies, tally);
  }
}

function walk(node: AST.Element, copies: number, tally: Tally): void {
  if (tally.refusal) return;
  switch (node.type) {
    case 'Backreference':
      tally.refusal = 'Back references (\\1 …) are not supported: they make matching exponentially slow.';
      return;
    case 'Character':
      // Annex B reads \1…\9 without enough groups as an octal escape; PostgreSQL may read a back reference.
      if (/^\\[1-9]/.test(node.raw)) {
        tally.refusal = 'Back references and octal escapes (\\1 …) are not supported: they make matching exponentially slow.';
        return;
      }
      tally.size += copies;
      return;
    case 'CharacterClass':
    case 'CharacterSet':
    case 'ExpressionCharacterClass':
      tally.size += copies;
      return;
    case 'Assertion':
      tally.size += copies;
      if (node.kind === 'lookahead' || node.kind === 'lookbehind') walkAlternatives(node.alternatives, copies, tally);
      return;
    case 'Group':
    case 'CapturingGroup':
      walkAlternatives(node.alternatives, copies, tally);
      return;
    case 'Quantifier': {
      const { min, max, element } = node;
      if (min > maxBound || (max !== Infinity && max > maxBound)) {
        tally.refusal = `A repetition count may be at most ${maxBound} (PostgreSQL's limit).`;
        return;
      }
      // X{m,n} becomes n copies of X; X{m,} becomes m copies and a loop (X* is one copy, X+ two).
      const times = Math.max(1, max === Infinity ? min + 1 : max);
      const single = element.type === 'Character' || element.type === 'CharacterClass' || element.type === 'CharacterSet' || element.type === 'ExpressionCharacterClass';
      tally.pieces += single ? copies : copies * times;
      walk(element, copies * times, tally);
      return;
    }
  }
}
