/**
 * Which alerts each output destination already received (table `output_sends`), so
 * `trailhound notify` run from cron sends every alert once per destination.
 */
import type { Store } from '../../store/index.ts';

export interface SentLog {
  sentIds(output: string): Promise<Set<string>>;
  record(output: string, alertId: string, at: number): Promise<void>;
}

export function storeSentLog(store: Store): SentLog {
  return {
    async sentIds(output) {
      const rows = await store.db.selectFrom('output_sends').select('alert_id').where('output', '=', output).execute();
      return new Set(rows.map((r) => r.alert_id));
    },
    async record(output, alertId, at) {
      await store.db
        .insertInto('output_sends')
        .values({ output, alert_id: alertId, sent_at: at })
        .onConflict((oc) => oc.columns(['output', 'alert_id']).doNothing())
        .execute();
    },
  };
}

/** A sent log in memory, for tests and dry runs. */
export function memorySentLog(): SentLog & { entries: Array<{ output: string; alertId: string }> } {
  const entries: Array<{ output: string; alertId: string }> = [];
  return {
    entries,
    sentIds: async (output) => new Set(entries.filter((e) => e.output === output).map((e) => e.alertId)),
    record: async (output, alertId) => {
      if (!entries.some((e) => e.output === output && e.alertId === alertId)) entries.push({ output, alertId });
    },
  };
}
