import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alertFixtures, alertStub } from '../../server/fixtures.ts';
import type { Alert } from '../types.ts';
import { asffFinding } from './formats/asff.ts';
import { ocsfFinding } from './formats/ocsf.ts';
import { createDestination, FORMATS, MemoryDeliveries, notify, OutputError, TRANSPORTS } from './index.ts';

interface Spec {
  class_uid: number;
  category_uid: number;
  required: string[];
  objects: Record<string, { required: string[] }>;
  constraints: Record<string, { at_least_one: string[] }>;
  enums: Record<string, number[]>;
}
const spec = JSON.parse(
  readFileSync(new URL('./formats/ocsf-detection-finding.required.json', import.meta.url), 'utf8'),
) as Spec;

const get = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/** Every way `finding` breaks the required attributes of OCSF class 2004; empty when valid. */
function ocsfProblems(finding: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const key of spec.required) if (!present(finding[key])) problems.push(`missing ${key}`);
  for (const [path, { required }] of Object.entries(spec.objects))
    for (const key of required) if (!present(get(finding, `${path}.${key}`))) problems.push(`missing ${path}.${key}`);
  for (const [path, { at_least_one }] of Object.entries(spec.constraints)) {
    const items = (get(finding, path.replace('[]', '')) as unknown[] | undefined) ?? [];
    items.forEach((item, i) => {
      if (!at_least_one.some((k) => present((item as Record<string, unknown>)[k])))
        problems.push(`${path}[${i}] has none of ${at_least_one.join(', ')}`);
    });
  }
  for (const [key, allowed] of Object.entries(spec.enums))
    if (finding[key] !== undefined && !allowed.includes(finding[key] as number)) problems.push(`${key} not in enum`);
  if (finding.class_uid !== spec.class_uid) problems.push('class_uid');
  if (finding.category_uid !== spec.category_uid) problems.push('category_uid');
  if (finding.type_uid !== spec.class_uid * 100 + (finding.activity_id as number)) problems.push('type_uid');
  if (!Number.isInteger(finding.time)) problems.push('time is not epoch ms');
  return problems;
}

describe('OCSF Detection Finding', () => {
  it('has every attribute class 2004 requires, for every fixture alert', () => {
    for (const alert of alertFixtures()) expect(ocsfProblems(ocsfFinding(alert, 1_800_000_000_000))).toEqual([]);
  });

  it('carries the journey as evidence and ATT&CK in finding_info.attacks', () => {
    const alert = alertStub.adminCreated;
    const f = ocsfFinding(alert, 1_800_000_000_000, 'https://th.internal') as {
      evidences: Array<{ uid: string; api: { operation: string; service: { name: string } } }>;
      finding_info: { attacks: Array<Record<string, { uid: string }>>; src_url: string; uid: string };
      severity_id: number;
      start_time: number;
    };
    expect(f.evidences.map((e) => e.uid)).toEqual(alert.events.map((e) => e.eventId));
    expect(`${f.evidences[0]?.api.service.name}:${f.evidences[0]?.api.operation}`).toBe(alert.events[0]?.action);
    const subs = f.finding_info.attacks.map((a) => a.sub_technique?.uid ?? a.technique?.uid);
    expect(subs).toEqual(alert.techniques);
    expect(f.finding_info.attacks.find((a) => a.sub_technique?.uid === 'T1136.003')?.technique?.uid).toBe('T1136');
    expect(f.finding_info.uid).toBe(alert.id);
    expect(f.finding_info.src_url).toBe(`https://th.internal/alerts/${alert.id}`);
    expect(f.severity_id).toBe(5);
    expect(f.start_time).toBe(Date.parse(alert.start));
  });

  it('the validator catches a broken finding (it can fail)', () => {
    const f = ocsfFinding(alertStub.adminCreated, 1) as Record<string, unknown>;
    delete (f.metadata as Record<string, unknown>).version;
    (f.evidences as unknown[]).push({ name: 'empty' });
    f.type_uid = 1;
    expect(ocsfProblems({ ...f, finding_info: undefined })).toEqual([
      'missing finding_info',
      'missing metadata.version',
      'missing finding_info.uid',
      'missing finding_info.title',
      expect.stringContaining('evidences[]['),
      'type_uid',
    ]);
  });
});

describe('ASFF', () => {
  const REQUIRED = [
    'SchemaVersion',
    'Id',
    'ProductArn',
    'GeneratorId',
    'AwsAccountId',
    'Types',
    'CreatedAt',
    'UpdatedAt',
    'Severity',
    'Title',
    'Description',
    'Resources',
  ];
  it('has the attributes BatchImportFindings requires, within ASFF limits', () => {
    for (const alert of alertFixtures()) {
      const f = asffFinding(alert, { now: 1_800_000_000_000, region: 'eu-west-1' });
      for (const key of REQUIRED) expect(f[key], key).toBeDefined();
      expect(f.AwsAccountId).toBe('111122223333');
      expect(f.ProductArn).toBe('arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default');
      expect(String(f.Title).length).toBeLessThanOrEqual(256);
      expect(String(f.Description).length).toBeLessThanOrEqual(1024);
      expect(Date.parse(String(f.UpdatedAt))).toBeGreaterThanOrEqual(Date.parse(String(f.CreatedAt)));
    }
  });
});

