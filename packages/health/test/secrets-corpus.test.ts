/**
 * Masking over a generated corpus of connection strings, well formed and malformed, in the
 * contexts a driver error or a log line puts them: no password may survive.
 */
import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../src/index.js';

const passwords = ['Hunter2-secret', 'p@ss-w0rd-x', 'pa:ss-w0rd-y', 'p/ss-w0rd-z', 'p%40ss-encoded', 'x!$&*()+=-secret', 'ÜnïcodeSecret'];
const schemes = ['postgresql', 'postgres', 'redis', 'rediss', 'mysql', 'amqp', 'mongodb+srv', 'HTTP'];
const urlForms = (scheme: string, password: string): string[] => [
  `${scheme}://app:${password}@db:5432/app`,
  `${scheme}://:${password}@db:5432/app`,
  `${scheme}:/app:${password}@db`,
  `${scheme}:app:${password}@db`,
  `${scheme}:///app:${password}@db`,
  `${scheme}://app:${password}@[::1]:5432/app?sslmode=require`,
  `//app:${password}@db`,
  `app:${password}@db:5432`,
];
const keyValueForms = (password: string): string[] => [
  `host=db password=${password} user=app`,
  `host=db PASSWORD = ${password} user=app`,
  `host=db password='${password}' user=app`,
  `host=db password="${password}"`,
  `PGPASSWORD=${password}`,
  `db_password=${password};host=db`,
  `Server=db;User Id=app;Pwd=${password};`,
  `https://api.test/v1?x=1&access_token=${password}`,
  `{"db_password":"${password}"}`,
  `password: ${password}`,
];
const contexts = (form: string): string[] => [form, `connect ${form} failed`, `"${form}"`, `(${form})`, `error: <${form}>`, `${form}\nnext line`];

describe('maskSecrets over a generated corpus of connection strings', () => {
  it('hides every password in every form and context', () => {
    let cases = 0;
    for (const password of passwords) {
      const forms = [...schemes.flatMap((scheme) => urlForms(scheme, password)), ...keyValueForms(password.replace(/[&;,\s'"]/g, ''))];
      for (const form of forms) {
        for (const text of contexts(form)) {
          const secret = form.includes(password) ? password : password.replace(/[&;,\s'"]/g, '');
          const masked = maskSecrets(text);
          expect(masked, text).not.toContain(secret);
          // The part a password shares with nothing else: its distinctive tail.
          expect(masked, text).not.toMatch(/secret|w0rd|encoded|Secret/);
          cases += 1;
        }
      }
    }
    expect(cases).toBeGreaterThan(700);
  });

  it('leaves text without credentials alone', () => {
    for (const text of ['connect ECONNREFUSED 127.0.0.1:5432', 'user app@db.example.com', 'http://db:5432/app', 'mailto@host', 'at 12:30 on db']) {
      expect(maskSecrets(text)).toBe(text);
    }
  });
});
