/**
 * The facts the rule lint reads (ranges, functions, jobs) are the same whether an expression is
 * parsed whole or, for a top-level `or` chain, operand by operand (lint/rule-groups/or-operands.ts).
 * Checked on hand-made chains and on every rule a multi-service spec renders.
 */
import { describe, expect, it } from 'vitest';
import { buildModel, renderModel } from '../src/index.js';
import { orOperands } from '../src/lint/rule-groups/or-operands.js';
import { expressionFacts, ruleFacts } from '../src/lint/rule-groups/ranges.js';
import { specWith } from './spec-fixtures.js';

const operandTexts = (expr: string): string[] | undefined => orOperands(expr)?.map(({ from, to }) => expr.slice(from, to));

/** ruleFacts (chains split) against one whole parse, on a fresh rule object so nothing is cached per rule. */
function expectSameFacts(expr: string): void {
  const split = ruleFacts({ expr });
  const whole = expressionFacts(expr);
  expect({ ranges: split.ranges, functions: [...split.functions].sort(), jobs: split.jobs }, expr).toEqual({
    ranges: whole.ranges,
    functions: [...whole.functions].sort(),
    jobs: whole.jobs,
  });
}

describe('or operands', () => {
  it('splits only a top-level or, after outer parentheses and set modifiers', () => {
    expect(operandTexts('a or b and c')).toEqual(['a', 'b and c']);
    expect(operandTexts('((a OR b) or (c or on (job) d))')).toEqual(['a', 'b', 'c', 'd']);
    expect(operandTexts('x or ignoring(instance) rate(y[5m])')).toEqual(['x', 'rate(y[5m])']);
    expect(operandTexts('sum(a or b)')).toEqual(['sum(a or b)']);
    expect(operandTexts('vigil:or or x{a=" or "}')).toEqual(['vigil:or', 'x{a=" or "}']);
    expect(operandTexts('a_or or or_b')).toEqual(['a_or', 'or_b']);
  });

  it('declines what it cannot split safely: comments and unbalanced brackets', () => {
    expect(orOperands('a # or b\nor c')).toBeUndefined();
    expect(orOperands('(a or b')).toBeUndefined();
    expect(orOperands('a or b]')).toBeUndefined();
    expect(orOperands('a or "b')).toBeUndefined();
  });
});

describe('rule facts of or chains', () => {
  it('equal one parse of the whole expression', () => {
    for (const expr of [
      'rate(a_total{job="x"}[1m]) or on (job) increase(b_total{job="y"}[90s]) or absent(up{job="z"})',
      '(label_replace(vector(43200), "job", "a", "", "") or label_replace(vector(0.5), "job", "b", "", "")) or max_over_time(up[5m:30s])',
      'sum by (job) (rate(a[5m])) or (max_over_time(b[10m]) > 3 unless c) or 1e3 or -2.5',
      'changes(up[1h] offset 5m) or x @ 1609746000 or deriv(y[2m])',
      'a # or rate(b[1m])\nor rate(c[2m])',
    ]) {
      expectSameFacts(expr);
    }
  });

  it('equal one parse for every rule of a multi-service spec', () => {
    const spec = specWith((draft) => {
      for (let index = 0; index < 12; index++) {
        draft.services.push({ name: `svc-${index}`, kind: index % 2 === 0 ? 'api' : 'pipeline', targets: [`svc-${index}:9464`] });
        if (index % 2 === 1) draft.pipelines.push({ name: `pipe-${index}`, service: `svc-${index}`, expectedItemsPerDay: 1000 + index });
      }
    });
    const model = buildModel(spec, 'spec.ts');
    let chains = 0;
    for (const file of renderModel(model)) {
      const groups = file.format === 'yaml' ? ((file.data as { groups?: { rules: { expr: string }[] }[] }).groups ?? []) : [];
      for (const rule of groups.flatMap((group) => group.rules)) {
        if ((orOperands(rule.expr)?.length ?? 0) > 1) chains++;
        expectSameFacts(rule.expr);
      }
    }
    expect(chains).toBeGreaterThan(0);
  });
});
