/**
 * Item pipelines on a timer. `orders` is steady (one item per tick: about 15,000 a day at the
 * default 5,760 ms) with required fields id, price, currency; `events` is bursty (a burst of
 * items every fifth tick, nothing in between); any other name is a steady generic pipeline.
 */
import type { PipelineMetrics, VigilMetrics } from '@vigil/metrics';
import type { Faults } from './faults.js';

export const defaultItemIntervalMs = 5_760;

interface PipelineKind {
  readonly itemType: string;
  readonly source: string;
  readonly requiredFields: readonly string[];
  /** Items to create on tick number `tick`. */
  readonly itemsOnTick: (tick: number) => number;
  readonly makeItem: (sequence: number) => Record<string, unknown>;
  readonly validate: (item: Record<string, unknown>) => string | undefined;
}

const currencies = ['EUR', 'USD', 'GBP'];

const kinds: Readonly<Record<string, PipelineKind>> = {
  orders: {
    itemType: 'order',
    source: 'checkout',
    requiredFields: ['id', 'price', 'currency'],
    itemsOnTick: () => 1,
    makeItem: (sequence) => ({ id: `order-${sequence}`, price: 5 + (sequence % 50), currency: currencies[sequence % 3] }),
    validate: (item) => {
      // A missing field is not a validation error: it is counted as missing (coverage) instead.
      if ('price' in item && (typeof item['price'] !== 'number' || item['price'] <= 0)) return 'invalid_price';
      if (typeof item['currency'] === 'string' && !currencies.includes(item['currency'])) return 'unknown_currency';
      return undefined;
    },
  },
  events: {
    itemType: 'event',
    source: 'tracker',
    requiredFields: ['id', 'type'],
    itemsOnTick: (tick) => (tick % 5 === 0 ? 12 : 0),
    makeItem: (sequence) => ({ id: `event-${sequence}`, type: sequence % 2 === 0 ? 'click' : 'view' }),
    validate: (item) => ('type' in item && item['type'] !== 'click' && item['type'] !== 'view' ? 'unknown_type' : undefined),
  },
};

const genericKind: PipelineKind = {
  itemType: 'item',
  source: 'generator',
  requiredFields: ['id', 'payload'],
  itemsOnTick: () => 1,
  makeItem: (sequence) => ({ id: `item-${sequence}`, payload: sequence }),
  validate: (item) => ('payload' in item && typeof item['payload'] !== 'number' ? 'invalid_payload' : undefined),
};

/** What `failValidations` does to an item: breaks the field its validator checks. */
function corrupt(item: Record<string, unknown>): Record<string, unknown> {
  return { ...item, price: -1, type: 'corrupted', payload: 'corrupted' };
}

export class ItemPipeline {
  readonly metrics: PipelineMetrics;
  private readonly kind: PipelineKind;
  private timer: NodeJS.Timeout | undefined;
  private tick = 0;
  private sequence = 0;
  /** Created items, newest last (bounded), so the API has something to serve. */
  readonly recent: Array<Record<string, unknown>> = [];

  constructor(
    readonly name: string,
    vigil: VigilMetrics,
    private readonly faults: () => Faults,
    private readonly intervalMs: number,
  ) {
    this.kind = kinds[name] ?? genericKind;
    this.metrics = vigil.pipeline(name, {
      itemType: this.kind.itemType,
      source: this.kind.source,
      requiredFields: this.kind.requiredFields,
    });
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.runTick();
    this.timer = setInterval(() => this.runTick(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private runTick(): void {
    const faults = this.faults();
    const count = this.kind.itemsOnTick(this.tick++);
    if (faults.stopItems) return;
    for (let i = 0; i < count; i++) this.produce(faults);
  }

  private produce(faults: Faults): void {
    let item = this.kind.makeItem(this.sequence++);
    if (faults.failValidations) item = corrupt(item);
    if (faults.dropField !== null) {
      const { [faults.dropField]: _dropped, ...rest } = item;
      item = rest;
    }
    const rejection = this.kind.validate(item);
    if (rejection !== undefined) {
      this.metrics.validationFailed(rejection);
      return;
    }
    this.metrics.created(item);
    this.recent.push(item);
    if (this.recent.length > 100) this.recent.shift();
  }
}
