/**
 * Reads a stored event's original record back: from its JSON column, or by re-parsing its
 * file's kept bytes (`raw_blobs`) with the same parser ingest used and picking the record at
 * the stored line/index. Parsed files are cached (a few) because an alert or a page of
 * events reads many records of one file.
 */
import { DEFAULT_LIMITS, parseBuffer } from '../sources/parse.ts';
import type { Store } from './index.ts';

export interface RawRef {
  raw: string | null;
  blob_id: number | null;
  raw_line: number | null;
  raw_index: number | null;
}

const posKey = (line: number | null | undefined, index: number | null | undefined) => `${line ?? ''}:${index ?? ''}`;

export class RawRecordReader {
  readonly #store: Store;
  readonly #cache = new Map<number, Map<string, Record<string, unknown>>>();
  readonly #capacity: number;

  constructor(store: Store, capacity = 64) {
    this.#store = store;
    this.#capacity = capacity;
  }

  async read(ref: RawRef): Promise<Record<string, unknown> | null> {
    if (ref.raw !== null) return JSON.parse(ref.raw) as Record<string, unknown>;
    if (ref.blob_id === null) return null;
    const blobId = Number(ref.blob_id);
    let records = this.#cache.get(blobId);
    if (records) {
      this.#cache.delete(blobId);
    } else {
      records = await this.#load(blobId);
      if (this.#cache.size >= this.#capacity) this.#cache.delete(this.#cache.keys().next().value as number);
    }
    this.#cache.set(blobId, records);
    return records.get(posKey(ref.raw_line, ref.raw_index)) ?? null;
  }

  async #load(blobId: number): Promise<Map<string, Record<string, unknown>>> {
    const row = await this.#store.db.selectFrom('raw_blobs').select('data').where('id', '=', blobId).executeTakeFirst();
    const records = new Map<string, Record<string, unknown>>();
    if (!row) return records;
    for await (const item of parseBuffer(Buffer.from(row.data), {
      file: `blob:${blobId}`,
      limits: DEFAULT_LIMITS,
      insightFile: false,
    })) {
      if (item.kind !== 'problem') records.set(posKey(item.origin.line, item.origin.index), item.record);
    }
    return records;
  }
}
