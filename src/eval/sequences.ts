/**
 * Real attack sequences for injection: reads files or folders of CloudTrail through the repo's
 * own sources and normalizer (a record that would be quarantined on ingest is skipped and
 * counted) and groups them into attacks:
 *
 * - Panther test scenarios (`_scenario`): one attack per scenario, `_label: attack` records only;
 * - Panther rule tests (`_source_rule`): one single-event attack per test the rule fires on
 *   (`_expected_result: true`); negative tests are not attacks;
 * - any other file, e.g. a Stratus Red Team detonation log: the whole file is one attack (the
 *   Stratus logs mark no warm-up or cleanup records, so all are kept).
 *
 * Category: the tactic in a Stratus technique id (`aws.defense-evasion.cloudtrail-stop` ->
 * `defense-evasion`), else the ATT&CK tactic of the catalog's technique for the riskiest event.
 */
import { basename } from 'node:path';
import { describeEvent } from '../catalog/index.ts';
import { type ActorType, type Event, normalizeRecord } from '../normalize/index.ts';
import { openSource } from '../sources/index.ts';

export type SequenceSource = 'stratus' | 'panther' | 'file';

export interface SequenceRecord {
  /** The record as read (Panther's `_`/`p_` fields still on it; the transplant drops them). */
  raw: Record<string, unknown>;
  /** Epoch ms, as the normalizer parsed `eventTime`. */
  time: number;
  actorKey: string;
  actorType: ActorType;
}

export interface AttackSequence {
  /** Unique over a load: scenario, plus `#test` for a Panther rule test. */
  id: string;
  source: SequenceSource;
  /** What the report groups by: `stratus:<technique>`, `panther:<rule or scenario>`, `file:<name>`. */
  scenario: string;
  title: string;
  category: string;
  techniques: string[];
  /** File it came from (and rule test). */
  origin: string;
  /** In time order (ties keep file order). */
  records: SequenceRecord[];
}

export interface LoadSummary {
  files: number;
  records: number;
  /** Records (or unreadable content) the ingest would quarantine, by code. */
  quarantined: Record<string, number>;
  /** Benign scenario records and negative rule tests: read, not attacks. */
  notAttacks: number;
  sequences: number;
  bySource: Record<string, number>;
}

export interface LoadResult {
  sequences: AttackSequence[];
  summary: LoadSummary;
}

const STRATUS_ID = /^aws\.([a-z-]+)\.[a-z0-9-]+$/;

/**
 * Primary ATT&CK (Enterprise) tactic of each technique the catalog emits. A technique listed
 * under several tactics gets the one its name describes (T1078 valid accounts: initial access).
 */
const TACTIC: Record<string, string> = {
  T1005: 'collection',
  T1021: 'lateral-movement',
  T1040: 'credential-access',
  T1048: 'exfiltration',
  T1059: 'execution',
  T1069: 'discovery',
  T1070: 'defense-evasion',
  T1078: 'initial-access',
  T1087: 'discovery',
  T1098: 'persistence',
  T1136: 'persistence',
  T1190: 'initial-access',
  T1484: 'privilege-escalation',
  T1485: 'impact',
  T1486: 'impact',
  T1490: 'impact',
  T1496: 'impact',
  T1525: 'persistence',
  T1526: 'discovery',
  T1528: 'credential-access',
  T1529: 'impact',
  T1530: 'collection',
  T1531: 'impact',
  T1537: 'exfiltration',
  T1546: 'persistence',
  T1550: 'defense-evasion',
  T1552: 'credential-access',
  T1555: 'credential-access',
  T1556: 'credential-access',
  T1562: 'defense-evasion',
  T1578: 'defense-evasion',
  T1580: 'discovery',
  T1584: 'resource-development',
  T1619: 'discovery',
  T1651: 'execution',
};

export function tacticOf(technique: string): string | null {
  return TACTIC[technique.split('.')[0] ?? ''] ?? null;
}

interface Group {
  id: string;
  source: SequenceSource;
  scenario: string;
  title: string;
  origin: string;
  stratusTactic: string | null;
  items: Array<{ rec: SequenceRecord; event: Event; order: number }>;
}

