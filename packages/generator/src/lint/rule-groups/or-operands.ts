/**
 * The operands of an expression's top-level `or` chain, found without a PromQL parse.
 *
 * `or` binds loosest of all PromQL operators and is not a function, so the ranges and function
 * calls of `A or B` are those of A followed by those of B. The constant-series rules a fleet
 * renders (`vigil:alert_threshold` and the target info series) are `or` chains of thousands of
 * `label_replace(vector(N), ...)` operands of one shape: the lint parses that shape once instead
 * of one expression of megabytes per rule. One linear pass; brackets are matched once and each
 * group is scanned only at its own level.
 */

export interface OperandSpan {
  readonly from: number;
  readonly to: number;
}

const identifierStart = /[A-Za-z_:]/;
const identifierPart = /[A-Za-z0-9_:]/;
const opening: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
const closing = new Set([')', ']', '}']);

/** Index of each opening bracket's match, skipping string literals; undefined when unbalanced or commented. */
function matchBrackets(text: string): Int32Array | undefined {
  const match = new Int32Array(text.length).fill(-1);
  const stack: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '"' || char === "'" || char === '`') {
      let end = index + 1;
      while (end < text.length && text[end] !== char) end += char !== '`' && text[end] === '\\' ? 2 : 1;
      if (end >= text.length) return undefined;
      index = end;
    } else if (char === '#') {
      // A comment can hide brackets and words; such an expression is parsed whole.
      return undefined;
    } else if (opening[char] !== undefined) {
      stack.push(index);
    } else if (closing.has(char)) {
      const open = stack.pop();
      if (open === undefined || opening[text[open]!] !== char) return undefined;
      match[open] = index;
    }
  }
  return stack.length === 0 ? match : undefined;
}

const isSpace = (char: string | undefined): boolean => char === ' ' || char === '\n' || char === '\t' || char === '\r';

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
      while (from < to && isSpace(text[from])) from++;
      while (to > from && isSpace(text[to - 1])) to--;
      if (text[from] === '(' && match[from] === to - 1) {
        from++;
        to--;
      } else break;
    }
    const operands: OperandSpan[] = [];
    let start = from;
    let index = from;
    while (index < to) {
      const char = text[index]!;
      if (match[index]! >= 0) {
        index = match[index]! + 1;
      } else if (char === '"' || char === "'" || char === '`') {
        let end = index + 1;
        while (text[end] !== char) end += char !== '`' && text[end] === '\\' ? 2 : 1;
        index = end + 1;
      } else if (identifierStart.test(char) && (index === from || !identifierPart.test(text[index - 1]!))) {
        let end = index + 1;
        while (end < to && identifierPart.test(text[end]!)) end++;
        if (text.slice(index, end).toLowerCase() === 'or') {
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
  while (index < to && isSpace(text[index])) index++;
  let end = index;
  while (end < to && identifierPart.test(text[end]!)) end++;
  const word = text.slice(index, end).toLowerCase();
  if (word !== 'on' && word !== 'ignoring') return from;
  while (end < to && isSpace(text[end])) end++;
  return text[end] === '(' && match[end]! >= 0 ? match[end]! + 1 : from;
}
