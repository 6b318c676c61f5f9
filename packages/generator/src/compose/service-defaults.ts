/** Settings every container of the stack shares. */
export const hardening = {
  security_opt: ['no-new-privileges:true'],
  cap_drop: ['ALL'],
} as const;

/** An HTTP health check with the busybox `wget` the images ship. */
export function healthcheck(url: string): Record<string, unknown> {
  return {
    test: ['CMD', 'wget', '-q', '--spider', url],
    interval: '15s',
    timeout: '5s',
    retries: 5,
    start_period: '30s',
  };
}
