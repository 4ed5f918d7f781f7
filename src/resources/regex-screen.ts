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
// which would break that correspondence. Where a price depends on which
// characters a pattern names (below), the screen reads them as PostgreSQL does
// (regc_lex.c: `\U0010FFFF`, `\x` with any number of hex digits, brackets
// with [:classes:], characters beyond U+FFFF), not as ECMAScript would.
//
// Three more costs are not repetition (regcomp.c, regc_color.c, regc_locale.c;
// measured on PGlite and on PostgreSQL 15 under C.UTF-8 and ICU collations):
// - Case-insensitive ranges. Under (?i) (the only way to make this `~`
//   case-insensitive: the code never uses `~*`) PostgreSQL expands a bracket
//   range one code point at a time to add its case variants: `[!-U+10FFFF]`
//   takes 8-25 ms of CPU to compile, 32 of them 0.2-0.5 s. So under (?i) a
//   range may span at most RegexLimits.maxCaseRange code points, and every
//   range (plain or negated bracket) costs its width / caseCodePointsPerUnit.
// - Colours. Characters above U+07FF live in a map whose columns double with
//   each distinct character class ([[:alpha:]], \d, \s, \w, \m, \y) and which
//   gains a row for each of them; each literal or bracket naming such a
//   character splits every column into new colours, and every atom becomes an
//   arc per colour it covers. Twelve classes and 30 CJK literals (164
//   characters) took 15 s to compile on PostgreSQL 15 in a UTF-8 locale. The
//   screen estimates the colours as (atoms naming characters above U+07FF + 1)
//   × 2^classes and multiplies the price by colours / baseColours beyond that
//   (under (?i), which maps upper and lower to alpha and adds case variants,
//   any non-ASCII character counts). A word constraint (\m \M \y \Y) is built
//   from the word characters and their complement, an arc per colour, so it
//   counts as that many atoms: six classes and six \y took 0.2 s.
// - Runs of constraints. Anchors and word constraints that can apply at one
//   place multiply the optimiser's work with each choice among them
//   (RegexLimits.maxConstraintRun): sixteen \y in a row took 0.5-1.4 s.
//
// The budget is per request (regexAllowance): every list of a request (GraphQL
// aliases and nested lists, the filters of a JSON:API query) draws from one
// allowance, and a request may have at most RegexLimits.maxFilters regex
// filters, since each one also reads a whole table.
import { RegExpParser, RegExpSyntaxError, type AST } from '@eslint-community/regexpp';

export interface RegexLimits {
  /** Characters in the pattern. */
  maxLength: number;
  /**
   * What the regular expressions of one request may cost together. A
   * pattern's cost: size times pieces, times the colour factor, plus its
   * case-insensitive range width / caseCodePointsPerUnit. Size: atoms once
   * counted repetition is expanded (`[A-Z]{4}\d{4}` is 8, `(ab){0,10}` is 20),
   * a word constraint counting one per colour (\y and \Y two).
   * Pieces: quantified parts of the expanded pattern, each copy of a repeated
   * group counting (`(ab){0,10}` has 10, `a?b?` 2). Optional pieces are what
   * PostgreSQL's optimiser works hardest on, roughly each against the rest,
   * hence the product.
   */
  maxCost: number;
  /** The widest bracket range under case-insensitive matching, in code points. */
  maxCaseRange: number;
  /** Regex filters one request may have (each is also a full scan of its table). */
  maxFilters: number;
  /**
   * Anchors and word constraints (^ $ \A \Z \m \M \y \Y) that can apply at
   * one position of the text, between two characters the pattern consumes:
   * \y and \Y count twice (each is a choice of two), alternatives add up.
   * PostgreSQL's optimiser (pullback/pushfwd of constraint arcs) doubles its
   * work with each further choice: 16 \y in a row take 0.5-1.4 s to compile.
   */
  maxConstraintRun: number;
}

/**
 * Measured (PGlite CPU time, PostgreSQL 15 backend CPU time, on a shared
 * 2-core machine): the costliest accepted shapes compile in about 10 ms;
 * `(.{0,90}){0,130}x` (cost 3 million) in 1.3 s. Ordinary filters cost little
 * (`^Intro` 6, `[A-Z]{4}\d{4}` 16, `(?i)^[a-zà-ÿ]+ to` 7); `(\w+\s?){1,10}`,
 * at 900, is near the limit. A range of 65,536 code points (the whole BMP)
 * compiles case-insensitively in 1-2 ms and costs 256.
 */
