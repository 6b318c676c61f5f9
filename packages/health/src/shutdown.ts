import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Health } from './health.js';
import { jsonLineLogger, type Logger } from './log.js';
import { describeError } from './secrets.js';
import { withTimeout } from './timeout.js';

/** The process operations shutdown needs; injected in tests so no real signal or exit is involved. */
export interface ShutdownProcess {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

export interface ShutdownHookOptions {
  /** Default: the shutdown's `hookTimeoutMs`. */
  readonly timeoutMs?: number;
}

export interface GracefulShutdownOptions {
  /** Readiness turns 503 the moment shutdown begins. */
  readonly health?: Health;
  /** HTTP servers to drain. Track them as early as possible (before they accept connections). */
  readonly servers?: readonly Server[];
  /** In-flight requests get this long to finish; past it connections are cut and the exit code is 1. Default 10 000 ms. */
  readonly drainDeadlineMs?: number;
  /**
   * Time between readiness turning 503 and the listeners closing, so load balancers see the
   * 503 and stop routing before connections are refused. Default 0.
   */
  readonly readinessDelayMs?: number;
  /** Default timeout of each hook. Default 5000 ms. */
  readonly hookTimeoutMs?: number;
  /**
   * The whole shutdown, from the first signal to exit: readiness delay, drain and every hook.
   * Hooks get what the drain left, each at most its own timeout; hooks that find no time left
   * are skipped (reported failed). Past it the process exits 1 whatever is still running.
   * Default `readinessDelayMs + drainDeadlineMs + hookTimeoutMs`; must be at least
   * `readinessDelayMs + drainDeadlineMs`.
   */
  readonly deadlineMs?: number;
  /** Default SIGTERM and SIGINT. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Default the real `process`. */
  readonly process?: ShutdownProcess;
  /** Default: JSON lines on stdout. */
  readonly log?: Logger;
}

export interface ShutdownHookReport {
  readonly hook: string;
  readonly status: 'ok' | 'failed';
  readonly durationMs: number;
  readonly error?: string;
}

export interface ShutdownReport {
  readonly exitCode: number;
  readonly drained: boolean;
  readonly hooks: readonly ShutdownHookReport[];
  readonly durationMs: number;
}

interface Hook {
  readonly name: string;
  readonly run: () => Promise<unknown> | unknown;
  readonly timeoutMs: number;
}

/** Polling interval for closing connections that turned idle during the drain. */
const idleSweepMs = 25;

/** Exit code when the overall deadline passes with work still running. */
const exitDeadlineCode = 1;

/** Kept back from the hooks' budget so the report and the exit happen before the hard deadline. */
const exitReserveMs = 100;

/**
 * Graceful shutdown: on the first SIGTERM/SIGINT, readiness fails at once, the servers stop
 * accepting and drain in-flight requests up to a deadline (idle keep-alive connections are
 * closed, responses in flight are sent with `Connection: close`), hooks run in reverse order
 * of registration with a timeout each (a failing hook is logged and the rest still run), and
 * the process exits 0, or 1 when the drain deadline passed. Connections with no request
 * awaiting a response (idle keep-alive, nothing sent, partial headers) are closed at once.
 * One overall deadline bounds it all; a second signal exits at once.
 */
export class GracefulShutdown {
  private readonly hooks: Hook[] = [];
  private readonly servers = new Set<Server>();
  private readonly activeResponses = new Set<ServerResponse>();
  /** Every open connection of the tracked servers, with how many of its requests are unanswered. */
  private readonly connections = new Map<Socket, number>();
  private readonly proc: ShutdownProcess;
  private readonly log: Logger;
  private readonly drainDeadlineMs: number;
  private readonly readinessDelayMs: number;
  private readonly hookTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly signals: readonly NodeJS.Signals[];
  private running: Promise<ShutdownReport> | undefined;
  private draining = false;
  private installed = false;

