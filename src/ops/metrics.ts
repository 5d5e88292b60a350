/**
 * Prometheus metrics (prom-client) for `watch` and `serve`, on their own registry so tests
 * and several watchers in one process do not share counters.
 */
import { Counter, Gauge, Registry } from 'prom-client';

export class TrailhoundMetrics {
  readonly registry = new Registry();
  readonly eventsIngested = new Counter({
    name: 'trailhound_events_ingested_total',
    help: 'CloudTrail events stored (new eventIDs)',
    registers: [this.registry],
  });
  readonly filesRead = new Counter({
    name: 'trailhound_files_read_total',
    help: 'CloudTrail files read',
    registers: [this.registry],
  });
  readonly quarantined = new Counter({
    name: 'trailhound_quarantined_total',
    help: 'Records or files quarantined with a reason',
    registers: [this.registry],
  });
  readonly journeysScored = new Counter({
    name: 'trailhound_journeys_scored_total',
    help: 'Journeys scored by detect',
    registers: [this.registry],
  });
  readonly alerts = new Counter({
    name: 'trailhound_alerts_total',
    help: 'Alerts raised by detect',
    registers: [this.registry],
  });
  readonly alertsSent = new Counter({
    name: 'trailhound_alerts_sent_total',
    help: 'Alerts delivered, by output',
    labelNames: ['output'],
    registers: [this.registry],
  });
  readonly outputFailures = new Counter({
    name: 'trailhound_output_failures_total',
    help: 'Failed delivery attempts, by output',
    labelNames: ['output'],
    registers: [this.registry],
  });
  readonly cycles = new Counter({
    name: 'trailhound_watch_cycles_total',
    help: 'Watch cycles, by result',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly lag = new Gauge({
    name: 'trailhound_lag_seconds',
    help: 'Wall clock minus the time of the newest delivered file (its S3 LastModified or file mtime)',
    registers: [this.registry],
  });
  readonly lastCycle = new Gauge({
    name: 'trailhound_last_cycle_timestamp_seconds',
    help: 'When the last successful watch cycle ended',
    registers: [this.registry],
  });
}
