/**
 * `computeOffHost`: a compute role's session (EC2 instance profile, ECS task, Lambda function)
 * calling from outside AWS or with a workstation's client. Those credentials live on the
 * compute and AWS calls from there come from Amazon's address space with an SDK; the same
 * session key seen from a residential or hosting network, or from a desktop CLI or a browser,
 * means the credentials were taken off the host (metadata-service theft, a leaked task role,
 * a dumped Lambda environment). GuardDuty's InstanceCredentialExfiltration findings key on the
 * same observation. The fact is only produced here; the detector decides what it weighs.
 */
import { asnOf } from '../normalize/asn.ts';
import type { Event } from '../normalize/event.ts';
import type { Ctx } from './context.ts';
import type { Fact } from './types.ts';

/**
 * Amazon's autonomous systems, as named in the bundled table (`@ip-location-db/asn`):
 * Amazon.com (16509, 14618, 7224, 21664, 36263), Amazon Data Services (8987 Ireland, 9059,
 * 214101 European Sovereign Cloud), Amazon Technologies (801, 400098, 401395), Amazon.com
 * Services (62785), Amazon.com Tech Telecom (38895), and AWS China's operator (135630).
 * EC2, Lambda and ECS public addresses are announced from 16509 and 14618.
 */
export const AWS_ASNS: ReadonlySet<number> = new Set([
  16509, 14618, 7224, 21664, 36263, 8987, 9059, 214101, 801, 400098, 401395, 62785, 38895, 135630,
]);

// Desktop operating systems as CLIs and SDKs write them: `Darwin/23.4.0` (CLI v2, botocore),
// `os/macos`, `os/windows` (SDKs' ua/2.x), `Windows/10`, `md/OS#windows`.
const DESKTOP_OS = /\bDarwin\/|\bos\/(?:macos|windows)\b|\bWindows\/|\bWin(?:32|64)\b|md\/OS#(?:macos|windows)/i;

/** A client people run at a desk: a browser, the console, or a CLI/SDK on macOS or Windows. */
export function isWorkstationClient(e: Event): boolean {
  if (e.client.class === 'browser' || e.client.class === 'console') return true;
  return e.userAgent !== null && DESKTOP_OS.test(e.userAgent);
}

/** The event is a compute role's session calling from a non-AWS network or a workstation client. */
export function isComputeOffHost(e: Event): boolean {
  if (!e.actor.compute) return false;
  const as = asnOf(e.sourceIp);
  if (as !== null && !AWS_ASNS.has(as.asn)) return true;
  return isWorkstationClient(e);
}

export function computeFacts(c: Ctx, out: Set<Fact>): void {
  if (isComputeOffHost(c.e)) out.add('computeOffHost');
}
