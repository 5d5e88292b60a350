import { describe, expect, it } from 'vitest';
import { buildJourneys, type Journey, JourneyBuilder, journeyId } from './builder.ts';
import { DAY, HOUR, MIN, row, seq, T0 } from './rows.fixture.ts';

describe('JourneyBuilder', () => {
  it('splits one actor at 30 minutes of inactivity', () => {
    const rows = [...seq(['s3:ListBuckets', 's3:GetObject'], T0), ...seq(['ec2:DescribeInstances'], T0 + 40 * MIN)];
    const sut = buildJourneys(rows);
    expect(sut.map((j) => j.events.map((e) => e.actionKey))).toEqual([
      ['ListBuckets', 'GetObject'],
      ['DescribeInstances'],
    ]);
  });

  it('honours a configured gap', () => {
    const rows = [...seq(['s3:ListBuckets'], T0), ...seq(['ec2:DescribeInstances'], T0 + 10 * MIN)];
    expect(buildJourneys(rows, { gapMs: 5 * MIN })).toHaveLength(2);
    expect(buildJourneys(rows)).toHaveLength(1);
  });

  it('keeps concurrent credential sessions of one actor apart', () => {
    const rows = [
      row('s3:ListBuckets', T0, { session: 'A' }),
      row('iam:ListUsers', T0 + MIN, { session: 'B' }),
      row('s3:GetObject', T0 + 2 * MIN, { session: 'A' }),
    ];
    const sut = buildJourneys(rows);
    expect(sut.map((j) => j.events.map((e) => e.actionKey)).sort()).toEqual([
      ['ListBuckets', 'GetObject'],
      ['ListUsers'],
    ]);
  });

  it('keeps one session used from another network apart (stolen session credentials)', () => {
    const rows = [
      row('s3:ListBuckets', T0, { session: 'ASIA1', sourceIp: '198.51.100.7' }),
      row('iam:CreateUser', T0 + MIN, { session: 'ASIA1', sourceIp: '203.0.113.66' }),
      row('s3:GetObject', T0 + 2 * MIN, { session: 'ASIA1', sourceIp: '198.51.100.9' }),
    ];
    const sut = buildJourneys(rows);
    expect(sut.map((j) => j.events.map((e) => e.actionKey)).sort()).toEqual([
      ['CreateUser'],
      ['ListBuckets', 'GetObject'],
    ]);
  });

  it('caps machine journeys by count and by duration', () => {
    const busy = Array.from({ length: 25 }, (_, i) =>
      row('sqs:ReceiveMessage', T0 + i * 1000, { actorName: 'worker' }),
    );
    expect(buildJourneys(busy, { maxEvents: 10 }).map((j) => j.events.length)).toEqual([10, 10, 5]);
    const steady = Array.from({ length: 30 }, (_, i) =>
      row('sqs:ReceiveMessage', T0 + i * 20 * MIN, { actorName: 'worker' }),
    );
    const sut = buildJourneys(steady, { maxDurationMs: 2 * HOUR });
    expect(sut.every((j) => j.end - j.start <= 2 * HOUR)).toBe(true);
    expect(sut.reduce((n, j) => n + j.events.length, 0)).toBe(30);
  });

  it('keeps a journey open until no late event can still reach it', () => {
    const sut = new JourneyBuilder();
    const out: Journey[] = [];
    for (const r of seq(['s3:ListBuckets', 's3:GetObject'], T0)) sut.push(r, out);
    // 40 minutes later another actor is active: alice's journey ended 39 min ago, but a file
    // up to 15 minutes late could still extend it (39 < 30 + 15), so it stays open.
    sut.push(row('ec2:DescribeInstances', T0 + 40 * MIN, { actorName: 'bob' }), out);
    expect(out).toHaveLength(0);
    sut.push(row('ec2:DescribeInstances', T0 + 50 * MIN, { actorName: 'bob' }), out);
    expect(out.map((j) => j.actorName)).toEqual(['alice']);
    expect(sut.openCount).toBe(1);
  });

  it('orders events that arrive out of order inside a journey', () => {
    const late = row('s3:GetObject', T0 + 1000, { eventId: 'b' });
    const sut = new JourneyBuilder();
    const out: Journey[] = [];
    sut.push(row('s3:ListBuckets', T0 + 2000, { eventId: 'c' }), out);
    sut.push(late, out);
    sut.flush(out);
    expect(out[0]?.events.map((e) => e.eventId)).toEqual(['b', 'c']);
  });

  it('resumes a later run without scoring a closed journey twice, rebuilding the open one', () => {
    const first = seq(['s3:ListBuckets', 's3:GetObject'], T0);
    const bobs = seq(['ec2:DescribeInstances', 'ec2:StartInstances'], T0 + 60 * MIN, { actorName: 'bob' });
    const run1 = new JourneyBuilder();
    const closed1: Journey[] = [];
    for (const r of [...first, ...bobs]) run1.push(r, closed1);
    expect(closed1.map((j) => j.actorName)).toEqual(['alice']);
    const from = run1.resumeFrom() as number;
    expect(from).toBe(T0 + 61 * MIN - 15 * MIN);

    // Next run: new data arrived (bob continues, then a lot later carol); rescan from `from`.
    const more = [
      ...seq(['ec2:StopInstances'], T0 + 70 * MIN, { actorName: 'bob' }),
      ...seq(['s3:ListBuckets'], T0 + 200 * MIN, { actorName: 'carol' }),
    ];
    const run2 = new JourneyBuilder({}, new Map(run1.closedUntil));
    const closed2: Journey[] = [];
    for (const r of [...first, ...bobs, ...more].filter((r) => r.time >= from)) run2.push(r, closed2);
    expect(closed2.map((j) => [j.actorName, j.events.length])).toEqual([['bob', 3]]);
  });

  it('forgets closed-journey marks no rescan can reach: a new role session a day does not grow it', () => {
    const sut = new JourneyBuilder();
    const out: Journey[] = [];
    const sessions = 60;
    for (let d = 0; d < sessions; d++)
      for (const r of seq(['s3:GetObject', 's3:PutObject'], T0 + d * DAY, { actorName: 'ci', session: `ASIA${d}` }))
        sut.push(r, out);
    sut.flush(out);
    expect(out).toHaveLength(sessions);
    // Marks older than lateness + gap + the longest journey + 1 h are gone; the rest remain.
    expect(sut.closedUntil.size).toBeLessThanOrEqual(2);
    const from = sut.resumeFrom() as number;
    for (const [, t] of sut.closedUntil) expect(t[0]).toBeGreaterThanOrEqual(from - DAY);
  });

  it('still skips every closed journey on a rescan after pruning during a long run', () => {
    const days = 5;
    const rows = Array.from({ length: days * 24 }, (_, h) =>
      seq(['sqs:ReceiveMessage', 'sqs:DeleteMessage'], T0 + h * HOUR, { actorName: 'worker', session: `ASIA${h}` }),
    ).flat();
    const run1 = new JourneyBuilder();
    const closed1: Journey[] = [];
    for (const r of rows) run1.push(r, closed1);
    const from = run1.resumeFrom() as number;
    run1.pruneClosed(from - 1);
    const run2 = new JourneyBuilder({}, new Map(run1.closedUntil));
    const closed2: Journey[] = [];
    for (const r of rows.filter((r) => r.time >= from)) run2.push(r, closed2);
    run2.flush(closed2);
    const ids = [...closed1, ...closed2].map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(days * 24);
  });
});

describe('journeyId', () => {
  it('hashes an actor key and event id holding NUL as PostgreSQL holds them (U+FFFD), on either store', () => {
    expect(journeyId('user/dev\u00002', 'e\u00001')).toBe(journeyId('user/dev\uFFFD2', 'e\uFFFD1'));
    // The separator stays NUL: ids of strings without NUL are unchanged, and the two parts stay apart.
    expect(journeyId('user/dev2', 'e1')).not.toBe(journeyId('user/dev2\uFFFD', 'e1'));
    expect(journeyId('a', 'b\u0000c')).not.toBe(journeyId('a\u0000b', 'c'));
  });
});
