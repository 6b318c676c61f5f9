import { describe, expect, it } from 'vitest';
import { waitUntil } from '../src/index.js';

describe('waitUntil', () => {
  it('keeps waiting while the probe says false or undefined, and returns the first other value', async () => {
    const answers: (boolean | undefined | number)[] = [false, undefined, false, 0];
    const value = await waitUntil(async () => answers.shift(), { timeoutMs: 5_000, intervalMs: 1, description: 'a value' });
    expect(value).toBe(0);
    expect(answers).toEqual([]);
  });

  it('times out on a condition that stays false, naming what it waited for', async () => {
    await expect(waitUntil(async () => false, { timeoutMs: 50, intervalMs: 5, description: 'a condition that never holds' })).rejects.toThrow(
      'Timed out after 50 ms waiting for a condition that never holds',
    );
  });
});
