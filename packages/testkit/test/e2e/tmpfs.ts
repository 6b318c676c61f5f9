/**
 * A small tmpfs for the disk alert: mounted in a staging directory the node exporter skips,
 * filled there, then moved (`mount --move`) to where the exporter looks. The exporter's first
 * sample of the mount is already full: a filesystem seen emptying would also fire the P1
 * NodeFilesystemSpaceFillingUp (predict_linear), which inhibits the P2 under test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FullTmpfs {
  /** Where the filled filesystem is mounted once shown (the `mountpoint` label). */
  readonly mountPoint: string;
  readonly sizeBytes: number;
  /** Moves the filled mount from staging to `mountPoint`; returns when it is visible there. */
  show(): void;
  /** Unmounts (wherever it is) and removes both directories; safe to call twice. */
  remove(): void;
}

function run(command: string, args: readonly string[]): void {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`\`${command} ${args.join(' ')}\` failed: ${stderr || (error as Error).message}`);
  }
}

/**
 * Mounts a tmpfs of `sizeBytes` under `stagingParent` and fills it to `fillRatio`. Needs root
 * (CAP_SYS_ADMIN); without it this throws, saying so: the disk case cannot be proven otherwise.
 */
export function mountFullTmpfs(options: { readonly stagingParent: string; readonly sizeBytes: number; readonly fillRatio: number }): FullTmpfs {
  const staging = mkdtempSync(join(options.stagingParent, 'vigil-disk-staging-'));
  const mountPoint = mkdtempSync(join(tmpdir(), 'vigil-disk-'));
  let mountedAt: string | undefined;
  try {
    run('mount', ['-t', 'tmpfs', '-o', `size=${options.sizeBytes},mode=0755`, 'vigil-test-tmpfs', staging]);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    rmSync(mountPoint, { recursive: true, force: true });
    throw new Error(
      `The disk case needs a small filesystem to fill: mounting a tmpfs failed (${(error as Error).message}). ` +
        'Run the test as root (or with CAP_SYS_ADMIN), as scripts/test.sh does on CI.',
    );
  }
  mountedAt = staging;
  // One write, not a growing file: the filesystem is already full when the exporter first sees it.
  writeFileSync(join(staging, 'fill'), Buffer.alloc(Math.floor(options.sizeBytes * options.fillRatio)));
  return {
    mountPoint,
    sizeBytes: options.sizeBytes,
    show() {
      run('mount', ['--move', staging, mountPoint]);
      mountedAt = mountPoint;
    },
    remove() {
      if (mountedAt !== undefined) run('umount', [mountedAt]);
      mountedAt = undefined;
      rmSync(staging, { recursive: true, force: true });
      rmSync(mountPoint, { recursive: true, force: true });
    },
  };
}