/** Reads every path (file or folder, in the order given) and returns the attack sequences. */
export async function loadSequences(paths: readonly string[]): Promise<LoadResult> {
  const groups = new Map<string, Group>();
  const summary: LoadSummary = { files: 0, records: 0, quarantined: {}, notAttacks: 0, sequences: 0, bySource: {} };
  const quarantine = (code: string) => {
    summary.quarantined[code] = (summary.quarantined[code] ?? 0) + 1;
  };
  let order = 0;
  for (const path of paths) {
    for await (const file of openSource(path).files()) {
      if (file.skip) continue;
      summary.files++;
      const name = basename(file.id).replace(/\.(jsonl|json)(\.gz)?$/, '');
      for await (const item of file.read()) {
        if (item.kind === 'problem') {
          quarantine(item.code);
          continue;
        }
        if (item.kind !== 'record') continue;
        summary.records++;
        const raw = item.record;
        const n = normalizeRecord(raw);
        if (!n.ok) {
          quarantine(n.code);
          continue;
        }
        const key = groupKey(raw, name, file.id);
        if (key === null) {
          summary.notAttacks++;
          continue;
        }
        let g = groups.get(key.id);
        if (!g) {
          g = { ...key, items: [] };
          groups.set(key.id, g);
        }
        g.items.push({
          rec: { raw, time: n.event.time, actorKey: n.event.actor.key, actorType: n.event.actor.type },
          event: n.event,
          order: order++,
        });
      }
    }
  }
  const sequences: AttackSequence[] = [];
  for (const g of groups.values()) {
    g.items.sort((a, b) => a.rec.time - b.rec.time || a.order - b.order);
    const described = g.items.map((x) => describeEvent(x.event));
    const techniques = [...new Set(described.flatMap((d) => d.techniques))].sort();
    sequences.push({
      id: g.id,
      source: g.source,
      scenario: g.scenario,
      title: g.title,
      category: g.stratusTactic ?? catalogCategory(described),
      techniques,
      origin: g.origin,
      records: g.items.map((x) => x.rec),
    });
    summary.bySource[g.source] = (summary.bySource[g.source] ?? 0) + 1;
  }
  summary.sequences = sequences.length;
  return { sequences, summary };
}

function groupKey(raw: Record<string, unknown>, name: string, file: string): Omit<Group, 'items'> | null {
  const scenario = raw._scenario;
  if (typeof scenario === 'string') {
    if (raw._label !== 'attack') return null;
    return {
      id: `panther:${scenario}`,
      source: 'panther',
      scenario: `panther:${scenario}`,
      title: `Panther test scenario ${scenario}`,
      origin: `${file} (_scenario ${scenario})`,
      stratusTactic: null,
    };
  }
  const rule = raw._source_rule;
  if (typeof rule === 'string') {
    if (raw._expected_result !== true) return null;
    const test = typeof raw._test_name === 'string' ? raw._test_name : '';
    return {
      id: `panther:${rule}#${test}`,
      source: 'panther',
      scenario: `panther:${rule}`,
      title: `Panther rule ${rule}: ${test}`,
      origin: `${file} (${rule}: ${test})`,
      stratusTactic: null,
    };
  }
  const stratus = STRATUS_ID.exec(name);
  return {
    id: stratus ? `stratus:${name}` : `file:${name}`,
    source: stratus ? 'stratus' : 'file',
    scenario: stratus ? `stratus:${name}` : `file:${name}`,
    title: stratus ? `Stratus Red Team ${name}` : name,
    origin: file,
    stratusTactic: stratus?.[1] ?? null,
  };
}

function catalogCategory(described: ReadonlyArray<ReturnType<typeof describeEvent>>): string {
  let best: ReturnType<typeof describeEvent> | undefined;
  for (const d of described) if (!best || d.risk > best.risk) best = d;
  if (!best) return 'other';
  for (const t of best.techniques) {
    const tactic = tacticOf(t);
    if (tactic) return tactic;
  }
  return best.riskClasses[0] ?? 'other';
}
