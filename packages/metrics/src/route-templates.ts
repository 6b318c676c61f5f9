/**
 * Route templates (`/api/items/:id`, `/static/*`) matched against request URLs, for the node:http
 * integration, whose handlers do their own routing. The first template that matches the URL's path
 * names the route.
 *
 * Grammar: `:name` is one non-empty segment, `*` is anything (slashes included), any other segment is
 * literal, and a trailing slash is optional. The query string is not part of the path.
 *
 * Each template is one regular expression run on the URL as it arrives, query string included, so a
 * request pays no search for the `?` and no slice of the path. V8 compiles each regexp to native code;
 * a hand-written walk over the segments was tried in its place and dropped, as it was no cheaper
 * (`String.prototype.startsWith` is a builtin call that V8 does not inline).
 */

/** Route template of a URL, or undefined when none matches. Never throws on a string. */
export type RouteMatcher = (url: string) => string | undefined;

/** One template's segment as a pattern over the raw URL, where the path ends at `?` or the end. */
function segmentPattern(segment: string): string {
  if (segment === '*') return '[^?]*';
  if (segment.startsWith(':')) return '[^/?]+';
  return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles `templates`; throws on one that does not start with `/` or holds a query string. */
export function compileRoutes(templates: readonly string[]): RouteMatcher {
  const compiled = templates.map((template) => {
    if (typeof template !== 'string' || !template.startsWith('/')) {
      throw new Error(`@vigil/metrics: route template ${JSON.stringify(template)} must start with "/"`);
    }
    if (template.includes('?')) {
      throw new Error(`@vigil/metrics: route template ${JSON.stringify(template)} must be a path without a query string ("?")`);
    }
    const pattern = template.split('/').map(segmentPattern).join('/');
    return { template, regexp: new RegExp(`^${pattern}/?(?:\\?|$)`) };
  });
  return (url) => {
    for (let i = 0; i < compiled.length; i++) if (compiled[i]!.regexp.test(url)) return compiled[i]!.template;
    return undefined;
  };
}
