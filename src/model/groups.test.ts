import { describe, expect, it } from 'vitest';
import { buildJourneys } from '../journeys/builder.ts';
import { DAY, HOUR, seq, T0 } from '../journeys/rows.fixture.ts';
import { BehaviourModel } from './model.ts';

const work = ['sts:GetCallerIdentity', 'ec2:DescribeInstances', 'logs:FilterLogEvents'];
const odd = ['glue:GetJobs', 'glue:StartJobRun', 'athena:StartQueryExecution', 'athena:GetQueryResults'];

/** Four developers alike, and one identity like nobody else (a group of one). */
function trained(): BehaviourModel {
  const sut = new BehaviourModel();
  const rows = [];
  for (let d = 0; d < 12; d++) {
    for (const name of ['dev1', 'dev2', 'dev3', 'dev4'])
      rows.push(...seq(work, T0 + d * DAY + 2 * HOUR, { actorName: name, actorKey: `user/${name}` }));
    rows.push(...seq(odd, T0 + d * DAY + 3 * HOUR, { actorName: 'loner', actorKey: 'user/loner' }));
  }
  rows.sort((a, b) => a.time - b.time);
  for (const j of buildJourneys(rows)) {
    if (j.end - sut.lastRecluster > 3 * DAY) sut.recluster(j.end);
    sut.learn(j, sut.score(j).raw);
  }
  return sut;
}

describe('peer groups', () => {
  it('keep the n-gram counts of their members, and a group of one keeps none (it is never read)', () => {
    for (const sut of [trained(), BehaviourModel.fromJSON(JSON.parse(JSON.stringify(trained().toJSON())))]) {
      const devs = sut.groups.get(sut.identities.get('user/dev1')?.group as string);
      expect(devs?.members).toHaveLength(4);
      const memberTotal = (devs?.members ?? []).reduce((n, k) => n + (sut.identities.get(k)?.ngram.uniTotal ?? 0), 0);
      expect(devs?.ngram.uniTotal).toBe(memberTotal);
      const loner = sut.identities.get('user/loner');
      const alone = sut.groups.get(loner?.group as string);
      expect(alone?.members).toEqual(['user/loner']);
      expect(sut.peerGroupOf(loner as never)).toBeNull();
      expect(alone?.ngram.uniTotal).toBe(0);
      expect(alone?.ngram.tri.size).toBe(0);
    }
  });
});
