/**
 * The primary (or main thread) side: one `/metrics` for a multi-process or multi-thread service.
 *
 * On each scrape the aggregator asks every worker that called `reportMetricsToPrimary()` for a
 * snapshot, waits at most `collectTimeoutMs`, and merges what it has: a worker that did not
 * answer in time is exposed with its last snapshot (and counted), so a stuck worker neither
 * stalls the scrape nor makes a counter go backwards. When a worker exits, its last counters and
 * histograms move into retired totals that stay in every later scrape, so Prometheus never sees
 * a spurious counter reset; its gauges go with it.
 *
 * The merge and the render have the single-process renderer's properties (render.ts, with the
 * helpers of slices.ts): scrapes of one format share one render, and scrapes of both formats that
 * arrive together share one merge (single flight); both run in slices of about `sliceMs` between
 * which the event loop turns, and they stop at the next slice boundary once every client has gone
 * away. Nothing a flight reads is changed under it: a collection captures the sources
 * and the retired totals in one turn, and an exit replaces the retired totals rather than adding
 * into them (copy on write, folded in slices too).
 */
import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import { Registry } from 'prom-client';
import { negotiateFormat, scrapeRequestHandler, type MetricsRequestHandler } from '../exposition.js';
import {
  ExpositionWriter,
  openMetricsContentType,
  prometheusContentType,
  RenderedScrape,
  type ExpositionFormat,
  type Scrape,
} from '../render.js';
import { checkedSliceMs, ScrapeAbortedError, SingleFlights, SliceClock, type Flight } from '../slices.js';
import { clusterFamiliesFor, type ClusterFamilies } from './families.js';
import { FamilyMerger, keptAfterExit, type GaugeAggregation, type MetricsSource } from './merge.js';
import { snapshotRegistry } from './snapshot.js';
import { isMetricsReady, isMetricsSnapshot, metricsRequestType, type MetricsRequest, type MetricsSnapshot, type WireFamily } from './wire.js';

export interface ClusterAggregatorOptions {
  /**
   * The primary's own metrics, merged in with `worker="primary"`; the aggregator's metrics
   * (`cluster_workers_exited_total`, `cluster_metrics_collect_timeouts_total`) go here too.
   * Default: a new Registry.
   */
  readonly registry?: Registry;
  /** How long a scrape waits for the workers' snapshots; default 2000 ms. */
  readonly collectTimeoutMs?: number;
  /** Per-gauge aggregation, over `defaultGaugeAggregation`; unlisted gauges keep a `worker` label. */
  readonly gaugeAggregation?: Readonly<Record<string, GaugeAggregation>>;
  /** Listen to node:cluster workers; default true. Off for a thread-only service. */
  readonly cluster?: boolean;
  /**
   * Longest stretch, in milliseconds, the merge or the render runs before yielding to the
   * primary's event loop; default 4.
   */
  readonly sliceMs?: number;
}

export interface ClusterAggregator {
  readonly registry: Registry;
  /**
   * The merged exposition for an Accept header. Concurrent calls share one collection, and one
   * merge and render per format. When `signal` aborts (the client went away), the promise rejects
   * with ScrapeAbortedError; the merge stops once no caller waits for it.
   */
  scrape(accept?: string, signal?: AbortSignal): Promise<Scrape>;
  /** `/metrics` handler for the primary's node:http server; a client that hangs up leaves the merge. */
  readonly metricsHandler: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** Aggregates a worker thread too; it calls `reportMetricsToPrimary()` on its side. */
  addWorkerThread(worker: ThreadWorker): void;
  /** Workers that reported and are still running. */
  readonly reportingWorkers: number;
  /** Stops listening to cluster events. */
  close(): void;
}

interface Peer {
  /** The cluster Worker or thread Worker object. */
  readonly key: object;
  readonly send: (message: MetricsRequest) => void;
  worker: string;
  last: readonly WireFamily[] | null;
  lastId: number;
  waiters: Array<{ id: number; resolve: () => void }>;
}

/** What one collection hands the merges that share it, all captured in one turn. */
interface Collection {
  /** The primary itself, then every live worker's last snapshot. */
  readonly sources: readonly MetricsSource[];
  /** Retired totals as they were; never changed afterwards (an exit replaces them). */
  readonly retired: FamilyMerger;
  /** Workers that exited since those totals were folded: their counters and histograms. */
  readonly retiring: readonly MetricsSource[];
}

/** The retired-totals fold has no callers to lose; it always runs to the end. */
const neverAbandoned: Flight = { abandoned: false };

const defaultCollectTimeoutMs = 2000;

