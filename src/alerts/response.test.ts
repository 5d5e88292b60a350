import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { event, eventOf, record, stratusRecords } from '../catalog/test-support.ts';
import type { Event } from '../normalize/event.ts';
import { renderAlert } from './render.ts';
import { type ResponseStep, shellQuote, responseSteps as sut } from './response.ts';
import type { Alert } from './types.ts';

const END = '2026-03-01T12:05:00.000Z';

function stratus(label: string): Event[] {
  const events = stratusRecords()
    .filter((r) => r.label === label)
    .map((r) => eventOf(r.record));
  if (events.length === 0) throw new Error(`no stratus capture ${label}`);
  return events;
}

/** Runs a step's command in bash with `aws` replaced by a function that prints its arguments. */
function argumentsOf(command: string, cwd: string): string[][] {
  const out = execFileSync('bash', ['-c', `aws() { printf '%s\\0' "$@"; printf '\\1'; }\n${command}`], {
    cwd,
    encoding: 'utf8',
  });
  return out
    .split('\u0001')
    .filter((s) => s !== '')
    .map((call) => call.split('\0').slice(0, -1));
}

describe('response steps on the real Stratus Red Team captures', () => {
  it('revokes the EBS snapshot share with the account it was shared with, and deactivates the key used', () => {
    const steps = sut(stratus('aws.exfiltration.ec2-share-ebs-snapshot'), END);
    expect(steps.map((s) => s.kind)).toEqual(['deactivate-access-key', 'revoke-snapshot-share']);
    expect(steps[0]?.command).toBe(
      "aws iam update-access-key --user-name 'christophe' --access-key-id 'AKIAYLJU0B35TFSNKCS2' --status Inactive",
    );
    expect(steps[1]?.text).toBe('Revoke the share of snapshot snap-041993b54a9b3af6f with account 098797384747');
    expect(steps[1]?.command).toContain(
      "aws ec2 modify-snapshot-attribute --snapshot-id 'snap-041993b54a9b3af6f' --attribute createVolumePermission --operation-type remove --user-ids '098797384747'",
    );
  });

  it('restarts a stopped trail in its region', () => {
    const steps = sut(stratus('aws.defense-evasion.cloudtrail-stop'), END);
    const restart = steps.find((s) => s.kind === 'restart-trail');
    expect(restart?.command).toMatch(
      /^aws cloudtrail start-logging --name 'stratus-red-team-ct-stop-trail-buykxbqejv' --region '[a-z0-9-]+'$/,
    );
  });

  it('revokes AMI and RDS snapshot shares', () => {
    const ami = sut(stratus('aws.exfiltration.ec2-share-ami'), END).find((s) => s.kind === 'revoke-image-share');
    expect(ami?.command).toContain(`--launch-permission '{"Remove":[{"UserId":"846424999548"}]}'`);
    const rds = sut(stratus('aws.exfiltration.rds-share-snapshot'), END).find(
      (s) => s.kind === 'revoke-db-snapshot-share',
    );
    expect(rds?.command).toContain(
      "aws rds modify-db-snapshot-attribute --db-snapshot-identifier 'exfiltration' --attribute-name restore --values-to-remove '503161813013'",
    );
  });

  it('undoes an admin user: its key, its policy and its password', () => {
    const kinds = (label: string) => sut(stratus(label), END).map((s) => s.kind);
    expect(kinds('aws.persistence.iam-create-admin-user')).toEqual(
      expect.arrayContaining(['review-user', 'detach-policy', 'deactivate-access-key']),
    );
    expect(kinds('aws.persistence.iam-create-user-login-profile')).toContain('delete-login-profile');
    expect(kinds('aws.persistence.iam-backdoor-role')).toContain('review-trust-policy');
  });
});

