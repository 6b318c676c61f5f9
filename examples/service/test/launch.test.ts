/**
 * The launcher's own failure paths against the real service process: a start-up that outlasts
 * its timeout is killed, and the kept output stays within its budget.
 */
import { describe, expect, it } from 'vitest';
import { launchExampleService } from '../src/launch.js';

describe('launchExampleService', () => {
  it('kills a service that prints no listening line within the start timeout, and says so', async () => {
    const service = launchExampleService({}, { startTimeoutMs: 1 });
    await expect(service.listening).rejects.toThrow(/^example service printed no listening line within 1 ms/);
    expect(await service.exited).toBeNull();
    expect(service.child.signalCode).toBe('SIGKILL');
  });

  it('keeps only the most recent output within its budget, marking what it dropped', async () => {
    const service = launchExampleService({ FAULT_ERROR_RATE: 'lots' }, { maxOutputChars: 200 });
    await expect(service.listening).rejects.toThrow(/exited with 1 before listening/);
    expect(await service.exited).toBe(1);
    const output = service.output();
    expect(output.startsWith('[earlier output dropped]\n')).toBe(true);
    expect(output.length).toBeLessThanOrEqual('[earlier output dropped]\n'.length + 200);
    expect(output).toContain('FAULT_ERROR_RATE="lots": expected a number from 0 to 1');
  });
});
