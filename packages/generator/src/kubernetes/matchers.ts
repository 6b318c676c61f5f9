/**
 * Alertmanager matcher strings (`team="data"`, `service=~".+"`) as the prometheus-operator
 * CRDs spell them: `{ name, value, matchType }`.
 */
export interface CrdMatcher {
  readonly name: string;
  readonly value: string;
  readonly matchType: '=' | '!=' | '=~' | '!~';
}

const matcherPattern = /^([A-Za-z_][A-Za-z0-9_]*)(=~|!~|!=|=)"((?:[^"\\]|\\.)*)"$/;

export function crdMatcher(text: string): CrdMatcher {
  const match = matcherPattern.exec(text);
  if (match === null) throw new Error(`cannot translate the Alertmanager matcher ${JSON.stringify(text)} for a CRD`);
  return { name: match[1]!, matchType: match[2] as CrdMatcher['matchType'], value: JSON.parse(`"${match[3]!}"`) as string };
}
