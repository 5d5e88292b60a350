/**
 * Every repository over one store (or one transaction, from `store.transaction`), made when first
 * used. Use cases take these; none of them sees the query builder.
 */
import { AlertsRepository } from './alerts.ts';
import { CredentialsRepository } from './credentials.ts';
import { DetectionStateRepository } from './detection-state.ts';
import { EventsRepository } from './events-repository.ts';
import { StoreHealthRepository } from './health.ts';
import type { Store } from './index.ts';
import { JourneysRepository } from './journeys.ts';
import { OutputDeliveriesRepository } from './output-deliveries.ts';
import { RetentionRepository } from './retention.ts';
import { SuppressionsRepository } from './suppressions.ts';
import { WatchCheckpointsRepository } from './watch-checkpoints.ts';

export class Repositories {
  /** The store (or transaction) these repositories act on, for the store's own functions that take one. */
  readonly store: Store;
  #alerts?: AlertsRepository;
  #detection?: DetectionStateRepository;
  #events?: EventsRepository;
  #health?: StoreHealthRepository;
  #journeys?: JourneysRepository;
  #deliveries?: OutputDeliveriesRepository;
  #retention?: RetentionRepository;
  #suppressions?: SuppressionsRepository;
  #watchCheckpoints?: WatchCheckpointsRepository;

  constructor(store: Store) {
    this.store = store;
  }

  get alerts(): AlertsRepository {
    this.#alerts ??= new AlertsRepository(this.store);
    return this.#alerts;
  }
  /** A fresh one each time: it caches what it looked up, for one ingest batch or one alert build. */
  get credentials(): CredentialsRepository {
    return new CredentialsRepository(this.store);
  }
  get detection(): DetectionStateRepository {
    this.#detection ??= new DetectionStateRepository(this.store);
    return this.#detection;
  }
  get events(): EventsRepository {
    this.#events ??= new EventsRepository(this.store);
    return this.#events;
  }
  get health(): StoreHealthRepository {
    this.#health ??= new StoreHealthRepository(this.store);
    return this.#health;
  }
  get journeys(): JourneysRepository {
    this.#journeys ??= new JourneysRepository(this.store);
    return this.#journeys;
  }
  get deliveries(): OutputDeliveriesRepository {
    this.#deliveries ??= new OutputDeliveriesRepository(this.store);
    return this.#deliveries;
  }
  get retention(): RetentionRepository {
    this.#retention ??= new RetentionRepository(this.store);
    return this.#retention;
  }
  get suppressions(): SuppressionsRepository {
    this.#suppressions ??= new SuppressionsRepository(this.store);
    return this.#suppressions;
  }
  get watchCheckpoints(): WatchCheckpointsRepository {
    this.#watchCheckpoints ??= new WatchCheckpointsRepository(this.store);
    return this.#watchCheckpoints;
  }
}
