/**
 * The dashboard in a real browser (Debian's chromium through playwright-core): build the web
 * app into a temp folder, serve it with in-memory fixture alerts, then work the way an analyst
 * would: overview, queue, story, what to do next, the identity behind it, event search, a
 * verdict that persists; and the token flow. Hostile strings must render as text: no <img>, no
 * dialog. Screenshots go to test/e2e/artifacts/ (gitignored) for a human look.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertFixtures,
  alertStub,
  eventFixtures,
  hostile,
  hostileUserName,
  identityFixture,
  recordFixtures,
  statsStub,
} from '../../src/server/fixtures.ts';
import { type RunningServer, startServer } from '../../src/server/index.ts';
import { memoryRepositories } from '../../src/server/memory.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const TOKEN = 'e2e-token-0123456789abcdef0123';

let outDir: string;
let server: RunningServer;
let tokenServer: RunningServer;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
const consoleErrors: string[] = [];

const repositories = () =>
  memoryRepositories(alertFixtures(), eventFixtures(), statsStub, {
    records: recordFixtures(),
    identities: [identityFixture()],
    quarantine: [{ file: 'AWSLogs/bad.json.gz', line: 3, code: 'invalid-json', reason: `Unexpected token ${hostile.html}`, at: '2026-11-21T00:00:00Z' }],
  });

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's browser with \`apt-get install -y chromium\` (never \`npx playwright install\`).`);
  mkdirSync(ARTIFACTS, { recursive: true });
  outDir = mkdtempSync(join(tmpdir(), 'trailhound-web-'));
  await build({ configFile: 'web/vite.config.ts', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  server = await startServer({ host: '127.0.0.1', port: 0, staticRoot: outDir, repositories: repositories() });
  tokenServer = await startServer({ host: '127.0.0.1', port: 0, staticRoot: outDir, repositories: repositories(), token: TOKEN });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await tokenServer?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('dashboard', () => {
  it('opens the overview: alerts against the budget, events, learning, lag, quarantine', async () => {
    const response = await page.goto(server.url);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.waitForSelector('.cards');
    expect(await page.locator('.card').first().textContent()).toContain('budget 3 a week');
    expect(await page.locator('.cards').textContent()).toContain('12,345');
    await page.waitForSelector('.chart canvas');
    expect(await page.locator('.chart canvas').count()).toBe(2);
    await shot('overview');
    await page.getByTestId('quarantine').getByRole('link').click();
    await page.waitForSelector('table.table td');
    expect(await page.locator('table.table').textContent()).toContain(hostile.html);
    await shot('quarantine');
  });

  it('triages from the queue: one line per alert, j/k/Enter/Esc, the story, what to do next', async () => {
    await page.goto(`${server.url}/alerts`);
    const rows = page.locator('.alert-row');
    await expect.poll(() => rows.count()).toBe(2);
    // One line per alert, whatever the title's length.
    for (const box of await Promise.all((await rows.all()).map((r) => r.boundingBox()))) expect(box?.height).toBeLessThan(40);
    expect(await rows.first().getAttribute('title')).toContain(hostile.html);

    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await rows.first().getAttribute('class')).toContain('cursor');
    await page.keyboard.press('Enter');
    await page.waitForSelector('ol.journey li');
    expect(new URL(page.url()).pathname).toBe(`/alerts/${alertStub.adminCreated.id}`);
    expect(await page.evaluate('window.scrollY')).toBe(0);

    const steps = page.locator('ol.journey li');
    expect(await steps.count()).toBe(alertStub.adminCreated.events.length);
    expect(await page.locator('ol.journey .outcome').allTextContents()).toEqual(['✓', '✓', '✗', '✓', '✓']);
    // The error code once: the fixture sentence does not say it, so it follows once.
    expect(((await steps.nth(2).textContent()) ?? '').match(/AccessDenied/g)).toHaveLength(1);
    expect(await page.locator('.reasons li').count()).toBe(3);
    expect(await page.locator('.techniques a').first().getAttribute('href')).toBe('https://attack.mitre.org/techniques/T1136/003/');

    // Hostile strings: shown as text, escapes visible, nothing executed.
    const title = (await page.locator('#alert-title').textContent()) ?? '';
    expect(title).toContain(hostile.html);
    expect(title).toContain('\\x1b[2J');
    expect(title).toContain('evil\\u202etxt.exe');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);

    // What to do next: each step with its command; hostile names quoted and escaped.
    const response = page.locator('.response-step');
    expect(await response.count()).toBe(2);
    expect(await response.nth(0).locator('.command').textContent()).toBe(
      "aws iam update-access-key --user-name 'ci-deployer' --access-key-id 'AKIAEXAMPLEDEPLOYER1' --status Inactive",
    );
    const detach = (await response.nth(1).locator('.command').textContent()) ?? '';
    expect(detach).toContain("aws iam detach-user-policy --user-name '<img src=x onerror=alert(1)>");
    expect(detach).toContain('\\x1b[2J');
    expect(detach).not.toContain('\u001b');
    await shot('alert');

    // Around this alert: this identity's other events an hour either side, oldest first, journey steps marked.
    await page.getByRole('button', { name: /activity one hour either side/ }).click();
    await page.waitForSelector('ol.context li');
    expect(await page.locator('ol.context li.flagged').count()).toBe(alertStub.adminCreated.events.length);
    expect(await page.locator('ol.context time').first().textContent()).toBe('03:12:05Z');

    await page.keyboard.press('Escape');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/alerts');
  });

  it('follows a response step to the events behind it, and expands one to the record as received', async () => {
    await page.goto(`${server.url}/alerts/${alertStub.adminCreated.id}`);
    await page.waitForSelector('.response-step');
    await page.locator('.response-step').nth(1).getByRole('link').click();
    await page.waitForSelector('.event-row');
    const url = new URL(page.url());
    expect(url.pathname).toBe('/events');
    expect(url.searchParams.get('actor')).toBe(alertStub.adminCreated.actor);
    expect(await page.locator('.event-row').count()).toBe(1);
    expect(await page.locator('.event-row code.action').textContent()).toBe('iam:AttachUserPolicy');
    await page.locator('.event-row').getByRole('button', { name: 'Record' }).click();
    // The record's box opens at once with 'Loading…' and fills when the record arrives.
    await expect.poll(() => page.getByTestId('record').textContent()).toContain('"eventID"');
    const record = (await page.getByTestId('record').textContent()) ?? '';
    expect(record).toContain('"eventID": "ev-4"');
    expect(record.split('\n').length).toBeGreaterThan(10);
    expect(record).toContain(hostile.html);
    expect(record).toContain('\\u202e');
    expect(await page.locator('img').count()).toBe(0);
    await shot('events-of-step');
  });

  it('searches an actor’s events; the URL holds the query and the page', async () => {
    await page.goto(`${server.url}/events`);
    await page.waitForSelector('.event-row');
    expect(await page.locator('.event-row').count()).toBe(eventFixtures().length);
    await page.getByLabel('Actor (identity key)').fill(alertStub.loggingStopped.actor);
    await page.getByLabel('Outcome').selectOption('success');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('.event-row').count()).toBe(2);
    const url = new URL(page.url());
    expect(url.searchParams.get('actor')).toBe(alertStub.loggingStopped.actor);
    expect(url.searchParams.get('outcome')).toBe('success');
    // Shared: the same URL in a fresh load shows the same result.
    await page.goto(page.url());
    await expect.poll(() => page.locator('.event-row').count()).toBe(2);
    expect(await page.locator('.event-row code.action').allTextContents()).toEqual(['cloudtrail:StopLogging', 'cloudtrail:DescribeTrails']);
    await shot('events-search');
  });

  it('opens the identity behind an alert: who, peer group, usual journeys, networks, hours, activity, alerts', async () => {
    await page.goto(`${server.url}/alerts/${alertStub.adminCreated.id}`);
    await page.waitForSelector('.actor-link');
    await page.locator('.who .actor-link').click();
    await page.waitForSelector('#identity-name');
    expect(new URL(page.url()).pathname).toBe(`/identities/${encodeURIComponent(alertStub.adminCreated.actor)}`);
    expect(await page.locator('#identity-name').textContent()).toBe('ci-deployer');
    expect(await page.locator('.members li').allTextContents()).toEqual([
      'ci-deployer',
      'cd-runner (account 111122223333)',
      'cd-runner (account 444455556666)',
    ]);
    expect(await page.locator('.journeys > li').count()).toBe(2);
    expect(await page.locator('.counts').first().textContent()).toContain('10.0.0.0/24');
    expect(await page.locator('.count-grid').textContent()).toContain('AS16509 Amazon.com, Inc.');
    expect(await page.locator('.heat td').count()).toBe(168);
    expect(await page.locator('.heat td.l5').count()).toBeGreaterThan(0);
    await page.waitForSelector('.chart canvas');
    expect(await page.locator('.identity-alerts li').count()).toBe(1);
    await shot('identity');
  });

  it('marks an alert benign with a suppression, and the verdict persists across a reload', async () => {
    await page.goto(`${server.url}/alerts/${alertStub.loggingStopped.id}`);
    await page.waitForSelector('ol.journey li');
    await page.getByLabel('Note (optional)').fill('break-glass drill, ticket 4711');
    await page.getByRole('checkbox').check();
    await page.getByLabel('Silence for').selectOption('7');
    await page.getByRole('button', { name: 'Benign' }).click();
    await expect.poll(() => page.getByTestId('alert-status').textContent()).toBe('benign');
    expect(await page.getByRole('status').textContent()).toBe('Marked benign; silenced for 7 days.');
    await expect.poll(() => page.locator('.alert-row').count()).toBe(1);
    await page.reload();
    await page.waitForSelector('[data-testid=alert-status]');
    expect(await page.getByTestId('alert-status').textContent()).toBe('benign');
    expect(await page.getByLabel('Note (optional)').inputValue()).toBe('break-glass drill, ticket 4711');
    // The identity page shows the verdict with the suppression's expiry.
    await page.locator('.who .actor-link').click();
    await page.waitForSelector('.identity-alerts li');
    expect(await page.locator('.identity-alerts').textContent()).toMatch(/benign .*break-glass drill, ticket 4711; silenced until/);
    await shot('verdict');
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('asks for the token once when the server wants one, keeps it for the session, and the API says 401 without it', async () => {
    const without = await fetch(`${tokenServer.url}/api/alerts`);
    expect(without.status).toBe(401);
    const withToken = await fetch(`${tokenServer.url}/api/alerts`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(withToken.status).toBe(200);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(tokenServer.url);
    await tab.waitForSelector('.token-prompt');
    await tab.getByLabel('Token').fill(TOKEN);
    await tab.getByRole('button', { name: 'Continue' }).click();
    await tab.waitForSelector('.cards');
    await tab.screenshot({ path: join(ARTIFACTS, 'token.png'), fullPage: true });
    // Kept for the session: another page of the same tab needs no prompt.
    await tab.goto(`${tokenServer.url}/events`);
    await tab.waitForSelector('.event-row');
    expect(await tab.locator('.token-prompt').count()).toBe(0);
    expect(await tab.evaluate("sessionStorage.getItem('trailhound.token')")).toBe(TOKEN);
    await context.close();
    // The 401s before the token was given are the browser's console noise, not page errors.
    expect(errors).toEqual([]);
    expect(hostileUserName).toContain(hostile.html);
  });
});
