/**
 * Parquet files (AWS Security Lake writes OCSF this way): read with `hyparquet` (pure JS), one
 * row group at a time so a large file is never held as rows all at once, and each row handed
 * to the same shape detection as a JSON object (`objectItem`). A file whose bytes start and end
 * with `PAR1` is Parquet whatever its name.
 *
 * Codecs: Snappy and uncompressed are built into hyparquet; GZIP and Brotli come from node:zlib;
 * ZSTD too where this Node has it (22.15+). A row group in a codec this Node cannot read is
 * reported by name, the other row groups are still read.
 */
import zlib from 'node:zlib';
import { type Compressors, type FileMetaData, parquetMetadata, parquetReadObjects } from 'hyparquet';
import { CloudTrailGate, objectItem, type ParseContext, problem } from './parse.ts';
import type { Origin, SourceItem } from './types.ts';

const MAGIC = 0x31524150; // "PAR1" read as a little-endian uint32

export function isParquet(buf: Buffer): boolean {
  return buf.length >= 12 && buf.readUInt32LE(0) === MAGIC && buf.readUInt32LE(buf.length - 4) === MAGIC;
}

const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;

const COMPRESSORS: Compressors = {
  GZIP: (input) => zlib.gunzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
  ...(zstd ? { ZSTD: (input: Uint8Array) => zstd(input) } : {}),
};

export async function* parquetItems(buf: Buffer, ctx: ParseContext): AsyncGenerator<SourceItem> {
  const at: Origin = { file: ctx.file };
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(file);
  } catch (error) {
    yield problem(at, 'invalid-parquet', `not a readable Parquet file: ${(error as Error).message}`, null);
    return;
  }
  const gate = new CloudTrailGate(ctx.file);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Array<Record<string, unknown>>;
    try {
      rows = (await parquetReadObjects({
        file,
        metadata,
        rowStart,
        rowEnd,
        compressors: COMPRESSORS,
      })) as Array<Record<string, unknown>>;
    } catch (error) {
      const codecs = [...new Set(group.columns.map((c) => c.meta_data?.codec).filter(Boolean))].join(', ');
      yield problem(
        { file: ctx.file, index: rowStart },
        'invalid-parquet',
        `rows ${rowStart}-${rowEnd - 1} (codec ${codecs || 'unknown'}) cannot be read: ${(error as Error).message}`,
        null,
      );
      rowStart = rowEnd;
      continue;
    }
    for (let i = 0; i < rows.length; i++) {
      const item = objectItem(
        plain(rows[i]) as Record<string, unknown>,
        { file: ctx.file, index: rowStart + i },
        ctx,
        null,
      );
      if (gate.admit(item)) {
        yield* gate.released();
        yield item;
      }
    }
    rowStart = rowEnd;
  }
  yield* gate.end(rowStart);
}

/** Parquet's INT64 arrives as BigInt: numbers when exact, text otherwise, so the rest sees JSON values. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const k in v) out[k] = plain((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
