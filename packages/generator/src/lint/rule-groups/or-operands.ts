/**
 * The operands of an expression's top-level `or` chain, found without a PromQL parse.
 *
 * `or` binds loosest of all PromQL operators and is not a function, so the ranges and function
 * calls of `A or B` are those of A followed by those of B. The constant-series rules a fleet
 * renders (`vigil:alert_threshold` and the target info series) are `or` chains of a hundred
 * `absent(vigil_no_such_series{...}) * N` operands of one shape each: the lint parses that shape
 * once instead of every operand. One linear pass; brackets are matched once and each
 * group is scanned only at its own level.
 */

export interface OperandSpan {
  readonly from: number;
  readonly to: number;
}

// Character codes: the scan runs over megabytes of constant-series rules at fleet scale.
const code = {
  quote: 34,
  apostrophe: 39,
  backtick: 96,
  backslash: 92,
  hash: 35,
  openParen: 40,
  closeParen: 41,
  openBracket: 91,
  closeBracket: 93,
  openBrace: 123,
  closeBrace: 125,
} as const;

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58;
const isIdentifierPart = (c: number): boolean => isLetter(c) || (c >= 48 && c <= 57);
const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13;
const isQuote = (c: number): boolean => c === code.quote || c === code.apostrophe || c === code.backtick;

/** Index of the quote closing the string literal opened at `start` (backticks have no escapes), or the text length. */
function stringEnd(text: string, start: number): number {
  const quote = text.charCodeAt(start);
  let end = start + 1;
  while (end < text.length && text.charCodeAt(end) !== quote) end += quote !== code.backtick && text.charCodeAt(end) === code.backslash ? 2 : 1;
  return end;
}

/** Index of each opening bracket's match, skipping string literals; undefined when unbalanced or commented. */
function matchBrackets(text: string): Int32Array | undefined {
  const match = new Int32Array(text.length).fill(-1);
  const stack: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const c = text.charCodeAt(index);
    if (isQuote(c)) {
      index = stringEnd(text, index);
      if (index >= text.length) return undefined;
    } else if (c === code.hash) {
      // A comment can hide brackets and words; such an expression is parsed whole.
      return undefined;
    } else if (c === code.openParen || c === code.openBracket || c === code.openBrace) {
      stack.push(index);
    } else if (c === code.closeParen || c === code.closeBracket || c === code.closeBrace) {
      const open = stack.pop();
      if (open === undefined) return undefined;
      const opener = text.charCodeAt(open);
      const expected = opener === code.openParen ? code.closeParen : opener === code.openBracket ? code.closeBracket : code.closeBrace;
      if (c !== expected) return undefined;
      match[open] = index;
    }
  }
  return stack.length === 0 ? match : undefined;
}

/**
 * Spans of `text` whose facts together are the facts of `text`: the leaves of its top-level
 * `or` tree, outer parentheses and `on(...)`/`ignoring(...)` modifiers removed, in source order.
 * Undefined when the text cannot be split safely (comments, unbalanced brackets): parse it whole.
 */
export function orOperands(text: string): OperandSpan[] | undefined {
  const match = matchBrackets(text);
  if (match === undefined) return undefined;
  const leaves: OperandSpan[] = [];
  const pending: OperandSpan[] = [{ from: 0, to: text.length }];
  while (pending.length > 0) {
    let { from, to } = pending.pop()!;
    for (;;) {
      while (from < to && isSpace(text.charCodeAt(from))) from++;
      while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
      if (text.charCodeAt(from) === code.openParen && match[from] === to - 1) {
        from++;
        to--;
      } else break;
    }
    const operands: OperandSpan[] = [];
    let start = from;
    let index = from;
    while (index < to) {
      const c = text.charCodeAt(index);
      if (match[index]! >= 0) {
        index = match[index]! + 1;
      } else if (isQuote(c)) {
        index = stringEnd(text, index) + 1;
      } else if (isLetter(c) && (index === from || !isIdentifierPart(text.charCodeAt(index - 1)))) {
        let end = index + 1;
        while (end < to && isIdentifierPart(text.charCodeAt(end))) end++;
        if (end - index === 2 && text.slice(index, end).toLowerCase() === 'or') {
          operands.push({ from: start, to: index });
          start = skipSetModifier(text, end, to, match);
        }
        index = end;
      } else index++;
    }
    if (operands.length === 0) {
      leaves.push({ from, to });
      continue;
    }
    operands.push({ from: start, to });
    // Pushed in reverse so the leaves come out in source order.
    for (let position = operands.length - 1; position >= 0; position--) pending.push(operands[position]!);
  }
  return leaves;
}

/** Past `on (...)` or `ignoring (...)` right after an `or`, if there is one. */
function skipSetModifier(text: string, from: number, to: number, match: Int32Array): number {
  let index = from;
  while (index < to && isSpace(text.charCodeAt(index))) index++;
  let end = index;
  while (end < to && isIdentifierPart(text.charCodeAt(end))) end++;
  const word = text.slice(index, end).toLowerCase();
  if (word !== 'on' && word !== 'ignoring') return from;
  while (end < to && isSpace(text.charCodeAt(end))) end++;
  return text.charCodeAt(end) === code.openParen && match[end]! >= 0 ? match[end]! + 1 : from;
}
