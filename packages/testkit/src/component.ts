import { selectLauncher, type LauncherKind } from './launcher.js';
import type { Component } from './executables.js';
import { containerWorkDir, runContainer, runLocal, type RunningProcess } from './runner.js';
import { waitForReady } from './wait.js';

export interface LaunchOptions {
  /** Forces a launcher; defaults to VIGIL_LAUNCHER, then local binary, then container. */
  readonly launcher?: LauncherKind;
  /** Image for the container launcher; pass the compose file's pinned image (model.stack.images). */
  readonly image?: string;
  /** How long to wait for `/-/ready`. Defaults to 30 s (local) or 120 s (container, may pull). */
  readonly readyTimeoutMs?: number;
}

/** A launched component, restartable on the same port and work directory. */
export interface Launched {
  readonly kind: LauncherKind;
  readonly url: string;
  current(): RunningProcess;
  /** Stops the process, runs `whileDown` (if given), then starts it again on the same port and directory. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
  /** SIGKILLs the process (see RunningProcess.kill). */
  kill(): Promise<void>;
}

/**
 * Starts a component with `buildArgs(root)`, where root is the work directory as the process
 * sees it, then waits until `/-/ready` answers.
 */
export async function launch(
  component: Component,
  workDir: string,
  port: number,
  buildArgs: (root: string) => readonly string[],
  options: LaunchOptions,
): Promise<Launched> {
  const choice = await selectLauncher(component, { forced: options.launcher });
  const url = `http://127.0.0.1:${port}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? (choice.kind === 'local' ? 30_000 : 120_000);
  const image = options.image;
  if (choice.kind === 'container' && !image) {
    throw new Error(
      `The container launcher needs the ${component} image: pass \`image\` (the compose file's pinned image, model.stack.images).`,
    );
  }

  const start = async (): Promise<RunningProcess> => {
    const running =
      choice.kind === 'local' && choice.binary
        ? runLocal(choice.binary, buildArgs(workDir), workDir)
        : await runContainer(image ?? '', buildArgs(containerWorkDir), workDir);
    try {
      await waitForReady(
        `${url}/-/ready`,
        readyTimeoutMs,
        () => `${component} output:\n${running.output()}`,
        () => (running.exited() ? `${component} exited during start-up` : undefined),
      );
    } catch (error) {
      await running.stop();
      throw error;
    }
    return running;
  };

  let running = await start();
  return {
    kind: choice.kind,
    url,
    current: () => running,
    async restart(whileDown) {
      await running.stop();
      try {
        await whileDown?.();
      } finally {
        running = await start();
      }
    },
    stop: () => running.stop(),
    kill: () => running.kill(),
  };
}
