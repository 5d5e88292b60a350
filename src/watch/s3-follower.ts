/**
 * Follows a CloudTrail bucket without listing its history again. CloudTrail writes each
 * account's and region's files under `.../CloudTrail/<region>/YYYY/MM/DD/`, in key order (the
 * name carries the delivery minute), minutes late at most. So after the first pass the
 * follower lists, per account and region, only the day prefixes from the day before its
 * newest checkpoint up to today, each with `StartAfter` = that day's last ingested key moved
 * back by the lateness margin. Accounts and regions are rediscovered (one listing call per
 * folder) every `rediscoverMs`. Organization trails (`AWSLogs/o-<org>/<account>/...`) and single-account
 * trails (`AWSLogs/<account>/...`) are found alike.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_LATENESS_MS } from '../domain/defaults.ts';
import { TrailhoundError } from '../errors.ts';
import { skipReason } from '../sources/layout.ts';
import { parseS3Url, s3Fingerprint } from '../sources/s3.ts';
import type { WatchCheckpointsRepository } from '../store/watch-checkpoints.ts';

export interface NewObject {
  /** `s3://bucket/key` */
  url: string;
  key: string;
  base: string;
  dayPrefix: string;
  lastModified: number;
  size: number;
  fingerprint: string;
}

export interface S3FollowerOptions {
  now?: () => number;
  /** How long a file may arrive after a later-named one. Default 15 minutes. */
  latenessMs?: number;
  rediscoverMs?: number;
  /** Keys per listing page (tests use a small one). */
  pageSize?: number;
}

const DAY_MS = 86_400_000;
const DAY_PREFIX = /^(.*\/)(\d{4})\/(\d{2})\/(\d{2})\/$/;
const REGION_FOLDER = /\/(CloudTrail|CloudTrail-Insight)\/[a-z0-9-]+\/$/;

const dayPath = (t: number) => new Date(t).toISOString().slice(0, 10).replaceAll('-', '/');
const dayOf = (dayPrefix: string) => {
  const m = DAY_PREFIX.exec(dayPrefix);
  return m === null ? Number.NaN : Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]));
};

/** The key to list after: the checkpoint with its delivery minute moved back by the lateness margin. */
export function startAfterFor(lastKey: string, latenessMs: number): string {
  const m = /^(.*_)(\d{8}T\d{4})Z_/.exec(lastKey);
  if (m === null) return lastKey;
  const s = m[2] as string;
  const t = Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13));
  const back = new Date(t - latenessMs).toISOString();
  return `${m[1]}${back.slice(0, 4)}${back.slice(5, 7)}${back.slice(8, 10)}T${back.slice(11, 13)}${back.slice(14, 16)}Z`;
}

export class S3Follower {
  readonly bucket: string;
  readonly prefix: string;
  /** ListObjectsV2 calls made, for the benchmark and tests. */
  listCalls = 0;
  private bases: string[] | null = null;
  private discoveredAt = 0;
  readonly client: S3Client;
  private readonly checkpoints: WatchCheckpointsRepository;
  private readonly options: Required<S3FollowerOptions>;

  constructor(
    spec: string,
    client: S3Client,
    checkpoints: WatchCheckpointsRepository,
    options: S3FollowerOptions = {},
  ) {
    const { bucket, prefix } = parseS3Url(spec);
    this.bucket = bucket;
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.client = client;
    this.checkpoints = checkpoints;
    this.options = {
      now: options.now ?? Date.now,
      latenessMs: options.latenessMs ?? DEFAULT_LATENESS_MS,
      rediscoverMs: options.rediscoverMs ?? 15 * 60_000,
      pageSize: options.pageSize ?? 1000,
    };
  }

  /** Objects not ingested yet, in key order per day prefix. */
  async listNew(): Promise<NewObject[]> {
    const now = this.options.now();
    if (this.bases === null || now - this.discoveredAt >= this.options.rediscoverMs) {
      this.bases = await this.discoverBases(this.prefix);
      this.discoveredAt = now;
    }
    const found: NewObject[] = [];
    for (const base of this.bases) {
      const cps = await this.checkpoints.forBase(this.url(base));
      const byDay = new Map(cps.map((c) => [c.prefix, c.lastKey]));
      for (const day of await this.daysToList(base, cps, now)) {
        const last = byDay.get(this.url(day));
        const startAfter = last === undefined ? undefined : startAfterFor(last, this.options.latenessMs);
        for (const o of await this.listAll(day, startAfter)) {
          if (o.key.endsWith('/') || skipReason(o.key) !== undefined) continue;
          found.push({
            url: this.url(o.key),
            key: o.key,
            base: this.url(base),
            dayPrefix: this.url(day),
            lastModified: o.lastModified,
            size: o.size,
            fingerprint: o.fingerprint,
          });
        }
      }
    }
    if (found.length === 0) return found;
    const done = await this.checkpoints.finished(found.map((o) => o.url));
    return found.filter((o) => !done.has(o.url));
  }

  /** Records that every object up to `object` (in its day prefix) is ingested. */
  async commit(objects: readonly NewObject[]): Promise<void> {
    const lastPerDay = new Map<string, NewObject>();
    for (const o of objects) {
      const prev = lastPerDay.get(o.dayPrefix);
      if (prev === undefined || prev.key < o.key) lastPerDay.set(o.dayPrefix, o);
    }
    for (const o of lastPerDay.values()) {
      // Days before the day before this one are finished: their checkpoints are no longer needed.
      const day = dayOf(o.dayPrefix.slice(`s3://${this.bucket}/`.length));
      const keepFrom = Number.isNaN(day) ? o.dayPrefix : `${o.base}${dayPath(day - DAY_MS)}/`;
      await this.checkpoints.advance(o.base, o.dayPrefix, o.key, keepFrom, this.options.now());
    }
  }

