import { describe, expect, it } from 'vitest';
import type { AlertDraft } from '../detect/engine.ts';
import { ADMIN, ALICE, DEPLOY, twoHopChain } from '../ingest/chains.fixture.ts';
import { withTrace } from '../normalize/identity.ts';
import { normalizeRecord } from '../normalize/index.ts';
import { chainText, buildAlert as sut } from './build.ts';
import { renderAlert } from './render.ts';

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

describe('buildAlert credential hops', () => {
  it('tells each hop from the origin to the role in the reasons and the rendered story', () => {
    const record = twoHopChain().calls[1] as Record<string, unknown>;
    const n = normalizeRecord(record);
    if (!n.ok) throw new Error(n.reason);
    const event = n.event;
    event.actor = withTrace(event.actor, { chain: [ALICE, DEPLOY, ADMIN], person: ALICE, compute: null });
    const d = { ...draft([]), actorKey: event.actor.key, actorName: event.actor.name, session: event.session };
    const alert = sut(d, [event], null, {
      actor: `${DEPLOY}/${ALICE}`,
      name: 'deploy (alice)',
      eventId: 'hop-2',
      chain: [ALICE, DEPLOY, ADMIN],
    });
    expect(alert.chain).toEqual([ALICE, DEPLOY, ADMIN]);
    expect(alert.person).toBe(ALICE);
    expect(alert.reasons.map((r) => r.text)).toContain(
      'credentials obtained alice -> role/deploy -> role/admin (issued in hop-2)',
    );
    expect(alert.title).toMatch(/^admin \(alice\): /);
    expect(renderAlert(alert)).toContain('Credentials: alice -> role/deploy -> role/admin');
  });

  it('names the account of a hop into another account', () => {
    expect(
      chainText([
        'arn:aws:iam::111122223333:user/alice',
        'arn:aws:iam::111122223333:role/deploy',
        'arn:aws:iam::444455556666:role/admin',
      ]),
    ).toBe('alice -> role/deploy -> role/admin (account 444455556666)');
    expect(chainText(['ec2:i-0abc1234def567890', 'arn:aws:iam::111122223333:role/web'])).toBe(
      'ec2:i-0abc1234def567890 -> role/web',
    );
  });

  it('escapes hostile hop names in the terminal', () => {
    const alert = sut(draft([]), [], null, null);
    alert.chain = ['arn:aws:iam::111122223333:user/\u001b[31mevil\u202e', 'arn:aws:iam::111122223333:role/x'];
    const text = renderAlert(alert);
    expect(text).toContain('Credentials: ');
    expect(text).not.toContain('\u001b[31m');
    expect(text).not.toContain('\u202e');
  });
});

describe('buildAlert grown by many journeys', () => {
  const share = 'ec2:ModifySnapshotAttribute[dataSharedOut,externalAccount]';
  const story = (accounts: number) => ({
    kind: 'same-story',
    text: `one event for the organization: also vendor in account ${accounts} (${accounts} accounts so far)`,
    weight: 0,
  });
  const journeyReasons = (n: number) => [
    {
      kind: 'new-action-for-identity',
      text: `first time vendor did ${share} in ${n} journeys`,
      weight: 16.8,
      subject: share,
    },
    { kind: 'new-target', text: `aimed at account 734561298340 (${n})`, weight: 7, subject: 'account:734561298340' },
  ];

  it('keeps one reason per kind and subject, the newest of equals', () => {
    let alert = sut({ ...draft([]), reasons: journeyReasons(1) }, [], null);
    for (let n = 2; n <= 8; n++) alert = sut({ ...draft([]), reasons: journeyReasons(n) }, [], alert);
    expect(alert.reasons.map((r) => r.text)).toEqual([
      `first time vendor did ${share} in 8 journeys`,
      'aimed at account 734561298340 (8)',
    ]);
  });

  it('keeps reasons without a subject apart by their words, and different subjects apart', () => {
    const other = {
      kind: 'new-target',
      text: 'aimed at account 999900001111',
      weight: 7,
      subject: 'account:999900001111',
    };
    const network = (ip: string) => ({ kind: 'new-network', text: `new network ${ip}`, weight: 2.5 });
    const first = sut({ ...draft([]), reasons: [...journeyReasons(1), network('198.51.100.0/24')] }, [], null);
    const grown = sut({ ...draft([]), reasons: [other, network('203.0.113.0/24')] }, [], first);
    expect(grown.reasons).toHaveLength(5);
  });

  it('keeps the newest story reason, naming every account so far, past the cap of weighty reasons', () => {
    const many = Array.from({ length: 14 }, (_, i) => ({
      kind: 'new-action-for-identity',
      text: `first time vendor did action${i}`,
      weight: 5 + i,
      subject: `svc:Action${i}`,
    }));
    let alert = sut({ ...draft([]), reasons: [...many, story(1)] }, [], null);
    alert = sut({ ...draft([]), reasons: [story(6)] }, [], alert);
    expect(alert.reasons).toHaveLength(12);
    expect(alert.reasons.filter((r) => r.kind === 'same-story').map((r) => r.text)).toEqual([story(6).text]);
    expect(alert.reasons[0]?.weight).toBe(18);
  });
});
