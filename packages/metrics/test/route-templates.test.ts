import { describe, expect, it } from 'vitest';
import { compileRoutes } from '../src/route-templates.js';

/** [template, url, matches] */
const cases: ReadonlyArray<readonly [string, string, boolean]> = [
  ['/api/items/:id', '/api/items/42', true],
  ['/api/items/:id', '/api/items/42/', true],
  ['/api/items/:id', '/api/items/42?fields=name', true],
  ['/api/items/:id', '/api/items/42/?x=1', true],
  ['/api/items/:id', '/api/items/', false],
  ['/api/items/:id', '/api/items', false],
  ['/api/items/:id', '/api/items/?id=4', false],
  ['/api/items/:id', '/api/items/42/parts', false],
  ['/api/items/:id', '/api/items/42//', false],
  ['/api/items/:id', '/api/itemsX/42', false],
  ['/api/items/:id', '/api/item/42', false],
  ['/api/items/:id', '/API/items/42', false],
  ['/api/items/:id', '/api/items/4?2/3', true],
  ['/api/items/:id', 'api/items/42', false],
  ['/api/items', '/api/items', true],
  ['/api/items', '/api/items/', true],
  ['/api/items', '/api/items?page=2', true],
  ['/api/items', '/api/itemsfoo', false],
  ['/api/items', '/api/items/x', false],
  ['/api/items', '/api', false],
  ['/', '/', true],
  ['/', '//', true],
  ['/', '/?q=1', true],
  ['/', '/a', false],
  ['/static/*', '/static/', true],
  ['/static/*', '/static/app.js', true],
  ['/static/*', '/static/css/site.css?v=3', true],
  ['/static/*', '/static', false],
  ['/static/*', '/static?x', false],
  ['/static/*', '/staticx/a', false],
  ['/*', '/anything/at/all', true],
  ['/*', '/', true],
  ['/a/*/c', '/a/b/c', true],
  ['/a/*/c', '/a/b/b/c', true],
  ['/a/*/c', '/a/c', false],
  ['/a/*/c', '/a/b/c?d', true],
  ['/orgs/:org/users/:userId', '/orgs/acme/users/7', true],
  ['/orgs/:org/users/:userId', '/orgs//users/7', false],
  ['/orgs/:org/users/:userId', '/orgs/acme/users', false],
  ['/files/:name.json', '/files/a.b.json', true],
  ['/files/:name.json', '/files/a', true],
  ['/v1.0/items', '/v1x0/items', false],
  ['/v1.0/items', '/v1.0/items', true],
  ['/a+b', '/a+b', true],
  ['/a+b', '/aab', false],
];

describe('compileRoutes', () => {
  it.each(cases)('%s against %s: %s', (template, url, matches) => {
    expect(compileRoutes([template])(url)).toBe(matches ? template : undefined);
  });

  it('names the first template that matches', () => {
    const match = compileRoutes(['/api/items/export', '/api/items/:id', '/a/*/z', '/*']);
    expect(match('/api/items/export')).toBe('/api/items/export');
    expect(match('/api/items/7')).toBe('/api/items/:id');
    expect(match('/a/b/z')).toBe('/a/*/z');
    expect(match('/unknown')).toBe('/*');
    expect(compileRoutes(['/api/items/:id'])('/nope')).toBeUndefined();
  });

  it('refuses a template that does not start with a slash, or that holds a query string', () => {
    expect(() => compileRoutes(['api/items'])).toThrow('route template "api/items" must start with "/"');
    expect(() => compileRoutes(['/api/items?page=1'])).toThrow('route template "/api/items?page=1" must be a path without a query string ("?")');
  });
});
