/**
 * The demo behind `npm start`: builds the bundled demo organization with the simulator
 * (deterministic: same seed, same files), ingests it into an embedded SQLite store, detects,
 * and checks the alerts against the attacks the simulator planted. Everything runs locally;
 * nothing is downloaded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Alert } from '../alerts/types.ts';
import { listAlerts } from '../app/alerts.ts';
import { type DetectSummary, detect } from '../app/detect.ts';
import { type IngestOptions, type IngestSummary, ingest } from '../ingest/index.ts';
import { type AttackLabel, simulate } from '../sim/index.ts';
import { openStore } from '../store/index.ts';

/** Six attacks of different kinds, among four weeks of ordinary work (two of them learning). */
export const DEMO_ATTACKS = [
  'iam-create-admin-user',
  'cloudtrail-stop',
  'rds-snapshot-share-unknown',
  'sg-open-ssh-world',
  'accessdenied-enumeration',
  'iam-deactivate-mfa',
] as const;

export interface DemoOptions {
  /** Where the simulated trail goes. Default `./demo-data`. */
  out?: string;
  /** Default `./demo.db`. */
  db?: string;
  seed?: number;
  onStage?: (stage: 'simulate' | 'ingest' | 'detect', detail: string) => void;
  ingestOptions?: Pick<IngestOptions, 'onProgress'>;
}

export interface DemoResult {
  db: string;
  dataDir: string;
  simulated: boolean;
  ingest: IngestSummary;
  detect: DetectSummary;
  alerts: Alert[];
  attacks: AttackLabel[];
  /** Attack ids with at least one alert holding one of their events. */
  detected: string[];
  /** Alerts that hold no planted attack event. */
  otherAlerts: Alert[];
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const dataDir = options.out ?? 'demo-data';
  const db = options.db ?? 'demo.db';
  const seed = options.seed ?? 7;
  let simulated = false;
  if (!existsSync(join(dataDir, 'labels.json'))) {
    options.onStage?.('simulate', `writing four weeks of a simulated organization (seed ${seed}) to ${dataDir}/`);
    simulate({ out: dataDir, weeks: 4, learningWeeks: 2, seed, attacks: DEMO_ATTACKS.join(',') });
    simulated = true;
  }
  const attacks = JSON.parse(readFileSync(join(dataDir, 'labels.json'), 'utf8')) as AttackLabel[];
  const store = await openStore({ db });
  try {
    options.onStage?.('ingest', `reading ${join(dataDir, 'AWSLogs')} into ${db}`);
    const ingestSummary = await ingest(store, [join(dataDir, 'AWSLogs')], options.ingestOptions ?? {});
    options.onStage?.('detect', 'learning journeys and peer groups, scoring');
    const detectSummary = await detect(store);
    const alerts = await listAlerts(store);
    const attackOf = new Map<string, string>();
    for (const a of attacks) for (const id of a.eventIds) attackOf.set(id, a.attackId);
    const detected = new Set<string>();
    const otherAlerts: Alert[] = [];
    for (const alert of alerts) {
      const hits = alert.events.map((e) => attackOf.get(e.eventId)).filter((x): x is string => x !== undefined);
      for (const h of hits) detected.add(h);
      if (hits.length === 0) otherAlerts.push(alert);
    }
    return {
      db,
      dataDir,
      simulated,
      ingest: ingestSummary,
      detect: detectSummary,
      alerts,
      attacks,
      detected: [...detected].sort(),
      otherAlerts,
    };
  } finally {
    await store.close();
  }
}
