import { describe, expect, it } from 'vitest';
import type { Event } from '../normalize/event.ts';
import { prng } from '../util/prng.ts';
import { describeEvent, factsOf, riskOf } from './index.ts';
import { RISK_TABLE } from './risk-table.ts';
import { TEMPLATES } from './templates.ts';
import { event } from './test-support.ts';

const KEYS = [
  'userName',
  'roleName',
  'policyArn',
  'policyDocument',
  'bucketName',
  'name',
  'ipPermissions',
  'instancesSet',
  'createVolumePermission',
  'launchPermission',
  'valuesToAdd',
  'eventSelectors',
  'PublicAccessBlockConfiguration',
  'functionName',
  'principal',
  'keyId',
  'scheme',
  'protocol',
  'cidrIp',
  'fromPort',
  'withDecryption',
  'secretId',
  'filters',
  'layers',
  'changeBatch',
  'VersioningConfiguration',
  'BucketLoggingStatus',
  'assumeRolePolicyDocument',
  'resourcePolicy',
  'policy',
];

function hostileValue(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * 12);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return Math.floor(rand() * 1e6) - 5;
    case 2:
      return rand() < 0.5;
    case 3:
      return '\u001b[31m\u202e\n%ZZ{"Statement":';
    case 4:
      return 'x'.repeat(10_000);
    case 5:
      return depth < 3 ? [hostileValue(rand, depth + 1), hostileValue(rand, depth + 1)] : [];
    case 6:
      return depth < 3 ? { items: [hostileValue(rand, depth + 1)], add: hostileValue(rand, depth + 1) } : {};
    case 7:
      return '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":{"AWS":["*",5,null]}}]}';
    case 8:
      return '0.0.0.0/0';
    case 9:
      return { Statement: { Effect: 5, Action: { not: 'a list' }, Principal: [] } };
    case 10:
      return 'arn:aws:iam::999988887777:root';
    default:
      return '';
  }
}

describe('hostile parameters', () => {
  it('never break describeEvent, factsOf or riskOf for any curated action', () => {
    const rand = prng(20261127);
    const keys = [...new Set([...Object.keys(TEMPLATES), ...RISK_TABLE.keys()])];
    for (const key of keys) {
      const [source, name] = key.split(':') as [string, string];
      for (let i = 0; i < 8; i++) {
        const params: Record<string, unknown> = {};
        for (const k of KEYS) if (rand() < 0.5) params[k] = hostileValue(rand);
        const e: Event = event({
          source,
          name,
          params,
          response: rand() < 0.3 ? (params as Record<string, unknown>) : null,
        });
        const sut = describeEvent(e);
        expect(typeof sut.sentence).toBe('string');
        // Every value is clipped: one 10 kB parameter never makes a 10 kB sentence.
        expect(sut.sentence.length, key).toBeLessThan(2_500);
        expect(riskOf(e)).toBeGreaterThanOrEqual(0);
        expect(riskOf(e)).toBeLessThanOrEqual(1);
        expect(Array.isArray(factsOf(e))).toBe(true);
      }
    }
  });

  it('describes an Event whose optional parts are missing or mistyped', () => {
    const base = event({ source: 'iam', name: 'CreateUser', params: { userName: 'u' } });
    const broken = {
      ...base,
      requestParameters: null,
      responseElements: null,
      resources: [],
      client: { class: 'unknown', name: null, version: null, language: null },
      sourceIp: null,
      accountId: 'unknown',
    } as Event;
    expect(describeEvent(broken).sentence).toBe(
      'alice created IAM user (name not in the record) in us-east-1, succeeded',
    );
  });
});
