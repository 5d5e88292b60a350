import { describe, expect, it } from 'vitest';
import type { EventRow } from '../domain/event.ts';
import { buildJourneys, type Journey } from '../journeys/builder.ts';
import { DAY, HOUR, MIN, row, seq, T0 } from '../journeys/rows.fixture.ts';
import { alertId, DetectionEngine } from './engine.ts';

const work = ['sts:GetCallerIdentity', 'ec2:DescribeInstances', 'logs:FilterLogEvents'];
const other = ['s3:ListBuckets', 's3:GetObject'];
const escalate = ['iam:CreateUser', 'iam:AttachUserPolicy', 'iam:CreateAccessKey'];

/** Four developers, 28 days of routine; `extra` rows injected. */
function org(extra: EventRow[] = []): Journey[] {
  const rows: EventRow[] = [];
  for (let d = 0; d < 28; d++) {
    for (const name of ['dev1', 'dev2', 'dev3', 'dev4']) {
      rows.push(...seq(work, T0 + d * DAY + 2 * HOUR, { actorName: name, actorKey: `user/${name}` }));
      rows.push(...seq(d % 2 ? other : work, T0 + d * DAY + 6 * HOUR, { actorName: name, actorKey: `user/${name}` }));
    }
  }
  rows.push(...extra);
  rows.sort((a, b) => a.time - b.time || (a.eventId < b.eventId ? -1 : 1));
  return buildJourneys(rows);
}

function run(journeys: Journey[], options = {}) {
  const sut = new DetectionEngine({ learningDays: 14, ...options });
  const alerts = [];
  for (const j of journeys) {
    const { alert, merged } = sut.process(j);
    if (alert) alerts.push({ alert, merged });
  }
  return { sut, alerts };
}

