/**
 * Personas: how many of each kind of person a default-scale organization has, their
 * working hours, clients, the SSO permission sets they hold in which accounts, and how
 * often they run each task template. Tasks are shared between personas on purpose, so
 * the same API appears in several contexts (an SRE and a developer both read logs; an
 * IAM admin creates access keys when rotating, an attacker when persisting).
 */
import type { ClientKind, PermissionSetGrant, PersonaKind } from './types.ts';

export interface PersonaDef {
  count: number;
  startHour: number;
  hours: number;
  /** Sessions (tasks) on a working day: mean of a Poisson, at least one. */
  tasksPerDay: number;
  clients: ReadonlyArray<readonly [ClientKind, number]>;
  grants: PermissionSetGrant[];
  /** Task template names with weights. */
  tasks: ReadonlyArray<readonly [string, number]>;
}

export const PERSONAS: Record<PersonaKind, PersonaDef> = {
  developer: {
    count: 9,
    startHour: 9,
    hours: 8,
    tasksPerDay: 3.5,
    clients: [
      ['console', 5],
      ['cli', 4],
      ['boto3', 1],
    ],
    grants: [
      { set: 'Developer', account: 'dev' },
      { set: 'Developer', account: 'staging' },
      { set: 'ReadOnly', account: 'prod' },
    ],
    tasks: [
      ['debug-lambda', 5],
      ['deploy-dev', 3],
      ['check-ecs', 3],
      ['read-config', 3],
      ['s3-browse', 2],
      ['look-around', 3],
      ['tail-logs', 4],
    ],
  },
  sre: {
    count: 4,
    startHour: 8,
    hours: 9,
    tasksPerDay: 4,
    clients: [
      ['cli', 5],
      ['console', 4],
      ['boto3', 1],
    ],
    grants: [
      { set: 'PlatformAdmin', account: 'prod' },
      { set: 'PlatformAdmin', account: 'staging' },
      { set: 'PlatformAdmin', account: 'dev' },
      { set: 'PlatformAdmin', account: 'dr' },
    ],
    tasks: [
      ['investigate-alarm', 4],
      ['check-ecs', 3],
      ['scale-service', 2],
      ['ec2-maintenance', 3],
      ['sg-change', 1],
      ['ebs-snapshot', 1],
      ['tail-logs', 3],
      ['look-around', 2],
      ['read-config', 1],
    ],
  },
  'iam-admin': {
    count: 2,
    startHour: 9,
    hours: 8,
    tasksPerDay: 2.5,
    clients: [
      ['console', 6],
      ['cli', 4],
    ],
    grants: [
      { set: 'IAMAdmin', account: 'management' },
      { set: 'IAMAdmin', account: 'prod' },
      { set: 'IAMAdmin', account: 'staging' },
      { set: 'IAMAdmin', account: 'dev' },
    ],
    tasks: [
      ['review-iam', 5],
      ['iam-role-change', 3],
      ['look-around', 1],
      ['review-sso', 3],
    ],
  },
  security: {
    count: 2,
    startHour: 9,
    hours: 8,
    tasksPerDay: 3,
    clients: [
      ['console', 6],
      ['cli', 3],
      ['boto3', 1],
    ],
    grants: [
      { set: 'SecurityAdmin', account: 'security' },
      { set: 'SecurityAudit', account: 'prod' },
      { set: 'SecurityAudit', account: 'management' },
    ],
    tasks: [
      ['security-triage', 6],
      ['security-config-review', 3],
      ['cloudtrail-hunt', 3],
    ],
  },
  'data-engineer': {
    count: 3,
    startHour: 9,
    hours: 8,
    tasksPerDay: 3,
    clients: [
      ['console', 4],
      ['boto3', 4],
      ['cli', 2],
    ],
    grants: [
      { set: 'DataEngineer', account: 'prod' },
      { set: 'DataEngineer', account: 'staging' },
    ],
    tasks: [
      ['query-data', 7],
      ['etl-maintenance', 3],
      ['s3-browse', 2],
    ],
  },
  auditor: {
    count: 1,
    startHour: 9,
    hours: 7,
    tasksPerDay: 1.5,
    clients: [
      ['console', 8],
      ['cli', 2],
    ],
    grants: [
      { set: 'SecurityAudit', account: 'prod' },
      { set: 'SecurityAudit', account: 'management' },
      { set: 'SecurityAudit', account: 'staging' },
    ],
    tasks: [['audit-review', 1]],
  },
  support: {
    count: 2,
    startHour: 8,
    hours: 8,
    tasksPerDay: 3,
    clients: [
      ['console', 9],
      ['cli', 1],
    ],
    grants: [{ set: 'SupportUser', account: 'prod' }],
    tasks: [
      ['support-case', 6],
      ['tail-logs', 2],
      ['look-around', 2],
    ],
  },
  // The three roles below exist only in the company organization (count 0 here: see COMPANY_COUNTS).
  qa: {
    count: 0,
    startHour: 9,
    hours: 8,
    tasksPerDay: 3,
    clients: [
      ['console', 5],
      ['cli', 4],
      ['boto3', 1],
    ],
    grants: [
      { set: 'Developer', account: 'dev' },
      { set: 'Developer', account: 'staging' },
    ],
    tasks: [
      ['deploy-dev', 2],
      ['check-ecs', 3],
      ['tail-logs', 4],
      ['debug-lambda', 2],
      ['look-around', 2],
    ],
  },
  'ml-engineer': {
    count: 0,
    startHour: 10,
    hours: 8,
    tasksPerDay: 3,
    clients: [
      ['boto3', 5],
      ['console', 3],
      ['cli', 2],
    ],
    grants: [
      { set: 'MLEngineer', account: 'prod' },
      { set: 'MLEngineer', account: 'dev' },
    ],
    tasks: [
      ['ml-train', 5],
      ['s3-browse', 3],
      ['query-data', 2],
      ['tail-logs', 1],
    ],
  },
  finops: {
    count: 0,
    startHour: 9,
    hours: 8,
    tasksPerDay: 2,
    clients: [
      ['console', 8],
      ['cli', 2],
    ],
    grants: [
      { set: 'Billing', account: 'management' },
      { set: 'ReadOnly', account: 'prod' },
    ],
    tasks: [
      ['cost-review', 6],
      ['look-around', 1],
    ],
  },
};

/** The company organization (`--org company`): 10 roles, 104 people before the two hires (five of the ML engineers are the new team). */
export const COMPANY_COUNTS: Readonly<Record<PersonaKind, number>> = {
  developer: 38,
  sre: 10,
  'iam-admin': 3,
  security: 5,
  'data-engineer': 12,
  auditor: 2,
  support: 10,
  qa: 10,
  'ml-engineer': 11,
  finops: 3,
};

/** Company security engineers review every account (the quarterly access review runs in all six). */
export const COMPANY_GRANTS: Partial<Record<PersonaKind, PermissionSetGrant[]>> = {
  security: (['security', 'prod', 'management', 'staging', 'dev', 'dr'] as const).map((account) => ({
    set: 'SecurityAdmin',
    account,
  })),
};
