/** The series the scrape and cluster benches expose, the same on Vigil's and prom-client's side. */
import { Histogram, Registry } from 'prom-client';
import { createVigilMetrics, latencyBucketsSeconds, type VigilMetrics } from '@vigil/metrics';

/**
 * `series` histogram series on both sides: operations x 2 outcomes, each observed once. The
 * prom-client histogram goes on `reference` (a new Registry unless given).
 */
export function populate(series: number, reference: Registry = new Registry()): { vigil: VigilMetrics; reference: Registry } {
  const vigil = createVigilMetrics({ registry: new Registry(), collectDefaultMetrics: false, countUnhandledErrors: false, maxLabelSets: series + 10 });
  const histogram = new Histogram({
    name: 'operation_duration_seconds',
    help: 'prom-client reference',
    labelNames: ['operation', 'outcome'],
    buckets: [...latencyBucketsSeconds],
    registers: [reference],
  });
  for (let op = 0; op < series / 2; op++) {
    const fn = vigil.timed(`op_${op}`, (fail: boolean) => {
      if (fail) throw new Error('x');
      return op;
    });
    fn(false);
    try {
      fn(true);
    } catch {
      // the error outcome series
    }
    histogram.labels(`op_${op}`, 'success').observe(0.000_01);
    histogram.labels(`op_${op}`, 'error').observe(0.000_01);
  }
  return { vigil, reference };
}
