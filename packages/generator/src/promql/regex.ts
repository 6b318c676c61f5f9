/** A literal string as an RE2 pattern (PromQL `=~` and Alertmanager matchers), so names with regex metacharacters match only themselves. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
