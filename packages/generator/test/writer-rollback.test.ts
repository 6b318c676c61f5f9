/**
 * The writer is all or nothing: each test fails one step of a write (by an injected file system
 * layer, or for real on disk: immutable files via chattr, files and directories in each other's
 * way) and checks that every file is as it was, no temp or backup file is left, and the error
 * says what happened.
 */
import { execFileSync } from 'node:child_process';
import * as fsPromises from 'node:fs/promises';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GeneratedFile } from '../src/model/types.js';
import { renderFile, WriteError, writeGeneratedFiles, type WriterFileSystem } from '../src/writer.js';

const source = 'spec.ts';
let outDir: string;
const immutable: string[] = [];

const file = (path: string, data: string): GeneratedFile => ({ path, format: 'text', data });
/** a/one and a/two replace old versions, b/keep is new beside the stale b/stale, c/new is new in a new directory. */
const files = [file('a/one.yml', 'one v2'), file('a/two.yml', 'two v2'), file('b/keep.yml', 'keep'), file('c/new.yml', 'new')];

async function snapshot(): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const entry of await readdir(outDir, { recursive: true, withFileTypes: true })) {
    const path = relative(outDir, join(entry.parentPath, entry.name));
    result[path] = entry.isDirectory() ? '<dir>' : await readFile(join(outDir, path), 'utf8');
  }
  return result;
}

function chattr(flag: '+i' | '-i', path: string): void {
  execFileSync('chattr', [flag, path]);
  if (flag === '+i') immutable.push(path);
}

beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'vigil-writer-'));
  await mkdir(join(outDir, 'a'));
  await mkdir(join(outDir, 'b'));
  await writeFile(join(outDir, 'a/one.yml'), renderFile(file('a/one.yml', 'one v1'), source));
  await writeFile(join(outDir, 'a/two.yml'), renderFile(file('a/two.yml', 'two v1'), source));
  await writeFile(join(outDir, 'b/stale.yml'), renderFile(file('b/stale.yml', 'stale'), source));
  await writeFile(join(outDir, 'b/notes.txt'), 'not generated\n');
});

afterEach(async () => {
  for (const path of immutable.splice(0)) execFileSync('chattr', ['-i', path]);
  await rm(outDir, { recursive: true, force: true });
});

type Call = { readonly op: keyof WriterFileSystem; readonly args: readonly unknown[] };

/** node:fs/promises, except that `fail(call, index)` may throw before the call runs. */
function failing(fail: (call: Call, index: number) => NodeJS.ErrnoException | undefined | Promise<NodeJS.ErrnoException | undefined>): WriterFileSystem {
  const counts = new Map<string, number>();
  const wrap =
    (op: keyof WriterFileSystem) =>
    async (...args: unknown[]): Promise<unknown> => {
      const index = counts.get(op) ?? 0;
      counts.set(op, index + 1);
      const error = await fail({ op, args }, index);
      if (error !== undefined) throw error;
      return (fsPromises[op] as (...a: unknown[]) => Promise<unknown>)(...args);
    };
  const ops: (keyof WriterFileSystem)[] = ['copyFile', 'link', 'lstat', 'mkdir', 'readdir', 'readFile', 'rename', 'rm', 'rmdir', 'writeFile'];
  return Object.fromEntries(ops.map((op) => [op, wrap(op)])) as unknown as WriterFileSystem;
}

