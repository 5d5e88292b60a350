/**
 * Local files and folders. A folder is walked recursively in a deterministic order (entries
 * sorted by code unit, depth first, lazily so a huge tree is never held in memory), which
 * also covers the S3 delivery layout copied to disk:
 * `AWSLogs/[o-<org>/]<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz`.
 * Hidden folders (`.git`) are not entered; hidden files are listed as not JSON.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { localFile, statFile } from './file.ts';
import { isDigest, skipReason } from './layout.ts';
import { type ParseLimits, problem } from './parse.ts';
import type { Source, SourceFile } from './types.ts';

/** A single file given by name: read whatever its extension (the user asked for it); digests are still skipped. */
export function fileSource(path: string, limits: ParseLimits): Source {
  return {
    description: `file ${path}`,
    async *files() {
      const { size, mtimeNs } = await statFile(path);
      yield localFile(path, size, mtimeNs, limits, isDigest(path) ? 'digest' : undefined);
    },
  };
}

export function folderSource(root: string, limits: ParseLimits): Source {
  return {
    description: `folder ${root}`,
    files: () => walk(root, limits, new Set()),
  };
}

async function* walk(dir: string, limits: ParseLimits, visited: Set<string>): AsyncGenerator<SourceFile> {
  // Symlinked folders are followed once: the real path guards against loops.
  const real = await realpath(dir);
  if (visited.has(real)) return;
  visited.add(real);
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    // An unreadable folder (permissions) is listed as one entry whose reading reports why.
    yield unreadable(dir, (error as Error).message);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(path);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch {
        continue; // dangling link
      }
    }
    if (isDir) {
      if (!entry.name.startsWith('.')) yield* walk(path, limits, visited);
      continue;
    }
    if (!isFile) continue; // sockets, fifos
    let st: { size: number; mtimeNs: bigint };
    try {
      st = await statFile(path);
    } catch {
      continue; // removed while listing
    }
    const skip = entry.name.startsWith('.') ? 'not-json' : skipReason(path);
    yield localFile(path, st.size, st.mtimeNs, limits, skip);
  }
}

function unreadable(dir: string, message: string): SourceFile {
  return {
    id: dir,
    fingerprint: 'unreadable',
    size: 0,
    async *read() {
      yield problem({ file: dir }, 'read-error', `cannot list the folder: ${message}`, null);
    },
  };
}