export const defaultRegexLimits: RegexLimits = { maxLength: 200, maxCost: 1000, maxCaseRange: 65_536, maxFilters: 10, maxConstraintRun: 12 };

/** PostgreSQL refuses bounds above this (RE_DUPMAX). */
const maxBound = 255;

/** Case-insensitive range width per unit of cost: 1,000 units are 256,000 code points, 3-6 ms of compiling. */
const caseCodePointsPerUnit = 256;

/** Colours the budget was measured with (ASCII patterns with up to four classes); more multiply the price. */
const baseColours = 16;

/** PostgreSQL's MAX_SIMPLE_CHR: above it, characters share the colour map whose columns classes double. */
const maxSimpleChr = 0x7ff;

/** Embedded options PostgreSQL allows at the start (`(?i)`), minus the ones that change the syntax. */
const leadingOptions = /^\(\?([a-z]*)\)/;
const syntaxOptions = /[bex]/;

interface Tally {
  /** Atoms after expanding counted repetition. */
  size: number;
  /** Quantified parts after expansion (see RegexLimits.maxCost). */
  pieces: number;
  refusal?: string;
  /** The pattern's text after any director and embedded options (node offsets point into it). */
  readonly text: string;
  readonly caseInsensitive: boolean;
  readonly limits: RegexLimits;
  /** Character classes named, as PostgreSQL sees them (each doubles the high colour map's columns). */
  readonly classes: Set<string>;
  /** Literals and brackets naming a character above MAX_SIMPLE_CHR (each splits every column). */
  highAtoms: number;
  /** Code points of every bracket range, when case-insensitive. */
  caseWidth: number;
  /** Word constraints (\m \M [[:<:]] [[:>:]] 1, \y \Y 2) after expansion: each is an arc per colour. */
  wordConstraints: number;
  /** Whether there is any anchor or word constraint (see RegexLimits.maxConstraintRun). */
  constraints: boolean;
}

const parser = new RegExpParser({ ecmaVersion: 2025, strict: false });

export interface Screened {
  /** Why the pattern is refused; undefined when it may go to the database. */
  refusal?: string;
  /** Its price against RegexLimits.maxCost (0 for a literal string). */
  cost: number;
}

/**
 * Screens one pattern. `spent` is what other patterns of the same request
 * already cost: they share the budget, so that a request with several regex
 * filters compiles no slower than one with a single costly pattern.
 */
