/**
 * The evaluation contract: a detector runs over a store holding a simulated organization
 * and returns alerts as (actor, time span, eventIDs); the scorer matches them to labels.
 */
import type { EventRow } from '../domain/event.ts';
import type { Store } from '../store/index.ts';

export interface EvalMeta {
  /** Epoch ms of the first simulated day. */
  start: number;
  /** Epoch ms where the learning period ends (attacks only after). */
  learningEnd: number;
  /** Epoch ms of the end of the data. */
  end: number;
  learningDays: number;
}

export interface DetectedAlert {
  actor: string;
  /** Epoch ms. */
  start: number;
  end: number;
  eventIds: string[];
}

export interface Detector {
  name: string;
  run(store: Store, meta: EvalMeta): Promise<DetectedAlert[]>;
  /**
   * Single-pass detectors may also offer a streaming form: the harness then reads the store
   * once and feeds every row to all of them (one scan instead of one per baseline).
   */
  scanner?(meta: EvalMeta): RowScanner;
}

export interface RowScanner {
  push(row: EventRow): void;
  finish(): DetectedAlert[];
}

/** What the scorer needs of labels.json. */
export interface LabelForScore {
  attackId: string;
  scenario: string;
  category: string;
  mode: string;
  routine: boolean;
  actor: string;
  start: string;
  end: string;
  eventIds: string[];
  /** Injected attacks only: where the records came from (`stratus`, `panther`, `file`). */
  source?: string;
  /** The company organization's attack style (`session-riding`, `low-and-slow`, ...). */
  style?: string;
}

export interface BenignForScore {
  kind: string;
  eventIds: string[];
  /**
   * `notice`: a benign event the detector should raise one alert about, because from the trail it
   * is a new outside party trusted with access (a vendor onboarded, a partner's account granted
   * a bucket) that someone must acknowledge once. Its first alert is counted as a notice, apart
   * from false alerts; any further alert on it is false.
   */
  expect?: 'notice';
}

/** When each actor of one benign event acted in it (epoch ms), as the store resolved its events. */
export type BenignSpans = ReadonlyMap<string, { start: number; end: number }>;
