/**
 * Local files and folders. A folder is walked recursively in a deterministic order (entries
 * sorted by name bytes, depth first, lazily so a huge tree is never held in memory), which
 * also covers the S3 delivery layout copied to disk:
 * `AWSLogs/[o-<org>/]<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz`.
 * Hidden folders (`.git`) are not entered; hidden files are listed as not JSON.
 *
 * Names are read as bytes: a name that is not valid UTF-8 is still read (by its bytes) and
 * shown with the bad bytes as `\xNN`. FIFOs, devices and sockets are listed with a problem
 * that refuses them, never opened, never skipped without a word.
 */
import { type Dirent, statSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { kindOf, localFile, notAFile, statFile } from './file.ts';
import { isDigest, skipReason } from './layout.ts';
import { type ParseLimits, readFailure } from './parse.ts';
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
    files: () => walk(Buffer.from(root), limits, new Set()),
  };
}

const SLASH = Buffer.from('/');

/** The path as text: itself when it is valid UTF-8, else with every byte outside ASCII as `\xNN`. */
export function printablePath(path: Buffer): string {
  const text = path.toString('utf8');
  if (Buffer.byteLength(text) === path.length && !text.includes('\uFFFD')) return text;
  let out = '';
  for (const b of path) out += b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}

async function* walk(dir: Buffer, limits: ParseLimits, visited: Set<string>): AsyncGenerator<SourceFile> {
  // Symlinked folders are followed once: the real path guards against loops.
  const real = await realpath(dir);
  if (visited.has(real)) return;
  visited.add(real);
  let entries: Dirent<Buffer>[];
  try {
    entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    // An unreadable folder (permissions) is listed as one entry whose reading reports why.
    yield unreadable(printablePath(dir), (error as Error).message);
    return;
  }
  entries.sort((a, b) => Buffer.compare(a.name, b.name));
  const paths = entries.map((entry) => Buffer.concat([dir, SLASH, entry.name]));
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as Dirent<Buffer>;
    const path = paths[i] as Buffer;
    const id = printablePath(path);
    const hidden = entry.name[0] === 0x2e;
    let target: Pick<Dirent, 'isDirectory' | 'isFile' | 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket'> =
      entry;
    if (entry.isSymbolicLink()) {
      try {
        target = await stat(path);
      } catch {
        continue; // dangling link
      }
    }
    if (target.isDirectory()) {
      if (!hidden) yield* walk(path, limits, visited);
      continue;
    }
    if (!target.isFile()) {
      yield refused(id, kindOf(target));
      continue;
    }
    const st = statListed(path);
    if (st === null) continue; // removed while listing
    const skip = hidden ? 'not-json' : skipReason(id);
    yield localFile(printablePath(path) === path.toString('utf8') ? id : path, st.size, st.mtimeNs, limits, skip, id);
  }
}

/**
 * A listed file's size and nanosecond mtime, or null when it is gone. Synchronous: a stat of a
 * listed entry takes microseconds, where each asynchronous one was a thread-pool round trip
 * (10,000 five-minute files: ~0.25 s of the main thread's CPU in promise and callback handling).
 */
function statListed(path: Buffer): { size: number; mtimeNs: bigint } | null {
  try {
    const st = statSync(path, { bigint: true, throwIfNoEntry: false });
    return st === undefined ? null : { size: Number(st.size), mtimeNs: st.mtimeNs };
  } catch {
    return null;
  }
}

function unreadable(dir: string, message: string): SourceFile {
  return {
    id: dir,
    fingerprint: 'unreadable',
    size: 0,
    async *read() {
      yield readFailure(dir, `cannot list the folder: ${message}`);
    },
  };
}

/** A FIFO, device or socket met in a folder: listed, never opened. */
function refused(id: string, kind: string): SourceFile {
  return {
    id,
    fingerprint: `not-a-file:${kind}`,
    size: 0,
    async *read() {
      yield notAFile(id, kind);
    },
  };
}
