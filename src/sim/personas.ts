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
};
