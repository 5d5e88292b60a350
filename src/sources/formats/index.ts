/**
 * The registry of record shapes: CloudTrail as log pipelines, SIEMs and query engines hand it
 * over. `objectItem` (parse.ts) tries them in this order on every object that is not a bare
 * CloudTrail record; a new shape is one file here and one line below. The order matters only
 * where shapes overlap: an ECS document also has `message` and `@timestamp`, so ECS comes
 * before the generic Logstash shape.
 */
import { ecs } from './ecs.ts';
import { lake } from './lake.ts';
import { logstash } from './logstash.ts';
import { ocsf } from './ocsf.ts';
import { splunk } from './splunk.ts';
import type { RecordShape } from './types.ts';

export { rowOfColumns } from './lake.ts';
export { fillEventTime } from './logstash.ts';
export type { RecordShape, Unwrapped } from './types.ts';

export const RECORD_SHAPES: readonly RecordShape[] = [splunk, ocsf, ecs, lake, logstash];