describe('response steps from events', () => {
  it('ignores refused calls: they changed nothing', () => {
    const refused = event({
      source: 'iam',
      name: 'AttachUserPolicy',
      params: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      errorCode: 'AccessDenied',
    });
    expect(sut([refused], END).map((s) => s.kind)).toEqual(['deactivate-access-key']);
  });

  it('revokes an assumed role’s sessions issued before the end of the alert', () => {
    const assumed = eventOf(
      record({
        source: 'iam',
        name: 'ListUsers',
        extra: {
          userIdentity: {
            type: 'AssumedRole',
            principalId: 'AROAEXAMPLE:mallory',
            arn: 'arn:aws:sts::111122223333:assumed-role/Deploy/mallory',
            accountId: '111122223333',
            accessKeyId: 'ASIAEXAMPLE',
            sessionContext: {
              sessionIssuer: {
                type: 'Role',
                principalId: 'AROAEXAMPLE',
                arn: 'arn:aws:iam::111122223333:role/Deploy',
                accountId: '111122223333',
                userName: 'Deploy',
              },
              attributes: { creationDate: '2026-03-01T11:00:00Z', mfaAuthenticated: 'false' },
            },
          },
        },
      }),
    );
    const [step] = sut([assumed], END);
    expect(step?.kind).toBe('revoke-role-sessions');
    expect(step?.command).toContain("--role-name 'Deploy' --policy-name AWSRevokeOlderSessions");
    expect(step?.command).toContain(`"aws:TokenIssueTime":"${END}"`);
    // Growing the alert moves the cut-off instead of adding a second step.
    const later = sut([assumed], '2026-03-01T13:00:00.000Z', [step as ResponseStep]);
    expect(later).toHaveLength(1);
    expect(later[0]?.command).toContain('2026-03-01T13:00:00.000Z');
  });

  it('keeps the steps of earlier journeys when an alert grows, joining the same command', () => {
    const attach = event({
      source: 'iam',
      name: 'AttachUserPolicy',
      params: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    });
    const first = sut([attach], END);
    const grown = sut([{ ...attach, eventId: 'ev-2' }], END, first);
    expect(grown.map((s) => s.kind)).toEqual(['deactivate-access-key', 'detach-policy']);
    expect(grown[1]?.eventIds).toEqual(['ev-AttachUserPolicy', 'ev-2']);
  });
});

describe('commands are safe to paste', () => {
  const payloads = [
    "x'; touch pwned; echo '",
    '$(touch pwned)',
    '`touch pwned`',
    'a\nb; touch pwned',
    '\u001b[2J\u202eevil',
    "''\\'",
  ];

  it('quotes with single quotes and escapes embedded quotes', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe(`''`);
  });

  it('passes hostile names to aws as one argument each and runs nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-response-'));
    try {
      for (const bad of payloads) {
        const steps = sut(
          [
            event({ source: 'iam', name: 'AddUserToGroup', params: { userName: bad, groupName: bad } }),
            event({ source: 'cloudtrail', name: 'StopLogging', params: { name: bad } }),
            event({
              source: 'iam',
              name: 'CreateAccessKey',
              params: { userName: bad },
              response: { accessKey: { accessKeyId: 'AKIANEWKEY0000000000', userName: bad } },
            }),
          ],
          END,
        );
        const command = (kind: string, nth = 0) => (steps.filter((s) => s.kind === kind)[nth] as ResponseStep).command;
        expect(steps).toHaveLength(4);
        expect(argumentsOf(command('remove-from-group'), dir)).toEqual([
          ['iam', 'remove-user-from-group', '--group-name', bad, '--user-name', bad],
        ]);
        expect(argumentsOf(command('restart-trail'), dir)[0]?.slice(3, 4)).toEqual([bad]);
        expect(argumentsOf(command('deactivate-access-key', 1), dir)).toEqual([
          [
            'iam',
            'update-access-key',
            '--user-name',
            bad,
            '--access-key-id',
            'AKIANEWKEY0000000000',
            '--status',
            'Inactive',
          ],
        ]);
        expect(existsSync(join(dir, 'pwned'))).toBe(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows steps in the terminal with control and bidi characters escaped', () => {
    const bad = '\u001b[2J\u202eevil';
    const alert: Alert = {
      id: 'a-1',
      severity: 'high',
      score: 80,
      title: 't',
      summary: 's',
      actor: 'arn:aws:iam::111122223333:user/alice',
      actorName: 'alice',
      peerGroup: null,
      start: END,
      end: END,
      reasons: [],
      techniques: [],
      events: [
        {
          eventId: 'e1',
          time: END,
          action: 'iam:AttachUserPolicy',
          sentence: 'alice attached a policy, failed: AccessDenied',
          success: false,
          errorCode: 'AccessDenied',
        },
      ],
      typicalJourney: null,
      status: 'new',
      note: null,
      response: sut([event({ source: 'iam', name: 'DeleteLoginProfile', params: {} })], END).concat(
        sut([event({ source: 'cloudtrail', name: 'StopLogging', params: { name: bad } })], END).slice(1),
      ),
    };
    const text = renderAlert(alert);
    expect(text).toContain('What to do next');
    expect(text).toContain("$ aws cloudtrail start-logging --name '\\x1b[2J\\u202eevil'");
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202e');
    // The error code once: the sentence already says it.
    expect(text).toContain('failed: AccessDenied  [e1]');
    expect(text).not.toContain('(AccessDenied)');
  });
});
