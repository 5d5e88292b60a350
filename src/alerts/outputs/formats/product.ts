/** Who produced a finding, for the formats that name the product (OCSF, ASFF). */
import { readFileSync } from 'node:fs';

export const PRODUCT_NAME = 'Trailhound';
export const PRODUCT_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The AWS account in an ARN (`arn:aws:iam::111122223333:user/x`), or null. */
export function accountOfArn(arn: string): string | null {
  return /^arn:aws[\w-]*:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? null;
}

/** `T1136.003` → technique `T1136`, sub-technique `T1136.003`. */
export function splitTechnique(id: string): { technique: string; sub: string | null } {
  const dot = id.indexOf('.');
  return dot < 0 ? { technique: id, sub: null } : { technique: id.slice(0, dot), sub: id };
}

/** The dashboard page of an alert, when a dashboard URL is configured. */
export function alertUrl(dashboardUrl: string | undefined, id: string): string | undefined {
  if (dashboardUrl === undefined) return undefined;
  const base = dashboardUrl.endsWith('/') ? dashboardUrl : `${dashboardUrl}/`;
  return new URL(`alerts/${encodeURIComponent(id)}`, base).toString();
}
