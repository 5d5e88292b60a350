/**
 * What a file name says before it is opened: CloudTrail digest files (integrity proofs, never
 * events), Insights files, and files that are clearly not JSON (a README or a CSV left in a
 * log folder). Everything else is read and its format found from its content.
 */
import type { SourceFile } from './types.ts';

/** Extensions that are never JSON. `.json`, `.jsonl`, `.gz`, `.log` and no extension are read. */
const NOT_JSON = new Set([
  'txt',
  'md',
  'markdown',
  'rst',
  'csv',
  'tsv',
  'orc',
  'avro',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'bmp',
  'svg',
  'webp',
  'ico',
  'pdf',
  'html',
  'htm',
  'xml',
  'yaml',
  'yml',
  'toml',
  'ini',
  'zip',
  'tar',
  'tgz',
  'bz2',
  'xz',
  'zst',
  '7z',
  'sh',
  'py',
  'js',
  'mjs',
  'cjs',
  'ts',
  'go',
  'rs',
  'java',
  'exe',
  'dll',
  'so',
  'sqlite',
  'db',
  'sig',
  'asc',
]);

/** Digest files: `.../CloudTrail-Digest/...` folders and `..._CloudTrail-Digest_...` names. */
export function isDigest(path: string): boolean {
  return path.includes('CloudTrail-Digest');
}

/** Insights files are delivered under `.../CloudTrail-Insight/...` (and named `..._CloudTrail-Insight_...`). */
export function isInsightPath(path: string): boolean {
  return path.includes('CloudTrail-Insight');
}

/** Why a file found while listing a folder or prefix is not read, or undefined to read it. */
export function skipReason(path: string): SourceFile['skip'] {
  if (isDigest(path)) return 'digest';
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === '.DS_Store' || name === 'Thumbs.db' || name === 'desktop.ini') return 'not-json';
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return NOT_JSON.has(name.slice(dot + 1).toLowerCase()) ? 'not-json' : undefined;
}