describe('DetectionEngine', () => {
  it('raises nothing on routine, and nothing at all during the learning period', () => {
    const early = seq(escalate, T0 + 5 * DAY + 9 * HOUR, {
      actorName: 'dev2',
      actorKey: 'user/dev2',
      risk: 0.9,
      facts: ['adminPolicy'],
    });
    const { alerts } = run(org(early));
    expect(alerts).toHaveLength(0);
  });

  it('always alerts a critical-risk anomaly after learning', () => {
    const attack = seq(escalate, T0 + 20 * DAY + 9 * HOUR, {
      actorName: 'dev2',
      actorKey: 'user/dev2',
      risk: 0.9,
      facts: ['adminPolicy'],
    });
    const { alerts } = run(org(attack));
    expect(alerts.map((a) => a.alert.actorName)).toEqual(['dev2']);
    expect(alerts[0]?.alert.critical).toBe(true);
    expect(alerts[0]?.alert.journeys[0]?.eventIds).toEqual(attack.map((r) => r.eventId));
  });

  it('alerts an unusual order of a risky routine action that only the identity’s own first, learned-early try outscored', () => {
    const ops = (name: string) => ({ actorName: name, actorKey: `user/${name}` });
    const risky = (rows: EventRow[], at: number[]) =>
      rows.map((r, i) => (at.includes(i) ? { ...r, risk: 0.6, facts: ['forOtherUser'] } : r));
    const rotation = [
      'iam:ListAccessKeys',
      'iam:GetAccessKeyLastUsed',
      'iam:CreateAccessKey',
      'secretsmanager:PutSecretValue',
      'iam:UpdateAccessKey',
    ];
    const rows: EventRow[] = [];
    for (let d = 0; d < 28; d++)
      for (const name of ['ops1', 'ops2'])
        rows.push(
          ...seq(work, T0 + d * DAY + 2 * HOUR, ops(name)),
          ...seq(d % 2 ? other : work, T0 + d * DAY + 6 * HOUR, ops(name)),
        );
    // Key rotations: ops1's first one (day 3) is its highest-scoring journey ever.
    for (const [d, name] of [
      [3, 'ops1'],
      [9, 'ops2'],
      [16, 'ops1'],
    ] as const)
      rows.push(...risky(seq(rotation, T0 + d * DAY + 4 * HOUR, ops(name)), [2]));
    // Every step known to ops1, in an order it never used: two keys minted, no rotation around them.
    const attack = risky(
      seq(['iam:CreateAccessKey', 'iam:ListAccessKeys', 'iam:CreateAccessKey'], T0 + 22 * DAY + 4 * HOUR, ops('ops1')),
      [0, 2],
    );
    const journeys = org([...rows, ...attack]);
    const { alerts } = run(journeys);
    expect(alerts.map((a) => a.alert.journeys[0]?.eventIds)).toEqual([attack.map((r) => r.eventId)]);
  });

  it('merges an identity’s anomalous journeys within 24 hours into one alert', () => {
    const first = seq(escalate, T0 + 20 * DAY + 9 * HOUR, {
      actorName: 'dev2',
      actorKey: 'user/dev2',
      risk: 0.9,
      facts: ['adminPolicy'],
    });
    const second = seq(['kms:ScheduleKeyDeletion', 'cloudtrail:StopLogging'], T0 + 20 * DAY + 15 * HOUR, {
      actorName: 'dev2',
      actorKey: 'user/dev2',
      risk: 0.95,
    });
    const later = seq(['kms:ScheduleKeyDeletion', 'cloudtrail:DeleteTrail'], T0 + 23 * DAY + 9 * HOUR, {
      actorName: 'dev2',
      actorKey: 'user/dev2',
      risk: 0.95,
    });
    const { alerts } = run(org([...first, ...second, ...later]));
    expect(alerts.map((a) => a.merged)).toEqual([false, true, false]);
    expect(alerts[1]?.alert.id).toBe(alerts[0]?.alert.id);
    expect(alerts[2]?.alert.id).not.toBe(alerts[0]?.alert.id);
  });

  it('derives the ordinary threshold from the budget: a bigger budget never lowers it below the floor, a smaller one raises it', () => {
    const journeys = org();
    const strict = run(journeys, { alertsPerWeek: 0.5 }).sut;
    const loose = run(journeys, { alertsPerWeek: 50 }).sut;
    const end = (journeys[journeys.length - 1] as Journey).end;
    expect(strict.threshold(end)).toBeGreaterThanOrEqual(loose.threshold(end));
    expect(loose.threshold(end)).toBeGreaterThanOrEqual(6);
  });

  it('keeps the weekly cap for mild anomalies, but not for one several times past the threshold', () => {
    const dev = (name: string) => ({ actorName: name, actorKey: `user/${name}` });
    // Each a read nobody here ever made: mild anomalies, over the threshold but not far.
    const mild = [
      ...seq(['sqs:ListQueues'], T0 + 22 * DAY + 9 * HOUR, dev('dev1')),
      ...seq(['sns:ListTopics'], T0 + 22 * DAY + 13 * HOUR, dev('dev2')),
    ];
    // Many writes nobody here ever made, risky but short of critical.
    const strong = seq(escalate, T0 + 23 * DAY + 9 * HOUR, { ...dev('dev3'), risk: 0.6 });
    const { alerts } = run(org([...mild, ...strong]), { alertsPerWeek: 0.5 });
    // A budget of half an alert a week caps ordinary alerts at one a week.
    expect(alerts.map((a) => [a.alert.actorName, a.alert.critical])).toEqual([
      ['dev1', false],
      ['dev3', false],
    ]);
    const strongAlert = alerts[1]?.alert;
    expect(strongAlert?.journeys[0]?.excess).toBeGreaterThanOrEqual(3 * (strongAlert?.threshold as number));
  });

  it('is deterministic', () => {
    const attack = seq(escalate, T0 + 20 * DAY + 9 * HOUR, { actorName: 'dev2', actorKey: 'user/dev2', risk: 0.9 });
    const journeys = org(attack);
    const a = run(journeys).sut.toJSON();
    const b = run(journeys).sut.toJSON();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('honours a scoped suppression until it expires', () => {
    const attack = (day: number) =>
      seq(escalate, T0 + day * DAY + 9 * HOUR, { actorName: 'dev2', actorKey: 'user/dev2', risk: 0.6 });
    const journeys = org([...attack(20), ...attack(26)]);
    const sut = new DetectionEngine({ learningDays: 14 });
    sut.suppressions = [{ id: 1, actorKey: 'user/dev2', tokens: escalate, owner: 'secops', expires: T0 + 22 * DAY }];
    const decisions = journeys
      .map((j) => sut.process(j).record)
      .filter(
        (r) =>
          r.actorKey === 'user/dev2' &&
          r.start >= T0 + 20 * DAY + 9 * HOUR &&
          r.eventIds.length === 3 &&
          r.start % DAY === (T0 + 9 * HOUR) % DAY,
      );
    expect(decisions.map((r) => r.decision)).toEqual(['suppressed', 'alert']);
  });

  describe('a critical path is not learned away by one earlier occurrence elsewhere', () => {
    // The measured case: StopLogging, AdministratorAccess attached, a security group opened to
    // the world, a KMS key scheduled for deletion, by a new identity; then by another new
    // identity a day later. Before, the second scored a third of the first and stayed silent.
    const steps: Array<[string, number, string[]]> = [
      ['sts:GetCallerIdentity', 0.01, []],
      ['cloudtrail:DescribeTrails', 0.01, []],
      ['cloudtrail:StopLogging', 0.93, ['loggingStopped']],
      ['iam:ListUsers', 0.01, []],
      ['iam:AttachUserPolicy', 0.92, ['adminPolicy']],
      ['ec2:DescribeSecurityGroups', 0.01, []],
      ['ec2:AuthorizeSecurityGroupIngress', 0.9, ['openToWorldAdminPort']],
      ['kms:ListKeys', 0.01, []],
      ['kms:ScheduleKeyDeletion', 0.9, ['keyDeletion']],
    ];
    const attack = (name: string, day: number) =>
      steps.map(([action, risk, facts], i) =>
        row(action, T0 + day * DAY + 10 * HOUR + i * MIN, {
          actorName: name,
          actorKey: `user/${name}`,
          risk,
          facts,
          sourceIp: '203.0.113.50',
        }),
      );
    const scored = (journeys: Journey[], name: string) => {
      const sut = new DetectionEngine({ learningDays: 14 });
      const out = journeys.map((j) => sut.process(j));
      return out.filter((o) => o.record.actorKey === `user/${name}`);
    };

    it('scores and alerts the second new identity as it did the first', () => {
      const alone = scored(org(attack('intruder2', 21)), 'intruder2');
      const after = scored(org([...attack('intruder1', 20), ...attack('intruder2', 21)]), 'intruder2');
      expect(alone).toHaveLength(1);
      expect(after).toHaveLength(1);
      expect(alone[0]?.alert?.critical).toBe(true);
      expect(after[0]?.alert?.critical).toBe(true);
      expect(after[0]?.record.raw).toBeCloseTo(alone[0]?.record.raw as number, 5);
      expect(after[0]?.alert?.score).toBe(alone[0]?.alert?.score);
    });

    it('still does after the first alerts were released into their identities’ baselines (a week on)', () => {
      const alone = scored(org(attack('intruder3', 27)), 'intruder3');
      const after = scored(
        org([...attack('intruder1', 15), ...attack('intruder2', 16), ...attack('intruder3', 27)]),
        'intruder3',
      );
      expect(after[0]?.alert?.critical).toBe(true);
      expect(after[0]?.record.raw).toBeCloseTo(alone[0]?.record.raw as number, 5);
    });

    it('learns the alerted journey for the organization once an analyst marks it benign', () => {
      const journeys = org([...attack('intruder1', 20), ...attack('intruder2', 21)]);
      const sut = new DetectionEngine({ learningDays: 14 });
      const raws: number[] = [];
      for (const j of journeys) {
        const { record, alert } = sut.process(j);
        if (record.actorKey === 'user/intruder1' && alert) sut.markBenign(alert.id, [j]);
        if (record.actorKey === 'user/intruder2') raws.push(record.raw);
      }
      const alone = scored(org(attack('intruder2', 21)), 'intruder2');
      expect(raws[0]).toBeLessThan(alone[0]?.record.raw as number);
    });
  });

  describe('baseline-free signals', () => {
    const stop = (name: string, at: number) =>
      seq(['cloudtrail:DescribeTrails', 'cloudtrail:StopLogging'], at, {
        actorName: name,
        actorKey: `user/${name}`,
        risk: 0.93,
        facts: ['loggingStopped'],
      });

    it('alerts on a store that holds a single day, marked learning period', () => {
      const rows = [
        ...seq(work, T0 + HOUR, { actorName: 'dev1', actorKey: 'user/dev1' }),
        ...stop('ops', T0 + 3 * HOUR),
      ];
      const { alerts } = run(buildJourneys(rows));
      expect(alerts).toHaveLength(1);
      const a = alerts[0]?.alert;
      expect(a?.learningPeriod).toBe(true);
      expect(a?.actorName).toBe('ops');
      expect(a?.signals.map((h) => h.id)).toEqual(['cloudtrail-disabled']);
      expect(a?.reasons[0]?.kind).toBe('signal:cloudtrail-disabled');
      expect(a?.reasons[0]?.text).toContain('cloudtrail:StopLogging');
      expect(a?.score).toBeGreaterThanOrEqual(85);
    });

    it('caps learning-period alerts at N a day, outside the weekly budget', () => {
      const rows = Array.from({ length: 8 }, (_, i) => stop(`ops${i}`, T0 + i * 40 * MIN)).flat();
      const { alerts } = run(buildJourneys(rows), { learningAlertsPerDay: 5, alertsPerWeek: 0.1 });
      expect(alerts).toHaveLength(5);
      expect(alerts.every((a) => a.alert.learningPeriod)).toBe(true);
    });

    it('joins the critical path after learning, and does not fire again once the identity’s baseline holds it', () => {
      // dev3 stops logging on day 2 (a learning-period alert, released into dev3's own baseline
      // on day 9), and again on day 20: no longer a signal for dev3. dev4's first time on day 21 is.
      const rows = [...stop('dev3', T0 + 2 * DAY + 4 * HOUR), ...stop('dev3', T0 + 20 * DAY + 4 * HOUR)];
      const first = stop('dev4', T0 + 21 * DAY + 4 * HOUR);
      const { alerts } = run(org([...rows, ...first]));
      const bySignal = alerts.filter((a) => a.alert.signals.length > 0);
      expect(bySignal.map((a) => [a.alert.actorName, a.alert.learningPeriod])).toEqual([
        ['dev3', true],
        ['dev4', false],
      ]);
    });

    it('a share outside the organization: news for a role once, not for its next sessions once released', () => {
      // A vendor's scanner starts every scan as a new session (a new identity) of one role and
      // shares a snapshot with the vendor's account; a developer's first such share is news.
      const share = (over: Partial<EventRow>, at: number, to = '999900002222') => [
        ...seq(['ec2:DescribeSnapshots', 'ec2:CreateSnapshot'], at, over),
        row('ec2:ModifySnapshotAttribute', at + 3 * MIN, {
          ...over,
          facts: ['dataSharedOut', 'externalAccount'],
          targets: ['snapshot:snap-1', `account:${to}`],
          risk: 0.9,
        }),
      ];
      const scan = (n: number, day: number) =>
        share(
          {
            actorName: `Scanner (scan-${n})`,
            actorKey: `arn:aws:sts::111122223333:assumed-role/Scanner/scan-${n}`,
            actorType: 'assumed-role',
            roleArn: 'arn:aws:iam::111122223333:role/Scanner',
          },
          T0 + day * DAY + 3 * HOUR,
        );
      // dev4 shares with another account: a story of its own, not the scanner's.
      const rows = [
        ...scan(1, 2),
        ...scan(2, 20),
        ...share({ actorName: 'dev4', actorKey: 'user/dev4' }, T0 + 21 * DAY, '999900003333'),
      ];
      const signalled = run(org(rows)).alerts.filter((a) =>
        a.alert.signals.some((h) => h.id === 'shared-outside-organization'),
      );
      expect(signalled.map((a) => [a.alert.actorName, a.alert.learningPeriod])).toEqual([
        ['Scanner (scan-1)', true],
        ['dev4', false],
      ]);
    });

    it('fires when one temporary credential calls from two autonomous systems, AWS’s own aside', () => {
      const role = { actorName: 'deploy', actorKey: 'role/deploy', actorType: 'assumed-role', session: 'ASIAEXAMPLE1' };
      const rows = [
        ...seq(work, T0 + HOUR, { ...role, sourceIp: '18.236.253.47' }), // AWS
        ...seq(other, T0 + HOUR + 5 * MIN, { ...role, sourceIp: '8.8.8.8' }), // Google
        ...seq(other, T0 + HOUR + 9 * MIN, { ...role, sourceIp: 'AWS Internal' }),
      ];
      expect(run(buildJourneys(rows)).alerts).toHaveLength(0);
      const stolen = seq(other, T0 + 2 * HOUR, { ...role, sourceIp: '167.99.3.4' }); // DigitalOcean
      const { alerts } = run(buildJourneys([...rows, ...stolen].sort((a, b) => a.time - b.time)));
      expect(alerts.map((a) => a.alert.signals.map((h) => h.id))).toEqual([['session-two-networks']]);
      expect(alerts[0]?.alert.signals[0]?.evidence).toContain('AS14061');
      expect(alerts[0]?.alert.signals[0]?.evidence).toContain('AS15169');
    });

    it('keeps the session memory across a save and load of the engine state', () => {
      const role = { actorName: 'deploy', actorKey: 'role/deploy', actorType: 'assumed-role', session: 'ASIAEXAMPLE2' };
      const a = buildJourneys(seq(work, T0 + HOUR, { ...role, sourceIp: '8.8.8.8' }));
      const b = buildJourneys(seq(work, T0 + 2 * HOUR, { ...role, sourceIp: '167.99.3.4' }));
      const first = new DetectionEngine({ learningDays: 14 });
      for (const j of a) first.process(j);
      const resumed = DetectionEngine.fromJSON(JSON.parse(JSON.stringify(first.toJSON())), { learningDays: 14 });
      const alerts = b.map((j) => resumed.process(j).alert).filter((x) => x !== null);
      expect(alerts.map((x) => x?.signals[0]?.id)).toEqual(['session-two-networks']);
    });
  });
});

describe('organization stories (one event for the organization, one alert)', () => {
  const rollout = ['iam:CreateRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy'];
  const accounts = ['444455556666', '777788889999', '121212121212'] as const;
  const VENDOR = '999900001111';
  /** The StackSet execution role of each account creates a role trusting the vendor, a minute apart. */
  function stackset(at: number): EventRow[] {
    return accounts.flatMap((acct, i) =>
      seq(rollout, at + i * MIN, {
        accountId: acct,
        actorKey: `arn:aws:iam::${acct}:role/stacksets-exec-${i}`,
        actorName: `stacksets-exec-${i}`,
        actorType: 'assumed-role',
        clientClass: 'cloudformation',
        sourceIp: 'cloudformation.amazonaws.com',
        risk: 0.9,
        targets: [`account:${VENDOR}`],
      }),
    );
  }

  it('raises one alert for the same change in every account, naming each account, with a stable id', () => {
    const journeys = org(stackset(T0 + 20 * DAY + 3 * HOUR));
    const first = run(journeys).alerts;
    const ids = new Set(first.map((a) => a.alert.id));
    expect(ids.size).toBe(1);
    expect(first.filter((a) => !a.merged)).toHaveLength(1);
    const merged = first.filter((a) => a.merged);
    expect(merged.map((a) => a.alert.actorName)).toEqual(['stacksets-exec-0', 'stacksets-exec-0']);
    const told = merged.flatMap((a) => a.alert.reasons.filter((r) => r.kind === 'same-story').map((r) => r.text));
    expect(told.join(' ')).toContain('777788889999');
    expect(told.join(' ')).toContain('121212121212');
    const again = run(journeys).alerts;
    expect(again.map((a) => a.alert.id)).toEqual(first.map((a) => a.alert.id));
  });

  it('keeps a share with an account no open story knows apart, even minutes after a rollout', () => {
    const at = T0 + 20 * DAY + 3 * HOUR;
    const share = seq(['ec2:ModifySnapshotAttribute'], at + 10 * MIN, {
      accountId: accounts[0],
      actorKey: `arn:aws:iam::${accounts[0]}:role/stacksets-exec-9`,
      actorName: 'stacksets-exec-9',
      actorType: 'assumed-role',
      risk: 0.9,
      targets: ['account:222233334444'],
    });
    const { alerts } = run(org([...stackset(at), ...share]));
    expect(new Set(alerts.map((a) => a.alert.id)).size).toBe(2);
    const own = alerts.find((a) => a.alert.actorName === 'stacksets-exec-9');
    expect(own?.merged).toBe(false);
  });

  it('takes the trusted party’s later calls into its story for a week, and keeps the story across a save and load', () => {
    const at = T0 + 20 * DAY + 3 * HOUR;
    const journeys = org([
      ...stackset(at),
      ...seq(['ec2:CreateSnapshot', 'ec2:ModifySnapshotAttribute'], at + 2 * DAY, {
        accountId: accounts[1],
        actorKey: `arn:aws:iam::${accounts[1]}:role/VendorAudit`,
        actorName: 'VendorAudit',
        actorType: 'assumed-role',
        risk: 0.9,
        targets: [`account:${VENDOR}`],
      }),
    ]);
    const split = journeys.findIndex((j) => j.actorName === 'VendorAudit');
    const sut = new DetectionEngine({ learningDays: 14 });
    const alerts = [];
    for (const j of journeys.slice(0, split)) {
      const { alert } = sut.process(j);
      if (alert) alerts.push(alert);
    }
    const resumed = DetectionEngine.fromJSON(JSON.parse(JSON.stringify(sut.toJSON())), { learningDays: 14 });
    const later = resumed.process(journeys[split] as Journey);
    expect(later.merged).toBe(true);
    expect(later.alert?.id).toBe(alerts[0]?.id);
  });
});

describe('a new trusted party is one event', () => {
  const accounts = ['444455556666', '777788889999'] as const;
  const VENDOR = '999900001111';
  const creates = (at: number) =>
    accounts.flatMap((acct, i) =>
      seq(['iam:CreateRole', 'iam:AttachRolePolicy'], at + i * MIN, {
        accountId: acct,
        actorKey: `arn:aws:iam::${acct}:role/stacksets-exec-${i}`,
        actorName: `stacksets-exec-${i}`,
        actorType: 'assumed-role',
        clientClass: 'cloudformation',
        risk: 0.9,
        targets: [`account:${VENDOR}`],
      }),
    );
  /** The vendor's first reads under the role just made in `acct`: new to everyone, no person behind them. */
  const firstReads = (acct: string, at: number, over: Partial<EventRow> = {}) =>
    seq(
      ['iam:GetAccountAuthorizationDetails', 'eks:ListClusters', 'guardduty:ListDetectors', 'ecr:DescribeRepositories'],
      at,
      {
        accountId: acct,
        actorKey: `arn:aws:iam::${acct}:role/VendorAudit`,
        actorName: 'VendorAudit',
        actorType: 'assumed-role',
        roleArn: `arn:aws:iam::${acct}:role/VendorAudit`,
        sourceIp: '18.204.33.7',
        clientName: 'vendor-scanner',
        risk: 0.5,
        ...over,
      },
    );

  it('takes the first journey of the role it was made trusted under into the rollout’s alert', () => {
    const at = T0 + 20 * DAY + 3 * HOUR;
    const { alerts } = run(org([...creates(at), ...firstReads(accounts[1], at + 8 * HOUR)]));
    const vendor = alerts.filter(
      (a) => a.alert.actorName === 'VendorAudit' || a.alert.reasons.some((r) => r.text.includes('VendorAudit')),
    );
    expect(vendor.length).toBeGreaterThan(0);
    expect(vendor.every((a) => a.merged)).toBe(true);
    expect(new Set(alerts.map((a) => a.alert.id)).size).toBe(1);
  });

  it('does not take a person’s first journey in that account into it', () => {
    const at = T0 + 20 * DAY + 3 * HOUR;
    const person = firstReads(accounts[1], at + 8 * HOUR, {
      actorKey: `arn:aws:iam::${accounts[1]}:role/AWSReservedSSO_Audit_0123/eve@example.com`,
      actorName: 'Audit (eve@example.com)',
      roleArn: `arn:aws:iam::${accounts[1]}:role/AWSReservedSSO_Audit_0123`,
      person: 'eve@example.com',
    });
    const { alerts } = run(org([...creates(at), ...person]));
    const eve = alerts.filter((a) => a.alert.actorName === 'Audit (eve@example.com)');
    expect(eve.length).toBeGreaterThan(0);
    expect(eve.some((a) => a.merged)).toBe(false);
  });
});

describe('what an alerted journey created is its story', () => {
  it('takes the first steps of a user an alerted journey created into its alert, not another new user’s', () => {
    const at = T0 + 20 * DAY + 3 * HOUR;
    const creates = seq(escalate, at, {
      actorName: 'dev2',
      actorKey: 'user/dev2',
      risk: 0.9,
      facts: ['adminPolicy'],
      targets: ['principal:Mallory'],
    });
    const steps = (name: string) =>
      seq(['iam:ListUsers', 'secretsmanager:ListSecrets', 'secretsmanager:GetSecretValue'], at + 30 * HOUR, {
        actorName: name,
        actorKey: `user/${name}`,
        risk: 0.7,
        facts: ['decryptedSecret'],
        sourceIp: '203.0.113.9',
      });
    const { alerts } = run(org([...creates, ...steps('mallory')]));
    const first = alerts.find((a) => a.alert.actorName === 'dev2');
    expect(first).toBeDefined();
    const mallory = alerts.filter((a) => a.alert.reasons.some((r) => r.text.includes('mallory')));
    expect(mallory.length).toBeGreaterThan(0);
    expect(mallory.every((a) => a.merged && a.alert.id === first?.alert.id)).toBe(true);

    const other = run(org([...creates, ...steps('trudy')])).alerts;
    const trudy = other.filter((a) => a.alert.actorName === 'trudy');
    expect(trudy.length).toBeGreaterThan(0);
    expect(trudy.some((a) => a.merged)).toBe(false);
  });

  it('also when the creating journey merged into its identity’s own open alert', () => {
    const at = T0 + 20 * DAY + 3 * HOUR;
    const who = { actorName: 'dev2', actorKey: 'user/dev2' };
    const earlier = seq(['iam:AttachUserPolicy'], at - 2 * HOUR, { ...who, risk: 0.9, facts: ['adminPolicy'] });
    const creates = seq(['iam:CreateUser', 'iam:CreateLoginProfile'], at, {
      ...who,
      risk: 0.7,
      targets: ['principal:mallory'],
    });
    const steps = seq(['iam:ListUsers', 'secretsmanager:GetSecretValue'], at + 30 * HOUR, {
      actorName: 'mallory',
      actorKey: 'user/mallory',
      risk: 0.7,
      facts: ['decryptedSecret'],
    });
    const { alerts } = run(org([...earlier, ...creates, ...steps]));
    const own = alerts.filter((a) => a.alert.actorName === 'dev2');
    expect(own.length).toBeGreaterThanOrEqual(2);
    expect(own.slice(1).every((a) => a.merged && a.alert.id === own[0]?.alert.id)).toBe(true);
    const mallory = alerts.filter((a) => a.alert.reasons.some((r) => r.text.includes('mallory')));
    expect(mallory.length).toBeGreaterThan(0);
    expect(mallory.every((a) => a.merged && a.alert.id === own[0]?.alert.id)).toBe(true);
  });
});

describe('a team onboarded is one story', () => {
  it('takes the first journeys of new identities under one permission set, hours apart, into one alert', () => {
    const role =
      'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_MLEngineer_d544664bc1d940cb';
    const newcomers = ['anika', 'olivia', 'wendy'].flatMap((name, i) =>
      seq(
        ['sagemaker:ListNotebookInstances', 'iam:CreateAccessKey', 'sagemaker:ListTrainingJobs'],
        T0 + 20 * DAY + i * 5 * HOUR,
        {
          actorKey: `${role}/${name}@example.com`,
          actorName: `MLEngineer (${name}@example.com)`,
          actorType: 'assumed-role',
          roleArn: role,
          person: `${name}@example.com`,
          risk: 0.9,
        },
      ),
    );
    const { alerts } = run(org(newcomers));
    expect(alerts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(alerts.map((a) => a.alert.id)).size).toBe(1);
    expect(alerts.map((a) => a.alert.actorName)).toEqual(alerts.map(() => 'MLEngineer (anika@example.com)'));
  });
});

describe('onboarding is a known shape', () => {
  it('does not raise an ordinary alert on a new hire’s first journey once an admin created their user', () => {
    const hire = (person: string, at: number) =>
      seq(
        [
          'sso-directory:StartWebAuthnDeviceRegistration',
          'sso-directory:CompleteWebAuthnDeviceRegistration',
          'sagemaker:ListNotebookInstances',
        ],
        at,
        {
          actorKey: `unknown:111122223333:d-9067a1b2c3.${person}`,
          actorName: `${person}@example.com`,
          actorType: 'unknown',
          person: `${person}@example.com`,
        },
      );
    const admin = seq(['identitystore:CreateUser'], T0 + 10 * DAY, {
      actorKey: 'user/dev1',
      actorName: 'dev1',
      targets: ['principal:anika@example.com'],
    });
    const onboarded = run(org([...admin, ...hire('anika', T0 + 20 * DAY + 5 * HOUR)])).alerts;
    expect(onboarded.filter((a) => a.alert.actorName === 'anika@example.com')).toEqual([]);
    const stranger = run(org([...admin, ...hire('mallory', T0 + 20 * DAY + 5 * HOUR)])).alerts;
    expect(stranger.filter((a) => a.alert.actorName === 'mallory@example.com')).toHaveLength(1);
  });
});

describe('alertId', () => {
  it('hashes an actor key and first event id holding NUL as PostgreSQL holds them (U+FFFD), on either store', () => {
    expect(alertId('user/dev\u00002', 'e\u00001')).toBe(alertId('user/dev\uFFFD2', 'e\uFFFD1'));
    expect(alertId('user/dev2', 'e1')).not.toBe(alertId('user/dev\uFFFD2', 'e1'));
    expect(alertId('a', 'b\u0000c')).not.toBe(alertId('a\u0000b', 'c'));
  });
});
