/** Trailhound's own JSON: the `Alert` as `trailhound alerts --format json` prints it. */
import type { AlertFormat } from '../types.ts';

export const trailhoundFormat: AlertFormat = {
  name: 'trailhound',
  description: "Trailhound's alert JSON (the `alerts --format json` contract)",
  kind: 'json',
  render: (alert) => alert,
};