const errno = (code: string, syscall: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: injected`), { code, syscall });
const isPublishRename = (call: Call): boolean => call.op === 'rename' && String(call.args[0]).includes('.vigil-tmp-');

async function expectUnchanged(write: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = await snapshot();
  const error = await write().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WriteError);
  expect((error as WriteError).message).toMatch(message);
  expect((error as WriteError).message).toMatch(/no file was changed$/);
  expect((error as WriteError).changed).toBe(false);
  expect(await snapshot()).toEqual(before);
}

describe('writer: a failure at any step leaves every file as it was', () => {
  it('succeeds and removes the stale file and every backup when nothing fails', async () => {
    const result = await writeGeneratedFiles(files, { outDir, source });
    expect(result.written).toEqual(['a/one.yml', 'a/two.yml', 'b/keep.yml', 'c/new.yml']);
    expect(result.deleted).toEqual(['b/stale.yml']);
    expect(Object.keys(await snapshot()).sort()).toEqual(['a', 'a/one.yml', 'a/two.yml', 'b', 'b/keep.yml', 'b/notes.txt', 'c', 'c/new.yml']);
  });

  it('the first rename fails', async () => {
    const fileSystem = failing((call) => (isPublishRename(call) && String(call.args[1]).endsWith('a/one.yml') ? errno('ENOSPC', 'rename') : undefined));
    await expectUnchanged(() => writeGeneratedFiles(files, { outDir, source, fileSystem }), /^could not replace a\/one\.yml \(rename ENOSPC\)/);
  });

  it('the last rename fails (injected), after three files were already replaced', async () => {
    const fileSystem = failing((call) => (isPublishRename(call) && String(call.args[1]).endsWith('c/new.yml') ? errno('EIO', 'rename') : undefined));
    await expectUnchanged(() => writeGeneratedFiles(files, { outDir, source, fileSystem }), /^could not replace c\/new\.yml \(rename EIO\)/);
  });

  it('the last rename fails on the real file system: a directory appears where the file goes', async () => {
    await mkdir(join(outDir, 'c'));
    await writeFile(join(outDir, 'c/other.txt'), 'x\n');
    const before = await snapshot();
    const fileSystem = failing(async (call) => {
      if (isPublishRename(call) && String(call.args[1]).endsWith('c/new.yml')) await mkdir(join(outDir, 'c/new.yml'));
      return undefined;
    });
    const error = (await writeGeneratedFiles(files, { outDir, source, fileSystem }).catch((caught: unknown) => caught)) as WriteError;
    expect(error.message).toMatch(/^could not replace c\/new\.yml \(rename (EISDIR|EEXIST|ENOTEMPTY)\); rolled back, no file was changed$/);
    await rm(join(outDir, 'c/new.yml'), { recursive: true });
    expect(await snapshot()).toEqual(before);
  });

  it('moving a stale file aside fails after every file was replaced', async () => {
    const fileSystem = failing((call) => (call.op === 'rename' && String(call.args[0]).endsWith('b/stale.yml') ? errno('EBUSY', 'rename') : undefined));
    await expectUnchanged(() => writeGeneratedFiles(files, { outDir, source, fileSystem }), /^could not delete stale b\/stale\.yml \(rename EBUSY\)/);
  });

  it('a temp file cannot be written (disk full half way)', async () => {
    const fileSystem = failing((call, index) => (call.op === 'writeFile' && index === 2 ? errno('ENOSPC', 'write') : undefined));
    await expectUnchanged(() => writeGeneratedFiles(files, { outDir, source, fileSystem }), /^could not write b\/keep\.yml \(write ENOSPC\)/);
  });

  it('the previous version cannot be kept (no link, no copy)', async () => {
    const fileSystem = failing((call) => (call.op === 'link' || call.op === 'copyFile' ? errno('EACCES', call.op) : undefined));
    await expectUnchanged(() => writeGeneratedFiles(files, { outDir, source, fileSystem }), /^could not keep the previous a\/one\.yml \(copyFile EACCES\)/);
  });

  it('an immutable file on the real file system (chattr +i), replaced after another file was', async () => {
    chattr('+i', join(outDir, 'a/two.yml'));
    await expectUnchanged(() => writeGeneratedFiles(files, { outDir, source }), /^could not replace a\/two\.yml \(rename EPERM\)/);
  });

  it('a directory that cannot be written on the real file system (chattr +i)', async () => {
    chattr('+i', join(outDir, 'b'));
    await expectUnchanged(() => writeGeneratedFiles(files, { outDir, source }), /^could not write b\/keep\.yml \(open EPERM\)/);
  });

  it('a new directory cannot be created, and directories it created are removed again', async () => {
    const fileSystem = failing((call) => (call.op === 'writeFile' && String(call.args[0]).includes('c/new.yml') ? errno('EROFS', 'open') : undefined));
    await expectUnchanged(() => writeGeneratedFiles(files, { outDir, source, fileSystem }), /^could not write c\/new\.yml \(open EROFS\)/);
    expect(Object.keys(await snapshot())).not.toContain('c');
  });

  it('a file in the way of a directory (real file system)', async () => {
    await writeFile(join(outDir, 'c'), 'a file named c\n');
    await expectUnchanged(() => writeGeneratedFiles(files, { outDir, source }), /^c is a file where a directory is needed; no file was changed$/);
  });

  it('a directory in the way of a file (real file system)', async () => {
    await mkdir(join(outDir, 'b/keep.yml'));
    await expectUnchanged(() => writeGeneratedFiles(files, { outDir, source }), /^b\/keep\.yml is a directory where a file is needed; no file was changed$/);
  });

  it('says exactly what is left when the rollback itself fails', async () => {
    const fileSystem = failing((call) => {
      if (isPublishRename(call) && String(call.args[1]).endsWith('c/new.yml')) return errno('EIO', 'rename');
      if (call.op === 'rename' && String(call.args[0]).endsWith('a/one.yml.vigil-old-' + process.pid)) return errno('EIO', 'rename');
      return undefined;
    });
    const error = (await writeGeneratedFiles(files, { outDir, source, fileSystem }).catch((caught: unknown) => caught)) as WriteError;
    expect(error).toBeInstanceOf(WriteError);
    expect(error.changed).toBe(true);
    expect(error.message).toBe(
      `could not replace c/new.yml (rename EIO); rollback incomplete; not restored: a/one.yml (previous version kept as a/one.yml.vigil-old-${process.pid})`,
    );
    const after = await snapshot();
    expect(after['a/one.yml']).toContain('one v2');
    expect(after[`a/one.yml.vigil-old-${process.pid}`]).toContain('one v1');
    expect(after['a/two.yml']).toContain('two v1');
    expect(Object.keys(after).filter((path) => path.includes('.vigil-tmp-'))).toEqual([]);
  });
});