class Aggregator implements ClusterAggregator {
  readonly registry: Registry;
  private readonly families: ClusterFamilies;
  private readonly timeoutMs: number;
  private readonly overrides: Readonly<Record<string, GaugeAggregation>>;
  /** Keyed by the cluster Worker or thread Worker object. */
  private readonly peers = new Map<object, Peer>();
  private readonly sliceMs: number;
  /** Exited workers' counters and histograms, summed. Replaced, never changed, once published. */
  private retired: FamilyMerger;
  /** Exited workers not folded into `retired` yet, oldest first. */
  private readonly retiring: MetricsSource[] = [];
  private folding = false;
  private nextId = 0;
  private inFlight: Promise<Collection> | null = null;
  private readonly flights = new SingleFlights<ExpositionFormat, Scrape>();
  /**
   * The merge of one collection, shared by the formats rendered from it: a Prometheus scrape and an
   * OpenMetrics scrape that arrive together get one collection (collect), so the second joins the
   * first's merge in the same turn instead of merging again. Rendering only reads the merged
   * families. The merge stops once every format waiting for it has been abandoned.
   */
  private merging: { readonly collection: Collection; readonly waiting: Flight[]; readonly merger: Promise<FamilyMerger> } | null = null;
  /** Each format's last size, so its next render's buffer starts large enough. */
  private readonly lastBytes = new Map<ExpositionFormat, number>();
  private readonly unlisten: Array<() => void> = [];

  constructor(options: ClusterAggregatorOptions) {
    this.registry = options.registry ?? new Registry();
    this.families = clusterFamiliesFor(this.registry);
    const timeout = options.collectTimeoutMs ?? defaultCollectTimeoutMs;
    if (!(timeout > 0) || !Number.isFinite(timeout)) {
      throw new RangeError(`@vigil/metrics: collectTimeoutMs must be a positive number of milliseconds, got ${JSON.stringify(timeout)}`);
    }
    this.timeoutMs = timeout;
    this.overrides = options.gaugeAggregation ?? {};
    this.sliceMs = checkedSliceMs(options.sliceMs);
    this.retired = new FamilyMerger(this.overrides);
    if (options.cluster !== false && cluster.isPrimary) this.listenToCluster();
  }

  get reportingWorkers(): number {
    return this.peers.size;
  }

  private listenToCluster(): void {
    const onMessage = (worker: ClusterWorker, message: unknown): void => {
      if (isMetricsReady(message)) {
        if (!this.peers.has(worker)) this.peers.set(worker, this.newPeer(worker, message.worker, (request) => sendToClusterWorker(worker, request)));
      } else if (isMetricsSnapshot(message)) {
        this.received(worker, message);
      }
    };
    const onExit = (worker: ClusterWorker): void => this.exited(worker);
    cluster.on('message', onMessage);
    cluster.on('exit', onExit);
    this.unlisten.push(() => {
      cluster.off('message', onMessage);
      cluster.off('exit', onExit);
    });
  }

  addWorkerThread(worker: ThreadWorker): void {
    const onMessage = (message: unknown): void => {
      if (isMetricsReady(message)) {
        if (!this.peers.has(worker)) this.peers.set(worker, this.newPeer(worker, message.worker, (request) => worker.postMessage(request)));
      } else if (isMetricsSnapshot(message)) {
        this.received(worker, message);
      }
    };
    worker.on('message', onMessage);
    worker.once('exit', () => {
      worker.off('message', onMessage);
      this.exited(worker);
    });
  }

  private newPeer(key: object, worker: string, send: (request: MetricsRequest) => void): Peer {
    return { key, send, worker, last: null, lastId: -1, waiters: [] };
  }

  private received(key: object, snapshot: MetricsSnapshot): void {
    const peer = this.peers.get(key);
    if (peer === undefined) return;
    // A late answer to an earlier request is still newer than what the peer had.
    if (snapshot.id > peer.lastId) {
      peer.lastId = snapshot.id;
      peer.last = snapshot.families;
      peer.worker = snapshot.worker;
    }
    this.release(peer, snapshot.id);
  }

  private release(peer: Peer, upTo: number): void {
    const still: Peer['waiters'] = [];
    for (const waiter of peer.waiters) {
      if (waiter.id <= upTo) waiter.resolve();
      else still.push(waiter);
    }
    peer.waiters = still;
  }

  private exited(key: object): void {
    this.families.workersExited.inc();
    const peer = this.peers.get(key);
    if (peer === undefined) return;
    this.peers.delete(key);
    if (peer.last !== null) {
      // In the same turn as the peer leaves `peers`: a collection sees it in one of the two.
      this.retiring.push({ worker: peer.worker, families: peer.last });
      this.foldRetiring();
    }
    this.release(peer, Number.POSITIVE_INFINITY);
  }

  /** Folds exited workers into new retired totals, in slices; one fold at a time. */
  private foldRetiring(): void {
    if (this.folding) return;
    this.folding = true;
    void this.foldNow().then(
      () => {
        this.folding = false;
        // Workers that exited while this fold ran.
        if (this.retiring.length > 0) this.foldRetiring();
      },
      () => {
        // A failed fold leaves the workers in `retiring`, where every scrape still counts them;
        // the next exit tries again. Retrying at once could spin on the same failure.
        this.folding = false;
      },
    );
  }

  private async foldNow(): Promise<void> {
    const exits = this.retiring.slice();
    const slices = new SliceClock(this.sliceMs, neverAbandoned);
    const next = new FamilyMerger(this.overrides);
    await slices.drain(next.addMergedSteps(this.retired));
    for (const source of exits) await slices.drain(next.addSteps(source, keptAfterExit));
    // One turn: the new totals hold exactly the exits taken out of `retiring`.
    this.retired = next;
    this.retiring.splice(0, exits.length);
  }

