import { describe, expect, it } from 'vitest';
import type { AlertDraft } from '../detect/engine.ts';
import { buildAlert as sut } from './build.ts';

const T = Date.UTC(2026, 2, 3, 14, 0);

function draft(networks: string[]): AlertDraft {
  return {
    id: 'a-0000000000000001',
    actorKey: 'arn:aws:iam::111122223333:user/alice',
    actorName: 'alice',
    actorType: 'iam-user',
    roleArn: null,
    session: null,
    peerGroup: null,
    peerGroupName: null,
    peerSize: 0,
    start: T,
    end: T + 60_000,
    score: 60,
    critical: false,
    maxRisk: 0.5,
    threshold: 6,
    journeys: [{ id: 'j1', start: T, end: T + 60_000, eventIds: [], raw: 20, excess: 12 }],
    reasons: [],
    evidence: [],
    typicalJourney: null,
    history: 30,
    stats: { events: 3, failures: 0, regions: ['us-east-1'], networks, clients: ['aws-cli'] },
    signals: [],
    learningPeriod: false,
  };
}

describe('buildAlert summary', () => {
  it('names the autonomous system of each source address that has one', () => {
    const alert = sut(draft(['167.99.3.4', '10.0.0.5', 'ec2.amazonaws.com']), [], null);
    expect(alert.summary).toContain(
      'from 167.99.3.4 (AS14061 DigitalOcean, LLC), 10.0.0.5, ec2.amazonaws.com using aws-cli in us-east-1.',
    );
  });

  it('marks a learning-period alert in its title and summary, named after its signal', () => {
    const d = {
      ...draft(['203.0.113.9']),
      learningPeriod: true,
      signals: [
        {
          id: 'cloudtrail-disabled',
          title: 'CloudTrail logging switched off',
          severity: 'critical' as const,
          evidence: 'cloudtrail:StopLogging',
          eventIds: ['e1'],
        },
      ],
    };
    const alert = sut(d, [], null);
    expect(alert.title).toBe('Learning period: alice: CloudTrail logging switched off');
    expect(alert.summary.startsWith('Raised during the learning period')).toBe(true);
    expect(alert.learningPeriod).toBe(true);
    expect(alert.signals).toEqual(['cloudtrail-disabled']);
    const after = sut({ ...d, learningPeriod: false }, [], null);
    expect(after.title).toBe('alice: CloudTrail logging switched off');
  });
});
