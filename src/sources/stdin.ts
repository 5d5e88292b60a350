/**
 * `-`: the whole standard input as one source file. It is read when listed, because its
 * fingerprint (a SHA-256 of the content) must be known before ingest decides to read it.
 * The same format detection as files applies (gzip, Records, arrays, JSON Lines...).
 */
import { createHash } from 'node:crypto';
import { type ParseLimits, parseBuffer, problem } from './parse.ts';
import type { Source, SourceFile } from './types.ts';

export function stdinSource(stream: NodeJS.ReadableStream, limits: ParseLimits): Source {
  return {
    description: 'stdin',
    async *files(): AsyncGenerator<SourceFile> {
      const chunks: Buffer[] = [];
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of stream as AsyncIterable<Buffer | string>) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += buf.length;
        hash.update(buf);
        // Above the limit keep draining (so the writer is not blocked) but stop holding bytes.
        if (size <= limits.maxFileBytes) chunks.push(buf);
        else chunks.length = 0;
      }
      const tooLarge = size > limits.maxFileBytes;
      const content = tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks, size);
      chunks.length = 0;
      yield {
        id: '-',
        fingerprint: `sha256:${hash.digest('hex')}`,
        size,
        async *read(hooks) {
          if (tooLarge) {
            yield problem(
              { file: '-' },
              'file-too-large',
              `stdin holds ${size} bytes, above the limit of ${limits.maxFileBytes}; not loaded`,
              null,
            );
            return;
          }
          yield* parseBuffer(content, { file: '-', limits, insightFile: false, onContent: hooks?.onContent });
        },
      };
    },
  };
}