export function screenRegex(pattern: string, limits: RegexLimits = defaultRegexLimits, spent = 0): Screened {
  if (pattern.length > limits.maxLength) return { refusal: `A regular expression may have at most ${limits.maxLength} characters.`, cost: Infinity };
  let body = pattern;
  // Directors (PostgreSQL 9.7.3.4): `***=` makes the rest a literal string; `***:` says ARE, which is the default anyway.
  if (body.startsWith('***=')) return { cost: 0 };
  if (body.startsWith('***:')) body = body.slice(4);
  let caseInsensitive = false;
  const options = leadingOptions.exec(body);
  if (options) {
    const flags = options[1]!;
    if (syntaxOptions.test(flags)) {
      return { refusal: `The embedded options (?b), (?e) and (?x) are not supported; write the expression in PostgreSQL's default (advanced) syntax.`, cost: Infinity };
    }
    if (flags.includes('q')) return { cost: 0 }; // the rest is a literal string
    // Later options override earlier ones: (?ic) is case-sensitive (regcomp.c, lexstart).
    caseInsensitive = flags.lastIndexOf('i') > flags.lastIndexOf('c');
    body = body.slice(options[0].length);
  }
  let ast: AST.Pattern;
  try {
    ast = parser.parsePattern(body, 0, body.length, { unicode: false });
  } catch (error) {
    if (!(error instanceof RegExpSyntaxError)) throw error;
    return { refusal: `This regular expression cannot be read: ${error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')}.`, cost: Infinity };
  }
  const tally: Tally = { size: 0, pieces: 0, text: body, caseInsensitive, limits, classes: new Set(), highAtoms: 0, caseWidth: 0, wordConstraints: 0, constraints: false };
  walkAlternatives(ast.alternatives, 1, tally);
  if (tally.refusal) return { refusal: tally.refusal, cost: Infinity };
  const run = tally.constraints ? constraintRun(ast.alternatives, body).run : 0;
  if (run > limits.maxConstraintRun) {
    return {
      refusal:
        `Too many anchors and word constraints (^ $ \\A \\Z \\m \\M \\y \\Y) can apply at one place: ${n(run)} (\\y and \\Y count 2, alternatives add up), ` +
        `and at most ${limits.maxConstraintRun} may, as PostgreSQL's compile time doubles with each.`,
      cost: Infinity,
    };
  }
  const colours = (tally.highAtoms + 1) * 2 ** tally.classes.size;
  const colourFactor = Math.max(1, colours / baseColours);
  // A word constraint is built from the word characters and their complement: an arc for each colour.
  const size = tally.size + tally.wordConstraints * colours;
  const caseUnits = Math.ceil(tally.caseWidth / caseCodePointsPerUnit);
  const cost = Math.ceil(size * Math.max(1, tally.pieces) * colourFactor) + caseUnits;
  if (spent + cost > limits.maxCost) {
    const parts = [`expanded, it has ${n(size)} atoms${tally.pieces > 0 ? ` in ${n(tally.pieces)} repeated pieces` : ''}`];
    if (colourFactor > 1) {
      parts.push(`its ${tally.classes.size} character classes and ${tally.highAtoms} atoms naming characters above U+07FF multiply that by ${n(Math.round(colourFactor * 10) / 10)}`);
    }
    if (caseUnits > 0) parts.push(`its case-insensitive ranges span ${n(tally.caseWidth)} code points, which costs ${n(caseUnits)}`);
    const others = spent > 0 ? ` (the other regular expressions of this request already take ${n(spent)} of it)` : '';
    return {
      refusal:
        `This regular expression repeats too much or names too many kinds of characters to be compiled cheaply: ${parts.join('; ')}, ` +
        `for a cost of ${n(cost)}, and the regular expressions of one request may cost at most ${n(limits.maxCost)}${others}. ` +
        `Use smaller counts in {m,n} (especially on groups), fewer character classes, or narrower ranges under (?i).`,
      cost,
    };
  }
  return { cost };
}

const n = (x: number) => (x < 1e9 ? x.toLocaleString('en') : x.toExponential(1));

/** What the regex filters of one request have used of RegexLimits.maxCost and maxFilters. */
export interface RegexAllowance {
  spent: number;
  filters: number;
}

const allowances = new WeakMap<object, RegexAllowance>();

/**
 * The regex allowance of one request, keyed by an object that lives as long
 * as the request and is passed to every service call it makes (its
 * RequestContext): every list of the request draws from it.
 */
export function regexAllowance(request: object): RegexAllowance {
  let allowance = allowances.get(request);
  if (!allowance) {
    allowance = { spent: 0, filters: 0 };
    allowances.set(request, allowance);
  }
  return allowance;
}

