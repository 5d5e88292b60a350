/**
 * The resources each account holds (buckets, functions, instances, databases, secrets,
 * parameters, security groups, keys), with ids derived from their names so they are the
 * same in every run and every seed: the organization's infrastructure does not depend on
 * the seed, only its behaviour does.
 */
import { account } from './org.ts';
import { hashString } from './prng.ts';
import type { AccountRole } from './types.ts';

export function rid(prefix: string, label: string, len = 17): string {
  let s = '';
  let h = hashString(label);
  while (s.length < len) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    s += h.toString(16).padStart(8, '0');
  }
  return `${prefix}${s.slice(0, len)}`;
}

export interface AccountResources {
  env: string;
  buckets: string[];
  functions: string[];
  cluster: string;
  services: string[];
  instances: string[];
  databases: string[];
  secrets: string[];
  parameters: string[];
  securityGroups: string[];
  vpc: string;
  subnets: string[];
  kmsKeys: string[];
  trail: string;
  detector: string;
  roles: string[];
  serviceUsers: string[];
  targetGroups: string[];
  loadBalancers: string[];
  tables: string[];
}

const ENV: Record<AccountRole, string> = {
  management: 'mgmt',
  prod: 'prod',
  staging: 'staging',
  dev: 'dev',
  security: 'sec',
  dr: 'dr',
};

const cache = new Map<AccountRole, AccountResources>();

export function resourcesOf(role: AccountRole): AccountResources {
  const hit = cache.get(role);
  if (hit) return hit;
  const env = ENV[role];
  const id = account(role).id;
  const r: AccountResources = {
    env,
    buckets: [
      `acme-${env}-assets`,
      `acme-${env}-app-logs`,
      `acme-${env}-data-lake`,
      `acme-${env}-tf-state`,
      `acme-${env}-backups`,
    ],
    functions: ['order-processor', 'image-resizer', 'report-generator', 'slack-notifier', 'invoice-mailer'].map(
      (f) => `${env}-${f}`,
    ),
    cluster: `${env}-main`,
    services: ['api', 'worker', 'web'],
    instances: Array.from({ length: 8 }, (_, i) => rid('i-', `${id}:instance:${i}`)),
    databases: [`${env}-orders-db`, `${env}-analytics-db`],
    secrets: [
      'orders-db/password',
      'stripe/api-key',
      'sendgrid/api-key',
      'analytics-db/password',
      'github/deploy-token',
      'slack/webhook',
    ].map((s) => `${env}/${s}`),
    parameters: [
      '/app/api/db_host',
      '/app/api/feature_flags',
      '/app/worker/queue_url',
      '/app/web/sentry_dsn',
      '/app/api/jwt_secret',
      '/app/worker/smtp_password',
    ],
    securityGroups: Array.from({ length: 6 }, (_, i) => rid('sg-', `${id}:sg:${i}`)),
    vpc: rid('vpc-', `${id}:vpc`),
    subnets: Array.from({ length: 4 }, (_, i) => rid('subnet-', `${id}:subnet:${i}`)),
    kmsKeys: Array.from({ length: 4 }, (_, i) => {
      const h = rid('', `${id}:kms:${i}`, 32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    }),
    trail: 'org-trail',
    detector: rid('', `${id}:guardduty`, 32),
    roles: [
      `${env}-order-processor-role`,
      `${env}-api-task-role`,
      `${env}-worker-task-role`,
      `${env}-report-generator-role`,
      'github-actions-terraform',
      'DatadogIntegrationRole',
    ],
    serviceUsers: ['svc-backup', 'svc-legacy-etl', 'svc-monitoring'],
    targetGroups: [`${env}-api-tg`, `${env}-web-tg`],
    loadBalancers: [`${env}-internal-alb`, `${env}-public-alb`],
    tables: ['orders', 'customers', 'sessions', 'events'],
  };
  cache.set(role, r);
  return r;
}