  constructor(private readonly options: GracefulShutdownOptions = {}) {
    this.proc = options.process ?? process;
    this.log = options.log ?? jsonLineLogger;
    this.drainDeadlineMs = nonNegative(options.drainDeadlineMs ?? 10_000, 'drainDeadlineMs');
    this.readinessDelayMs = nonNegative(options.readinessDelayMs ?? 0, 'readinessDelayMs');
    this.hookTimeoutMs = nonNegative(options.hookTimeoutMs ?? 5000, 'hookTimeoutMs');
    this.deadlineMs = nonNegative(
      options.deadlineMs ?? this.readinessDelayMs + this.drainDeadlineMs + this.hookTimeoutMs,
      'deadlineMs',
    );
    if (this.deadlineMs < this.readinessDelayMs + this.drainDeadlineMs) {
      throw new TypeError(
        `@vigil/health: gracefulShutdown: deadlineMs (${this.deadlineMs}) must be at least readinessDelayMs + drainDeadlineMs (${this.readinessDelayMs + this.drainDeadlineMs})`,
      );
    }
    this.signals = options.signals ?? ['SIGTERM', 'SIGINT'];
    for (const server of options.servers ?? []) this.trackServer(server);
  }

  /** Drains this server on shutdown. */
  trackServer(server: Server): this {
    if (this.servers.has(server)) return this;
    this.servers.add(server);
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, 0);
      socket.once('close', () => this.connections.delete(socket));
      // Connected after the drain began (the listener was still open): nothing to wait for yet.
      if (this.draining) this.closeUnanswered();
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.activeResponses.add(res);
      const socket = req.socket;
      this.connections.set(socket, (this.connections.get(socket) ?? 0) + 1);
      // A keep-alive client must not reuse a connection that is about to be closed.
      if (this.draining && !res.headersSent) res.setHeader('connection', 'close');
      res.once('close', () => {
        this.activeResponses.delete(res);
        const open = this.connections.get(socket);
        if (open !== undefined) this.connections.set(socket, Math.max(0, open - 1));
      });
    });
    return this;
  }

  /** Registers a hook; hooks run in reverse order of registration (last opened, first closed). */
  addHook(name: string, run: () => Promise<unknown> | unknown, options: ShutdownHookOptions = {}): this {
    if (typeof name !== 'string' || name === '') throw new TypeError('@vigil/health: shutdown hook needs a non-empty name');
    if (typeof run !== 'function') throw new TypeError(`@vigil/health: shutdown hook "${name}": run must be a function`);
    this.hooks.push({ name, run, timeoutMs: nonNegative(options.timeoutMs ?? this.hookTimeoutMs, `hook "${name}" timeoutMs`) || 1 });
    return this;
  }

  /** Listens for the configured signals. */
  install(): this {
    if (this.installed) return this;
    for (const signal of this.signals) this.proc.on(signal, this.onSignal);
    this.installed = true;
    return this;
  }

  uninstall(): this {
    for (const signal of this.signals) this.proc.off(signal, this.onSignal);
    this.installed = false;
    return this;
  }

  get inProgress(): boolean {
    return this.running !== undefined;
  }

  /** Runs the shutdown (once) and exits the process with its exit code. */
  shutdown(reason = 'requested'): Promise<ShutdownReport> {
    this.running ??= this.run(reason).catch((error: unknown) => {
      // Only a defect in this module lands here; the process must still stop, and say why.
      this.log({ event: 'shutdown_failed', error: describeError(error), pid: process.pid });
      this.proc.exit(1);
      return { exitCode: 1, drained: false, hooks: [], durationMs: 0 };
    });
    return this.running;
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.running) {
      const exitCode = 128 + (constants.signals[signal] ?? 0);
      this.log({ event: 'shutdown_forced', signal, exitCode, pid: process.pid });
      this.proc.exit(exitCode);
      return;
    }
    void this.shutdown(signal);
  };

  private async run(reason: string): Promise<ShutdownReport> {
    const started = performance.now();
    // The one bound on the whole shutdown: whatever hangs, the process ends here.
    const deadline = setTimeout(() => {
      this.log({ event: 'shutdown_deadline', deadlineMs: this.deadlineMs, exitCode: exitDeadlineCode, pid: process.pid });
      this.proc.exit(exitDeadlineCode);
    }, this.deadlineMs);
    try {
      this.options.health?.beginShutdown();
      this.log({ event: 'shutdown_started', reason, inFlight: this.activeResponses.size, deadlineMs: this.deadlineMs, pid: process.pid });

      if (this.readinessDelayMs > 0) await sleep(this.readinessDelayMs);
      const drained = await this.drain();

      const hooks: ShutdownHookReport[] = [];
      for (const hook of [...this.hooks].reverse()) {
        const remainingMs = this.deadlineMs - exitReserveMs - (performance.now() - started);
        hooks.push(await this.runHook(hook, remainingMs));
      }

      const exitCode = drained ? 0 : 1;
      const durationMs = round(performance.now() - started);
      this.log({ event: 'shutdown_complete', exitCode, drained, durationMs, pid: process.pid });
      const report: ShutdownReport = { exitCode, drained, hooks, durationMs };
      this.proc.exit(exitCode);
      return report;
    } finally {
      clearTimeout(deadline);
    }
  }

  /**
   * Closes every connection with no request awaiting its response: idle keep-alive ones, and
   * ones that sent nothing or only part of a request's headers (which node's own
   * closeIdleConnections leaves open, holding the drain until its deadline).
   */
  private closeUnanswered(): void {
    for (const [socket, unanswered] of this.connections) if (unanswered === 0) socket.destroy();
    // Connections accepted before the server was tracked are unknown here; node knows the idle ones.
    for (const server of this.servers) server.closeIdleConnections();
  }

  /** True when every server closed within the deadline. */
  private async drain(): Promise<boolean> {
    this.draining = true;
    if (this.servers.size === 0) return true;
    const started = performance.now();
    for (const res of this.activeResponses) if (!res.headersSent) res.setHeader('connection', 'close');

    const closed = [...this.servers].map(
      (server) => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    const sweep = setInterval(() => this.closeUnanswered(), idleSweepMs);
    this.closeUnanswered();

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.drainDeadlineMs);
    });
    const drained = await Promise.race([Promise.all(closed).then(() => true as const), deadline]);
    clearInterval(sweep);
    clearTimeout(timer);

    if (drained) {
      this.log({ event: 'shutdown_drained', durationMs: round(performance.now() - started), pid: process.pid });
      return true;
    }
    this.log({
      event: 'shutdown_drain_deadline',
      deadlineMs: this.drainDeadlineMs,
      inFlight: this.activeResponses.size,
      pid: process.pid,
    });
    for (const server of this.servers) server.closeAllConnections();
    return false;
  }

  private async runHook(hook: Hook, remainingMs: number): Promise<ShutdownHookReport> {
    const started = performance.now();
    if (remainingMs < 1) {
      const report: ShutdownHookReport = {
        hook: hook.name,
        status: 'failed',
        durationMs: 0,
        error: `skipped: no time left within the shutdown deadline of ${this.deadlineMs}ms`,
      };
      this.log({ event: 'shutdown_hook', ...report, pid: process.pid });
      return report;
    }
    try {
      const timeoutMs = Math.max(1, Math.round(Math.min(hook.timeoutMs, remainingMs)));
      await withTimeout(`shutdown hook "${hook.name}"`, timeoutMs, () => hook.run(), timeoutMs);
      const report: ShutdownHookReport = { hook: hook.name, status: 'ok', durationMs: round(performance.now() - started) };
      this.log({ event: 'shutdown_hook', ...report, pid: process.pid });
      return report;
    } catch (error) {
      const report: ShutdownHookReport = {
        hook: hook.name,
        status: 'failed',
        durationMs: round(performance.now() - started),
        error: describeError(error),
      };
      this.log({ event: 'shutdown_hook', ...report, pid: process.pid });
      return report;
    }
  }
}

/** Creates a GracefulShutdown and installs its signal handlers. */
export function gracefulShutdown(options: GracefulShutdownOptions = {}): GracefulShutdown {
  return new GracefulShutdown(options).install();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function nonNegative(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`@vigil/health: gracefulShutdown: ${field} must be a non-negative number of milliseconds, got ${String(value)}`);
  }
  return value;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
