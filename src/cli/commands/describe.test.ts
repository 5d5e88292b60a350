import { describe, expect, it } from 'vitest';
import { record } from '../../catalog/test-support.ts';
import { runCli } from '../testing.ts';

const run = (args: string[], stdin = '') => runCli(['describe', ...args], stdin);

const ESC = '\u001b';

describe('trailhound describe', () => {
  it('prints one line per record, in file order, with time and sentence', async () => {
    const sut = await run(['fixtures/stratus-red-team/aws.persistence.iam-create-admin-user.json']);
    expect(sut.code).toBe(0);
    const lines = sut.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^2024-08-01T13:33:28Z {2}!! christophe attached AdministratorAccess \(full admin rights\) to IAM user malicious-iam-user/,
    );
    expect(lines[2]).toContain('created IAM user malicious-iam-user');
    expect(sut.stderr).toBe('');
  });

  it('--format json gives the catalog view of every record', async () => {
    const sut = await run(['fixtures/stratus-red-team/aws.defense-evasion.cloudtrail-stop.json', '--format', 'json']);
    const parsed = JSON.parse(sut.stdout) as Array<Record<string, unknown>>;
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({
      eventId: '10163ed2-2253-469d-a5ee-cbc6651f8934',
      time: '2024-07-31T13:06:24Z',
      actor: 'christophe',
      riskClasses: ['defense-evasion', 'logging-tamper'],
      techniques: ['T1562.008'],
      facts: ['loggingStopped'],
      risk: 0.95,
    });
    expect(String(parsed[0]?.sentence)).toContain(
      'stopped logging on CloudTrail trail stratus-red-team-ct-stop-trail-buykxbqejv',
    );
  });

  it('never lets an ANSI escape or a newline from a record reach the terminal raw', async () => {
    const hostile = record({
      source: 'iam',
      name: 'CreateUser',
      user: `mallory${ESC}[2K${ESC}[1G`,
      params: { userName: `evil\nFAKE 2026-01-01T00:00:00Z  root did nothing${ESC}[31m\u202e` },
    });
    const sut = await run(['-'], `${JSON.stringify(hostile)}\n`);
    expect(sut.code).toBe(0);
    expect(sut.stdout).not.toContain(ESC);
    expect(sut.stdout).not.toContain('\u202e');
    expect(sut.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(sut.stdout).toContain('mallory\\x1b[2K\\x1b[1G created IAM user evil\\nFAKE');
  });

  it('reports unreadable and refused records on stderr with file and line, and goes on', async () => {
    const good = JSON.stringify(record({ source: 'sts', name: 'GetCallerIdentity' }));
    const refused = JSON.stringify({
      eventName: 'X',
      eventSource: 'iam.amazonaws.com',
      eventTime: '2026-01-01T00:00:00Z',
    });
    const sut = await run(['-'], `${good}\n{not json\n${refused}\n${good}\n`);
    expect(sut.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(sut.stderr).toMatch(/-:2: \S+/);
    expect(sut.stderr).toMatch(/-:3: missing-field: missing eventID/);
    expect(sut.stderr).toContain('2 described, 1 refused, 1 unreadable');
  });

  it('reads a delivery file through the mapping quirks like an analyst would write it', async () => {
    const sut = await run(['fixtures/catalog/quirks.json', '--format', 'jsonl']);
    const rows = sut.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { sentence: string; facts: string[]; risk: number });
    expect(rows).toHaveLength(12);
    const sentences = rows.map((r) => r.sentence);
    expect(sentences[0]).toContain('signed in to the AWS console without MFA');
    expect(sentences[1]).toContain('switched role in the console');
    expect(sentences[2]).toContain('obtained credentials for role AdministratorAccess');
    expect(sentences[3]).toContain('deleted CloudWatch alarms root-login-alarm and cloudtrail-changes');
    expect(sentences[6]).toContain('listed the objects in bucket payroll-exports');
    expect(sentences[7]).toContain('invoked Lambda function rotate-keys');
    expect(rows[8]?.facts).toEqual(['adminPolicy', 'wildcardPolicy']);
    expect(sentences[9]).toContain('0.0.0.0/0 (the whole internet), ::/0 (the whole internet)');
    expect(rows[9]?.risk).toBeGreaterThanOrEqual(0.9);
    expect(sentences[11]).toContain('called CreateFooBar for x on service madeup');
  });

  it('fails with a clear message for a path that does not exist', async () => {
    const sut = await run(['no/such/file.json']);
    expect(sut.code).toBe(1);
    expect(sut.stderr).toContain('no such file or folder');
  });

  it('describes every format users have, auto-detected, and names an unknown shape once', async () => {
    const sut = await run(['fixtures/formats', '--format', 'jsonl']);
    const described = sut.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { origin: { file: string } });
    const byFile = new Map<string, number>();
    for (const d of described) {
      const name = d.origin.file.slice(d.origin.file.lastIndexOf('/') + 1);
      byFile.set(name, (byFile.get(name) ?? 0) + 1);
    }
    expect(Object.fromEntries(byFile)).toEqual({
      'elastic-ecs-defense-evasion.ndjson': 7,
      'fluentd-cloudtrail-event-selectors.jsonl': 1,
      'fluentd-out-file-ssm-send-command.log': 56,
      'lake-query-results-eventdata.json': 2,
      'lake-query-results-persistence.json': 5,
      'logstash-ec2-steal-instance-credentials.jsonl': 45,
      'security-lake-ocsf-api-activity.gz.parquet': 46,
      'security-lake-ocsf-api-activity.jsonl': 46,
      'splunk-export-compromised-root.json': 27,
      'splunk-extracted-fields-share.jsonl': 2,
      'splunk-results-create-admin-user.json': 3,
    });
    const problems = sut.stderr.trimEnd().split('\n');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /unknown-shape\.jsonl: not-cloudtrail: none of the 6 .*top-level fields: ts, principal/,
    );
    expect(problems[1]).toMatch(/240 described, 0 refused, 7 unreadable/);
  });
});