  private url(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  private async daysToList(base: string, cps: Array<{ prefix: string }>, now: number): Promise<string[]> {
    if (!REGION_FOLDER.test(base)) return [base]; // not the CloudTrail layout: one prefix, one checkpoint
    const newest = cps.at(-1);
    const all = () => this.discoverDays(base);
    if (newest === undefined) return all();
    const last = dayOf(newest.prefix.slice(`s3://${this.bucket}/`.length));
    const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
    // More than a few days behind the wall clock (replays, a long outage): find the days that exist.
    if (Number.isNaN(last) || today - last > 3 * DAY_MS || last > today)
      return (await all()).filter((d) => dayOf(d) >= last - DAY_MS);
    const days: string[] = [];
    for (let t = last - DAY_MS; t <= today; t += DAY_MS) days.push(`${base}${dayPath(t)}/`);
    return days;
  }

  /**
   * Account/region folders under `prefix`, found by skip-scanning: list one key, note its
   * folder, list again after everything under that folder, so one call per folder and no
   * delimiter listing (which some S3-compatible stores get wrong for nested keys). Accounts
   * first, then each kind of log under each account, so the scan never depends on how
   * `CloudTrail/` and `CloudTrail-Insight/` sort against each other.
   */
  private async discoverBases(prefix: string): Promise<string[]> {
    if (REGION_FOLDER.test(`/${prefix}`) || DAY_PREFIX.test(prefix)) return [prefix];
    const kindFolder = /^(.*\/)?(CloudTrail|CloudTrail-Insight)\/$/.exec(prefix);
    const accounts: string[] = [];
    if (kindFolder !== null) accounts.push(kindFolder[1] ?? '');
    else
      await this.skipScan(prefix, (key) => {
        const m = /^((?:[^/]+\/)*?)(CloudTrail|CloudTrail-Insight|CloudTrail-Digest)\//.exec(key);
        if (m === null) return null;
        accounts.push(m[1] as string);
        return m[1] as string;
      });
    const bases: string[] = [];
    for (const account of accounts)
      for (const kind of kindFolder === null ? ['CloudTrail', 'CloudTrail-Insight'] : [kindFolder[2] as string]) {
        const folder = `${account}${kind}/`;
        await this.skipScan(folder, (key) => {
          const region = /^[^/]+\//.exec(key.slice(folder.length))?.[0];
          if (region === undefined) return null;
          bases.push(`${folder}${region}`);
          return `${folder}${region}`;
        });
      }
    return bases;
  }

  /** The `YYYY/MM/DD/` prefixes under an account/region folder, one call per day. */
  private async discoverDays(base: string): Promise<string[]> {
    const days: string[] = [];
    await this.skipScan(base, (key) => {
      const m = /^\d{4}\/\d{2}\/\d{2}\//.exec(key.slice(base.length));
      if (m === null) return null;
      days.push(`${base}${m[0]}`);
      return `${base}${m[0]}`;
    });
    return days;
  }

  /** Lists one key at a time under `prefix`; `folderOf` names the folder to skip past, or null to step over the key. */
  private async skipScan(prefix: string, folderOf: (key: string) => string | null): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const key = await this.firstKey(prefix, after);
      if (key === undefined) return;
      const folder = folderOf(key);
      after = folder === null ? key : `${folder}\uffff`;
    }
  }

  private async listAll(prefix: string, startAfter: string | undefined) {
    const out: Array<{ key: string; lastModified: number; size: number; fingerprint: string }> = [];
    let after = startAfter;
    for (;;) {
      const page = await this.list({ Prefix: prefix, ...(after ? { StartAfter: after } : {}) });
      for (const o of page.Contents ?? [])
        if (o.Key !== undefined)
          out.push({
            key: o.Key,
            lastModified: o.LastModified?.getTime() ?? 0,
            size: o.Size ?? 0,
            fingerprint: s3Fingerprint(o.ETag, o.Size ?? 0, o.LastModified),
          });
      const last = page.Contents?.at(-1)?.Key;
      if (!page.IsTruncated || last === undefined) break;
      after = last;
    }
    return out;
  }

  /**
   * The first key under `prefix` after `marker`. ListObjects (v1) with a marker: it is the same
   * listing for one key, and S3-compatible stores that fail to paginate v2 (s3rver) answer it.
   */
  private async firstKey(prefix: string, marker: string | undefined): Promise<string | undefined> {
    const { ListObjectsCommand } = await import('@aws-sdk/client-s3');
    this.listCalls += 1;
    try {
      const page = await this.client.send(
        new ListObjectsCommand({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: 1,
          ...(marker ? { Marker: marker } : {}),
        }),
      );
      return page.Contents?.[0]?.Key;
    } catch (error) {
      throw this.listError(prefix, error);
    }
  }

  private listError(prefix: string, error: unknown): TrailhoundError {
    return new TrailhoundError(
      'TH_SOURCE',
      `Cannot list s3://${this.bucket}/${prefix}: ${(error as Error).name}: ${(error as Error).message}. Check AWS credentials, AWS_REGION and, for an S3-compatible store, AWS_ENDPOINT_URL_S3.`,
      { cause: error },
    );
  }

  private async list(params: { Prefix: string; StartAfter?: string }, maxKeys = this.options.pageSize) {
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    this.listCalls += 1;
    try {
      return await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, MaxKeys: maxKeys, ...params }));
    } catch (error) {
      throw this.listError(params.Prefix, error);
    }
  }
}