interface Captured {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP receiver; `answer` decides status and body per request. */
async function startReceiver(answer: (c: Captured) => [number, string] = () => [200, 'ok']) {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const c = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(c);
      const [status, body] = answer(c);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('Security Hub transport', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = 'TESTKEY';
    process.env.AWS_SECRET_ACCESS_KEY = 'TESTSECRET';
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
  });
  afterAll(() => {
    process.env = saved;
  });

  it('imports ASFF findings with BatchImportFindings, signed, once per alert', async () => {
    const hub = await startReceiver((c) => {
      const n = (JSON.parse(c.body) as { Findings: unknown[] }).Findings.length;
      return [200, JSON.stringify({ FailedCount: 0, SuccessCount: n, FailedFindings: [] })];
    });
    closers.push(hub.close);
    const sut = createDestination({ transport: 'securityhub', region: 'eu-west-1', endpoint: hub.url });
    expect(sut.name).toBe('securityhub');
    const log = new MemoryDeliveries();
    expect((await notify({ output: sut, alerts: alertFixtures(), log })).sent).toHaveLength(2);
    expect((await notify({ output: sut, alerts: alertFixtures(), log })).sent).toHaveLength(0);
    expect(hub.requests).toHaveLength(2);
    const first = hub.requests[0] as Captured;
    expect(first.url).toBe('/findings/import');
    expect(String(first.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=TESTKEY\/\d{8}\/eu-west-1\/securityhub\//,
    );
    const findings = (JSON.parse(first.body) as { Findings: Array<Record<string, unknown>> }).Findings;
    expect(findings.map((f) => f.Id)).toEqual([alertStub.adminCreated.id]);
    expect(findings[0]?.SchemaVersion).toBe('2018-10-08');
  });

  it('fails the delivery when Security Hub rejects a finding, naming its error code', async () => {
    const hub = await startReceiver((c) => {
      const [f] = (JSON.parse(c.body) as { Findings: Array<{ Id: string }> }).Findings;
      return [
        200,
        JSON.stringify({
          FailedCount: 1,
          SuccessCount: 0,
          FailedFindings: [{ Id: f?.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'bad' }],
        }),
      ];
    });
    closers.push(hub.close);
    const sut = createDestination({ transport: 'securityhub', region: 'eu-west-1', endpoint: hub.url });
    const error = await sut.send([alertStub.adminCreated as Alert]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toContain('InvalidInput');
  });

  it('refuses a missing region and a format it cannot carry', () => {
    const env = { ...process.env };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    expect(() => createDestination({ transport: 'securityhub' })).toThrow(/needs an AWS region/);
    process.env = env;
    expect(() => createDestination({ transport: 'securityhub', region: 'eu-west-1', format: 'ocsf' })).toThrow(
      /cannot carry the ocsf format/,
    );
  });
});

describe('registry', () => {
  it('names every format and transport once, and every transport default is a format it carries', () => {
    expect([...FORMATS.keys()]).toEqual(['trailhound', 'ocsf', 'asff', 'slack', 'syslog']);
    expect([...TRANSPORTS.keys()]).toEqual(['file', 'webhook', 'slack', 'syslog', 'securityhub']);
    for (const t of TRANSPORTS.values()) {
      expect(t.formats).toContain(t.defaultFormat);
      for (const f of t.formats) expect(FORMATS.has(f)).toBe(true);
    }
    expect(() => createDestination({ transport: 'pager' })).toThrow(/Unknown output pager/);
    expect(() => createDestination({ transport: 'file', target: 'x.jsonl', format: 'xml' })).toThrow(/Unknown format/);
  });

  it('posts OCSF findings to a webhook, keyed apart from the same URL in the default format', async () => {
    const hook = await startReceiver();
    closers.push(hook.close);
    const ocsf = createDestination({ transport: 'webhook', target: `${hook.url}/in`, format: 'ocsf', secret: 'k' });
    const plain = createDestination({ transport: 'webhook', target: `${hook.url}/in`, secret: 'k' });
    expect(ocsf.name).toBe('webhook/ocsf');
    expect(ocsf.key).toBe(`${plain.key}#ocsf`);
    await ocsf.send([alertStub.adminCreated]);
    const body = JSON.parse(hook.requests[0]?.body ?? '') as { format: string; alerts: Array<Record<string, unknown>> };
    expect(body.format).toBe('ocsf');
    expect(ocsfProblems(body.alerts[0] as Record<string, unknown>)).toEqual([]);
  });
});
