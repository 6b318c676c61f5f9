import { describe, expect, it } from 'vitest';
import { describeError, maskSecrets, registerSecret } from '../src/index.js';

describe('maskSecrets', () => {
  it.each([
    ['postgresql://app:s3cr3t@db:5432/app', 'postgresql://app:***@db:5432/app'],
    ['redis://:p%40ss@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['amqp://user:pa:ss@mq/vhost failed', 'amqp://user:***@mq/vhost failed'],
    ['host=db port=5432 password=hunter2 user=app', 'host=db port=5432 password=*** user=app'],
    ["host=db password='with space' user=app", 'host=db password=*** user=app'],
    ['https://api.test/v1?api_key=abc123&x=1', 'https://api.test/v1?api_key=***&x=1'],
    ['https://api.test/v1?token=abc123', 'https://api.test/v1?token=***'],
    ['Authorization: Bearer eyJhbGciOi.J9.abc', 'Authorization: Bearer ***'],
    ['{"user":"app","password":"x\\"y"}', '{"user":"app","password":"***"}'],
    ['no secrets here: connect ECONNREFUSED 127.0.0.1:5432', 'no secrets here: connect ECONNREFUSED 127.0.0.1:5432'],
  ])('masks %s', (input, expected) => {
    expect(maskSecrets(input)).toBe(expected);
  });

  it('masks a registered secret wherever it appears', () => {
    registerSecret('Zebra-Horse-42');
    expect(maskSecrets('auth failed with Zebra-Horse-42 for app')).toBe('auth failed with *** for app');
  });

  it('describes driver errors with their code, masked', () => {
    const error = Object.assign(new Error('connect to postgres://u:topsecret@h/db refused'), { code: 'ECONNREFUSED' });
    expect(describeError(error)).toBe('connect to postgres://u:***@h/db refused (ECONNREFUSED)');
    const aggregate = new AggregateError([Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })], '');
    expect(describeError(aggregate)).toBe('connect ECONNREFUSED 127.0.0.1:1');
  });
});