/** Screens one regex filter against what its request has left, and charges the request when it passes. */
export function screenRegexFilter(pattern: string, allowance: RegexAllowance, limits: RegexLimits = defaultRegexLimits): string | undefined {
  allowance.filters += 1;
  if (allowance.filters > limits.maxFilters) {
    return `A request may have at most ${limits.maxFilters} regular-expression filters (each one reads a whole table), counting every list of the request.`;
  }
  const screened = screenRegex(pattern, limits, allowance.spent);
  if (screened.refusal) return screened.refusal;
  allowance.spent += screened.cost;
  return undefined;
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
    case 'Character': {
      // Annex B reads \1…\9 without enough groups as an octal escape; PostgreSQL may read a back reference.
      if (/^\\[1-9]/.test(node.raw)) {
        tally.refusal = 'Back references and octal escapes (\\1 …) are not supported: they make matching exponentially slow.';
        return;
      }
      if (/^\\[mMyY]$/.test(node.raw)) {
        tally.wordConstraints += copies * (/[yY]/.test(node.raw) ? 2 : 1);
        tally.classes.add('word');
        tally.constraints = true;
        return;
      }
      if (node.raw === '\\A' || node.raw === '\\Z') tally.constraints = true;
      tally.size += copies;
      // The second half of a character beyond U+FFFF was counted with the first.
      if (isLowSurrogate(node.value) && isHighSurrogate(tally.text.charCodeAt(node.start - 1))) return;
      const token = pgToken(tally.text, node.start);
      if (token.kind === 'class') tally.classes.add(className(token.name, tally));
      else if (token.kind === 'char' && isHigh(token.value, tally)) tally.highAtoms += 1;
      return;
    }
    case 'CharacterSet':
      tally.size += copies;
      if (node.kind === 'digit' || node.kind === 'space' || node.kind === 'word') tally.classes.add(node.kind);
      return;
    case 'CharacterClass':
      if (isWordBoundary(tally.text, node.start)) {
        tally.wordConstraints += copies;
        tally.classes.add('word');
        tally.constraints = true;
        return;
      }
      tally.size += copies;
      bracket(pgBracket(tally.text, node.start), tally);
      return;
    case 'ExpressionCharacterClass':
      tally.size += copies;
      return;
    case 'Assertion':
      tally.size += copies;
      if (node.kind === 'lookahead' || node.kind === 'lookbehind') walkAlternatives(node.alternatives, copies, tally);
      else if (node.kind === 'start' || node.kind === 'end') tally.constraints = true;
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

/**
 * A bracket expression's share: its classes, whether it names a character
 * above MAX_SIMPLE_CHR, and under (?i) the width of its ranges. PostgreSQL
 * parses a bracket once however often it is repeated, so none of this is
 * multiplied by copies.
 */
function bracket(parsed: PgBracket, tally: Tally): void {
  for (const name of parsed.classes) tally.classes.add(className(name, tally));
  let high = false;
  for (const [from, to] of parsed.ranges) {
    if (isHigh(Math.max(from, to), tally)) high = true;
    if (!tally.caseInsensitive || to <= from) continue;
    const width = to - from + 1;
    if (width > tally.limits.maxCaseRange) {
      tally.refusal =
        `Under case-insensitive matching ((?i)) a bracket range may span at most ${n(tally.limits.maxCaseRange)} characters, ` +
        `as PostgreSQL adds the case variants of each one by one; ${codePoint(from)}–${codePoint(to)} spans ${n(width)}.`;
      return;
    }
    tally.caseWidth += width;
  }
  if (high) tally.highAtoms += 1;
}

/** [[:<:]] and [[:>:]]: PostgreSQL's word boundaries, \m and \M (regc_lex.c). */
const isWordBoundary = (text: string, at: number) => text.startsWith('[[:<:]]', at) || text.startsWith('[[:>:]]', at);

/** Under (?i) PostgreSQL reads [:upper:] and [:lower:] as [:alpha:] (regc_locale.c, cclass). */
function className(name: string, tally: Tally): string {
  return tally.caseInsensitive && (name === 'upper' || name === 'lower') ? 'alpha' : name;
}

/** Above MAX_SIMPLE_CHR; under (?i) any non-ASCII character, whose case variants may be. */
function isHigh(value: number, tally: Tally): boolean {
  return value > (tally.caseInsensitive ? 0x7f : maxSimpleChr);
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
const codePoint = (value: number) => `U+${value.toString(16).toUpperCase().padStart(4, '0')}`;

/** One lexical unit of an ARE as PostgreSQL reads it (regc_lex.c, lexescape). */
type PgToken = { kind: 'char'; value: number; end: number } | { kind: 'class'; name: string; end: number } | { kind: 'other'; end: number };

const simpleEscapes: Readonly<Record<string, number>> = { a: 0x07, b: 0x08, B: 0x5c, e: 0x1b, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };
const classEscapes: Readonly<Record<string, string>> = { d: 'digit', D: 'digit', s: 'space', S: 'space', w: 'word', W: 'word', m: 'word', M: 'word', y: 'word', Y: 'word' };

/** The character (or escape) at `at`: a literal, possibly beyond U+FFFF, or a backslash escape. */
function pgToken(text: string, at: number): PgToken {
  const c = text.codePointAt(at)!;
  if (c !== 0x5c || at + 1 >= text.length) return { kind: 'char', value: c, end: at + (c > 0xffff ? 2 : 1) };
  const e = text[at + 1]!;
  if (e in simpleEscapes) return { kind: 'char', value: simpleEscapes[e]!, end: at + 2 };
  // \d \s \w and their negations are classes; \m \M \y \Y use the word characters, [[:alnum:]_].
  if (e in classEscapes) return { kind: 'class', name: classEscapes[e]!, end: at + 2 };
  switch (e) {
    case 'c':
      return { kind: 'char', value: (text.charCodeAt(at + 2) || 0) & 0x1f, end: Math.min(text.length, at + 3) };
    case 'u':
      return digits(text, at + 2, 16, 4);
    case 'U':
      return digits(text, at + 2, 16, 8);
    case 'x':
      return digits(text, at + 2, 16, Infinity);
    case '0':
      return digits(text, at + 1, 8, 3);
    default: {
      if (/[1-9]/.test(e)) return digits(text, at + 1, 8, 3); // octal when not a back reference
      if (/[A-Za-z]/.test(e)) return { kind: 'other', end: at + 2 }; // \A, \Z, or an error
      const value = text.codePointAt(at + 1)!;
      return { kind: 'char', value, end: at + 1 + (value > 0xffff ? 2 : 1) };
    }
  }
}

/** lexdigits: up to `max` digits, stopping (as PostgreSQL does) once the value passes 0x10FFF. */
function digits(text: string, from: number, base: number, max: number): PgToken {
  let value = 0;
  let at = from;
  while (at - from < max && at < text.length && value <= 0x10fff) {
    const digit = parseInt(text[at]!, base);
    if (Number.isNaN(digit)) break;
    value = value * base + digit;
    at += 1;
  }
  return { kind: 'char', value: Math.min(value, 0x10ffff), end: at };
}

/** What a bracket expression names, as PostgreSQL reads it (regc_lex.c L_BRACK, regcomp.c brackpart). */
interface PgBracket {
  classes: string[];
  /** Characters and ranges, as [from, to]. */
  ranges: [number, number][];
}

/**
 * Reads the bracket expression starting at `start` as PostgreSQL does. It
 * never fails: text PostgreSQL would refuse is read as plainly as possible,
 * since such a pattern is never compiled.
 */
function pgBracket(text: string, start: number): PgBracket {
  const parsed: PgBracket = { classes: [], ranges: [] };
  let at = start + 1;
  if (text[at] === '^') at += 1;
  for (let first = true; at < text.length; first = false) {
    if (text[at] === ']' && !first) break; // a ']' first is a literal
    const item = bracketItem(text, at, 'from');
    at = item.end;
    if (item.className !== undefined) {
      parsed.classes.push(item.className);
      continue;
    }
    if (item.value === undefined) continue;
    // A range when '-' follows, unless it ends the bracket.
    if (!item.equivalence && text[at] === '-' && at + 1 < text.length && text[at + 1] !== ']') {
      const to = bracketItem(text, at + 1, 'to');
      at = to.end;
      parsed.ranges.push([item.value, to.value ?? item.value]);
    } else {
      parsed.ranges.push([item.value, item.value]);
    }
  }
  return parsed;
}

function bracketItem(text: string, at: number, side: 'from' | 'to'): { value?: number; className?: string; equivalence?: boolean; end: number } {
  const kind = text[at + 1];
  if (text[at] === '[' && (kind === ':' || kind === '=' || kind === '.')) {
    const close = text.indexOf(`${kind}]`, at + 2);
    const end = close < 0 ? text.length : close + 2;
    const name = text.slice(at + 2, close < 0 ? text.length : close);
    if (kind === ':') return { className: name, end };
    // [=x=] and [.x.]: one character, or a named collating element (cname.h: all ASCII).
    const first = name.codePointAt(0) ?? 0;
    const value = name.length > 0 && String.fromCodePoint(first) === name ? first : side === 'from' ? 0 : 0x7f;
    return { value, equivalence: kind === '=', end };
  }
  const token = pgToken(text, at);
  if (token.kind === 'class') return { className: token.name, end: token.end };
  if (token.kind === 'other') return { end: token.end };
  return { value: token.value, end: token.end };
}

/**
 * Constraint weights along paths that consume no character (see
 * RegexLimits.maxConstraintRun). `empty`: through the node without consuming
 * (-Infinity if it must consume); `head`/`tail`: before its first / after its
 * last consumed character; `run`: the heaviest run anywhere inside it.
 */
interface Run {
  empty: number;
  head: number;
  tail: number;
  run: number;
}

const consuming: Run = { empty: -Infinity, head: 0, tail: 0, run: 0 };
const transparent: Run = { empty: 0, head: -Infinity, tail: -Infinity, run: 0 };
const anchor: Run = { empty: 1, head: -Infinity, tail: -Infinity, run: 1 };
const eitherBoundary: Run = { empty: 2, head: -Infinity, tail: -Infinity, run: 2 };
/** Large enough to refuse, small enough never to overflow. */
const cap = (x: number) => Math.min(x, 1e6);
/** Alternatives are choices: their weights add up (-Infinity: no such path). */
const plus = (a: number, b: number) => (a === -Infinity ? b : b === -Infinity ? a : cap(a + b));

function constraintRun(alternatives: readonly AST.Alternative[], text: string): Run {
  let empty = -Infinity;
  let head = -Infinity;
  let tail = -Infinity;
  let run = 0;
  for (const alternative of alternatives) {
    const sequence = new Sequence();
    for (const element of alternative.elements) sequence.add(elementRun(element, text));
    const r = sequence.result();
    empty = plus(empty, r.empty);
    head = plus(head, r.head);
    tail = plus(tail, r.tail);
    run = Math.max(run, r.run);
  }
  return { empty, head, tail, run: Math.max(run, empty, head, tail) };
}

/** Runs of a sequence, one element (or `times` copies of it) at a time. */
class Sequence {
  private empty = 0;
  private head = -Infinity;
  private tail = -Infinity;
  /** The run reaching the current position from the last consumed character (or the start). */
  private open = 0;
  private run = 0;

  add(r: Run, times = 1): void {
    for (let i = 0; i < times; i++) {
      this.run = Math.max(this.run, r.run, this.open + r.head);
      this.head = Math.max(this.head, this.empty + r.head);
      this.open = cap(Math.max(r.tail, this.open + r.empty));
      this.tail = cap(Math.max(r.tail, this.tail + r.empty));
      this.empty = cap(this.empty + r.empty);
    }
  }

  result(): Run {
    return { empty: this.empty, head: this.head, tail: this.tail, run: Math.max(this.run, this.open) };
  }
}

function elementRun(node: AST.Element, text: string): Run {
  switch (node.type) {
    case 'Assertion':
      // Lookaround is compiled apart (a LACON arc); what is inside counts for itself.
      if (node.kind === 'lookahead' || node.kind === 'lookbehind') return { ...transparent, run: constraintRun(node.alternatives, text).run };
      // ECMAScript's \b and \B are a backspace and a backslash in PostgreSQL.
      return node.kind === 'word' ? consuming : anchor;
    case 'Character': {
      if (node.raw === '\\y' || node.raw === '\\Y') return eitherBoundary;
      if (/^\\[mMAZ]$/.test(node.raw)) return anchor;
      // The ']' that ECMAScript leaves after [[:<:] or [[:>:] is part of PostgreSQL's word constraint.
      if (node.raw === ']' && isWordBoundary(text, node.start - 6)) return transparent;
      return consuming;
    }
    case 'CharacterClass':
      return isWordBoundary(text, node.start) ? anchor : consuming;
    case 'CharacterSet':
    case 'ExpressionCharacterClass':
      return consuming;
    case 'Backreference':
      return consuming;
    case 'Group':
    case 'CapturingGroup':
      return constraintRun(node.alternatives, text);
    case 'Quantifier': {
      const inner = elementRun(node.element, text);
      // X{m,n}: m copies, then n - m optional ones (X or nothing); X{m,} as m copies and one optional loop.
      const optional: Run = { empty: Math.max(0, inner.empty), head: inner.head, tail: inner.tail, run: inner.run };
      const mandatory = Math.min(node.min, maxBound);
      const sequence = new Sequence();
      sequence.add(inner, mandatory);
      sequence.add(optional, node.max === Infinity ? 1 : Math.max(0, Math.min(node.max, maxBound) - mandatory));
      return sequence.result();
    }
  }
}