  private collect(): Promise<Collection> {
    this.inFlight ??= this.collectNow().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async collectNow(): Promise<Collection> {
    const id = ++this.nextId;
    const asked = [...this.peers.values()];
    const answers = asked.map(
      (peer) =>
        new Promise<void>((resolve) => {
          peer.waiters.push({ id, resolve });
          try {
            peer.send({ type: metricsRequestType, id });
          } catch {
            // The channel closed: the exit event retires the peer and releases this waiter.
          }
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(answers),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    for (const peer of asked) {
      if (peer.lastId < id && this.peers.get(peer.key) === peer) this.families.collectTimeouts.inc();
    }
    const own = await snapshotRegistry(this.registry);
    const sources: MetricsSource[] = [{ worker: 'primary', families: own }];
    for (const peer of this.peers.values()) {
      if (peer.last !== null) sources.push({ worker: peer.worker, families: peer.last });
    }
    return { sources, retired: this.retired, retiring: this.retiring.slice() };
  }

  scrape(accept?: string, signal?: AbortSignal): Promise<Scrape> {
    return this.scrapeFormat(negotiateFormat(accept), signal);
  }

  /** Joins the merge in flight for `format`, or starts one. */
  private scrapeFormat(format: ExpositionFormat, signal?: AbortSignal): Promise<Scrape> {
    return this.flights.join(format, (flight) => this.mergeAndRender(format, flight), signal);
  }

  private async mergeAndRender(format: ExpositionFormat, flight: Flight): Promise<Scrape> {
    const collection = await this.collect();
    if (flight.abandoned) throw new ScrapeAbortedError();
    const merger = await this.merge(collection, flight);
    if (flight.abandoned) throw new ScrapeAbortedError();
    const slices = new SliceClock(this.sliceMs, flight);
    const openMetrics = format === 'openmetrics';
    const writer = new ExpositionWriter(this.lastBytes.get(format) ?? 0);
    for (const chunk of merger.chunks(openMetrics)) {
      writer.write(chunk);
      if (slices.due) await slices.next();
    }
    const bytes = writer.finish();
    this.lastBytes.set(format, bytes.length);
    return new RenderedScrape(openMetrics ? openMetricsContentType : prometheusContentType, bytes);
  }

  private merge(collection: Collection, flight: Flight): Promise<FamilyMerger> {
    const current = this.merging;
    if (current !== null && current.collection === collection) {
      current.waiting.push(flight);
      return current.merger;
    }
    const waiting = [flight];
    const shared: Flight = {
      get abandoned() {
        return waiting.every((format) => format.abandoned);
      },
    };
    const merging = { collection, waiting, merger: this.mergeNow(collection, shared) };
    this.merging = merging;
    // Dropped once settled, so the merged families live no longer than their renders.
    merging.merger
      .finally(() => {
        if (this.merging === merging) this.merging = null;
      })
      .catch(() => undefined);
    return merging.merger;
  }

  private async mergeNow(collection: Collection, flight: Flight): Promise<FamilyMerger> {
    const slices = new SliceClock(this.sliceMs, flight);
    const merger = new FamilyMerger(this.overrides);
    for (const source of collection.sources) await slices.drain(merger.addSteps(source));
    for (const source of collection.retiring) await slices.drain(merger.addSteps(source, keptAfterExit));
    await slices.drain(merger.addMergedSteps(collection.retired));
    this.warnConflicts(merger.conflicts);
    return merger;
  }

  /** Names already warned about: a family two workers send in different shapes. */
  private readonly warned = new Set<string>();

  private warnConflicts(conflicts: ReadonlySet<string>): void {
    for (const name of conflicts) {
      if (this.warned.has(name)) continue;
      this.warned.add(name);
      process.emitWarning(
        `@vigil/metrics: workers expose "${name}" with different types or histogram buckets; only the shape seen first is aggregated`,
        { code: 'VIGIL_METRICS_CLUSTER_CONFLICT' },
      );
    }
  }

  readonly metricsHandler: MetricsRequestHandler = scrapeRequestHandler((format, signal) => this.scrapeFormat(format, signal), 'aggregation');

  close(): void {
    for (const stop of this.unlisten.splice(0)) stop();
  }
}

/**
 * The primary's aggregated `/metrics`. Call it in the cluster primary (or the main thread), and
 * `reportMetricsToPrimary()` in each worker.
 */
export function createClusterAggregator(options: ClusterAggregatorOptions = {}): ClusterAggregator {
  return new Aggregator(options);
}

/**
 * Asks a cluster worker over IPC. A worker killed between two scrapes leaves a closed channel; without a
 * callback Node reports that write's EPIPE as an 'error' event on the worker, which nobody listens to and
 * which would crash the primary. The exit event retires the peer, so the failure needs no other handling.
 */
function sendToClusterWorker(worker: ClusterWorker, request: MetricsRequest): void {
  if (!worker.isConnected()) return;
  worker.send(request, undefined, undefined, ignoreSendError);
}

function ignoreSendError(): void {}
