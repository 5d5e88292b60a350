import { afterEach, describe, expect, it } from 'vitest';
import { listAlerts } from '../app/alerts.ts';
import { assumedBy, detect } from '../app/detect.ts';
import { feedback } from '../app/feedback.ts';
import type { StoredAlert } from '../domain/alert.ts';
import { openStore, type Store } from '../store/index.ts';
import { ADMINS, attack, ORG_START, record, routine, storeRecords } from './org.fixture.ts';

const DAY = 86_400_000;
let store: Store | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

describe('detect end to end', () => {
  it('alerts on an injected attack journey with its events in order, and not on routine', async () => {
    store = await openStore({ db: ':memory:' });
    const attackAt = ORG_START + 17 * DAY + 13 * 3_600_000;
    const injected = attack(attackAt);
    await storeRecords(store, [...routine(21), ...injected]);
    const summary = await detect(store, { learningDays: 10, flush: true });
    expect(summary.journeysScored).toBeGreaterThan(200);
    const sut = await listAlerts(store);
    const ours = sut.filter((a) => a.events.some((e) => e.eventId === injected[0]?.eventID));
    expect(ours).toHaveLength(1);
    const alert = ours[0];
    expect(alert?.actorName).toBe('dev3');
    expect(alert?.events.map((e) => e.eventId)).toEqual(injected.map((r) => r.eventID));
    expect(alert?.events.every((e) => e.sentence.length > 0)).toBe(true);
    expect(alert?.reasons.some((r) => r.kind === 'new-action-for-identity')).toBe(true);
    expect(alert?.reasons.map((r) => r.text).join(' ')).toMatch(/never seen in this organization/);
    // Routine does not alert: the attack is the only alert.
    expect(sut).toHaveLength(1);
  });

  it('is idempotent and incremental: a second run adds nothing, new data is scored once', async () => {
    store = await openStore({ db: ':memory:' });
    const all = routine(21);
    const cut = all.findIndex((r) => Date.parse(r.eventTime as string) >= ORG_START + 15 * DAY);
    // The clock stands just after the first part: its last journeys stay open.
    const clock = { now: Date.parse(all[cut - 1]?.eventTime as string) + 60_000 };
    const now = () => clock.now;
    await storeRecords(store, all.slice(0, cut));
    const first = await detect(store, { learningDays: 10, now });
    expect(first.openJourneys).toBeGreaterThan(0);
    const again = await detect(store, { learningDays: 10, now });
    expect(again.journeysScored).toBe(0);
    expect(again.alertsRaised).toBe(0);
    await storeRecords(store, all.slice(cut));
    clock.now = ORG_START + 60 * DAY;
    const rest = await detect(store, { learningDays: 10, now });
    expect(rest.replayedFrom).not.toBeNull();
    expect(rest.history.trailEnded).toBe(true);
    const oneShot = await openStore({ db: ':memory:' });
    await storeRecords(oneShot, all);
    const whole = await detect(oneShot, { learningDays: 10, now });
    const journeys = async (s: Store) =>
      (await s.db.selectFrom('journeys').select(['id', 'decision', 'event_ids', 'excess']).orderBy('id').execute()).map(
        (r) => `${r.id} ${r.decision} ${r.excess.toFixed(6)} ${r.event_ids}`,
      );
    const expected = await journeys(oneShot);
    await oneShot.close();
    // Scored once: what the second run rescored replaced what the first had scored.
    expect(first.journeysScored + rest.journeysScored - rest.journeysReplayed).toBe(whole.journeysScored);
    expect(await journeys(store)).toEqual(expected);
  });

  it('learns from benign feedback: the same pattern by the same identity stops alerting', async () => {
    store = await openStore({ db: ':memory:' });
    const firstAt = ORG_START + 15 * DAY + 13 * 3_600_000;
    const secondAt = ORG_START + 18 * DAY + 13 * 3_600_000;
    await storeRecords(store, [...routine(16), ...attack(firstAt)]);
    await detect(store, { learningDays: 10, flush: true });
    const [alert] = await listAlerts(store);
    expect(alert?.actorName).toBe('dev3');
    const result = await feedback(store, alert?.id as string, 'benign', {
      note: 'dev3 now runs the break-glass drill',
    });
    expect(result.journeysLearned).toBe(1);

    const later = attack(secondAt);
    await storeRecords(store, [
      ...routine(21).filter((r) => Date.parse(r.eventTime as string) >= ORG_START + 16 * DAY),
      ...later,
    ]);
    await detect(store, { learningDays: 10, flush: true });
    const sut = await listAlerts(store);
    expect(sut.map((a) => a.status)).toEqual(['benign']);
    expect(sut.some((a) => a.events.some((e) => e.eventId === later[0]?.eventID))).toBe(false);

    // Control: without the feedback, the repeat does alert (it is the feedback that taught the model).
    const control = await openStore({ db: ':memory:' });
    await storeRecords(control, [...routine(21), ...attack(firstAt), ...attack(secondAt)]);
    await detect(control, { learningDays: 10, flush: true });
    const controlAlerts = await listAlerts(control);
    await control.close();
    expect(controlAlerts).toHaveLength(2);
  });

  it('keeps an alert a replay no longer raises, marked withdrawn, and says so', async () => {
    store = await openStore({ db: ':memory:' });
    const options = { learningDays: 10, now: () => ORG_START + 40 * DAY };
    const later = attack(ORG_START + 17 * DAY + 13 * 3_600_000);
    await storeRecords(store, [...routine(21), ...later]);
    await detect(store, options);
    const [raised] = await listAlerts(store);
    expect(raised?.events.map((e) => e.eventId)).toEqual(later.map((r) => r.eventID));
    // A backfill shows dev3 did the same in the learning period: no longer an alert.
    await storeRecords(store, attack(ORG_START + 5 * DAY + 13 * 3_600_000));
    const sut = await detect(store, options);
    // From the weekly checkpoint before it (older than the 3 days of daily ones).
    expect(sut.replayedFrom).toBe('2026-01-08T00:00:00.000Z');
    expect(sut.alertsWithdrawn).toBe(1);
    const kept = await store.db
      .selectFrom('alerts')
      .select('body')
      .where('id', '=', raised?.id as string)
      .executeTakeFirst();
    const body = JSON.parse(kept?.body as string) as { withdrawn?: { reason: string }; summary: string };
    expect(body.withdrawn?.reason).toMatch(/no longer raised after a replay from 2026-01-08T00:00:00.000Z/);
    expect(body.summary).toMatch(/^Withdrawn /);
    // A journey of it is now scored as normal.
    const journey = await store.db
      .selectFrom('journeys')
      .select(['decision', 'alert_id'])
      .where('event_ids', 'like', `${later[0]?.eventID}%`)
      .executeTakeFirst();
    expect(journey).toEqual({ decision: 'normal', alert_id: null });
  });

  it("replays from the first event when the organization's own accounts change: a share with a declared account is no exposure", async () => {
    store = await openStore({ db: ':memory:' });
    const sibling = '444455556666';
    const admin = ADMINS[0] as (typeof ADMINS)[number];
    const share = record(
      admin,
      [
        'ec2',
        'ModifySnapshotAttribute',
        {
          snapshotId: 'snap-0123456789abcdef0',
          attributeType: 'CREATE_VOLUME_PERMISSION',
          createVolumePermission: { add: { items: [{ userId: sibling }] } },
        },
      ],
      ORG_START + 18 * DAY + 14 * 3_600_000,
    );
    await storeRecords(store, [...routine(21), share]);
    const options = { learningDays: 10, now: () => ORG_START + 40 * DAY };
    const shared = (alerts: Awaited<ReturnType<typeof listAlerts>>) =>
      (alerts as StoredAlert[]).filter((a) => !('withdrawn' in a) && a.events.some((e) => e.eventId === share.eventID));
    await detect(store, options);
    const before = shared(await listAlerts(store));
    expect(before).toHaveLength(1);
    expect(before[0]?.signals).toContain('shared-outside-organization');
    expect(before[0]?.critical).toBe(true);
    const declared = await detect(store, { ...options, organizationAccounts: [sibling] });
    expect(declared.replayedFrom).toBe('start');
    // Still a first share for this admin, so still an ordinary anomaly within the budget; no
    // longer an exposure: no signal, not critical, the account not "never seen".
    const after = shared(await listAlerts(store));
    expect(after).toHaveLength(1);
    expect(after[0]?.signals ?? []).not.toContain('shared-outside-organization');
    expect(after[0]?.critical).toBe(false);
    expect(after[0]?.reasons.map((r) => r.text).join(' ')).not.toMatch(/never seen in this organization/);
    // The same accounts again: nothing to replay.
    expect((await detect(store, { ...options, organizationAccounts: [sibling] })).replayedFrom).toBeNull();
  });

  it('keeps an analyst verdict through a replay: a malicious alert is raised again with its status, never learned', async () => {
    store = await openStore({ db: ':memory:' });
    const options = { learningDays: 3, now: () => ORG_START + 40 * DAY };
    const first = attack(ORG_START + 15 * DAY + 13 * 3_600_000);
    const repeat = attack(ORG_START + 23 * DAY + 13 * 3_600_000);
    const all = routine(21);
    const cut = ORG_START + 11 * DAY;
    await storeRecords(store, [...all.filter((r) => Date.parse(r.eventTime as string) >= cut), ...first, ...repeat]);
    await detect(store, options);
    const alerts = await listAlerts(store);
    const ours = alerts.find((a) => a.events.some((e) => e.eventId === first[0]?.eventID));
    await feedback(store, ours?.id as string, 'malicious', { note: 'confirmed' });
    // The backfill of the first 11 days replays from the first event.
    await storeRecords(
      store,
      all.filter((r) => Date.parse(r.eventTime as string) < cut),
    );
    const sut = await detect(store, options);
    expect(sut.replayedFrom).toBe('start');
    const after = await listAlerts(store);
    const again = after.find((a) => a.id === ours?.id);
    expect(again?.status).toBe('malicious');
    expect(again?.note).toBe('confirmed');
    expect(again?.events.map((e) => e.eventId)).toEqual(first.map((r) => r.eventID));
    // Never learned: the repeat after the week the first was held back alerts too.
    expect(after.some((a) => a.events.some((e) => e.eventId === repeat[0]?.eventID))).toBe(true);
    // Control: without the verdict, the first is learned after its week and the repeat is not an alert.
    const control = await openStore({ db: ':memory:' });
    await storeRecords(control, [...all, ...first, ...repeat]);
    await detect(control, options);
    const controlAlerts = await listAlerts(control);
    await control.close();
    expect(controlAlerts.some((a) => a.events.some((e) => e.eventId === repeat[0]?.eventID))).toBe(false);
  });

  it('links a role session to the person whose AssumeRole call created it', async () => {
    store = await openStore({ db: ':memory:' });
    const at = ORG_START + 3 * DAY;
    const hop = record(
      ADMINS[0] as never,
      ['sts', 'AssumeRole', { roleArn: 'arn:aws:iam::111122223333:role/BreakGlass', roleSessionName: 'bg' }],
      at,
      {
        responseElements: {
          credentials: { accessKeyId: 'ASIABREAKGLASS01', expiration: 'Jan 8, 2026, 1:00:00 AM', sessionToken: 'x' },
          assumedRoleUser: { arn: 'arn:aws:sts::111122223333:assumed-role/BreakGlass/bg' },
        },
      },
    );
    const decoy = record(
      ADMINS[1] as never,
      ['sts', 'AssumeRole', { roleArn: 'arn:aws:iam::111122223333:role/Other' }],
      at + 1000,
      {
        responseElements: { credentials: { accessKeyId: 'ASIAOTHER0000001' } },
      },
    );
    await storeRecords(store, [hop, decoy]);
    const sut = await assumedBy(store, 'ASIABREAKGLASS01', at + 60_000);
    expect(sut).toEqual({
      actor: 'arn:aws:iam::111122223333:user/admin1',
      name: 'admin1',
      eventId: hop.eventID,
      chain: ['arn:aws:iam::111122223333:user/admin1', 'arn:aws:iam::111122223333:role/BreakGlass'],
    });
    expect(await assumedBy(store, 'ASIANOBODY000001', at + 60_000)).toBeNull();
  });
});
