/**
 * The dashboard in a real browser (Debian's chromium through playwright-core): build the web
 * app into a temp folder, serve it with in-memory fixture alerts, then triage one alert the
 * way an analyst would. The hostile userName must render as text: no <img>, no dialog.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertFixtures, alertStub, eventFixtures, hostile, statsStub } from '../../src/server/fixtures.ts';
import { type RunningServer, startServer } from '../../src/server/index.ts';
import { memoryRepositories } from '../../src/server/memory.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let outDir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's browser with \`apt-get install -y chromium\` (never \`npx playwright install\`).`);
  outDir = mkdtempSync(join(tmpdir(), 'trailhound-web-'));
  await build({ configFile: 'web/vite.config.ts', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  server = await startServer({ host: '127.0.0.1', port: 0, staticRoot: outDir, repositories: memoryRepositories(alertFixtures(), eventFixtures(), statsStub) });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('dashboard', () => {
  it('triages an alert: queue, journey, verdict; hostile strings stay text', async () => {
    const response = await page.goto(server.url);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");

    const rows = page.locator('.alert-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain(hostile.html);
    await expect.poll(() => page.locator('.stats').textContent()).toContain('12,345');

    await rows.first().click();
    await page.waitForSelector('ol.journey li');
    expect(new URL(page.url()).pathname).toBe(`/alerts/${alertStub.adminCreated.id}`);
    const steps = page.locator('ol.journey li');
    expect(await steps.count()).toBe(alertStub.adminCreated.events.length);
    expect(await page.locator('ol.journey .outcome').allTextContents()).toEqual(['✓', '✓', '✗', '✓', '✓']);
    expect(await steps.nth(1).textContent()).toContain('created the IAM user');
    expect(await page.locator('.reasons li').count()).toBe(3);
    expect(await page.locator('ol.typical li').count()).toBe(4);
    expect(await page.locator('.techniques a').first().getAttribute('href')).toBe('https://attack.mitre.org/techniques/T1136/003/');

    // Hostile strings: shown as text, escapes visible, nothing executed.
    const title = (await page.locator('#alert-title').textContent()) ?? '';
    expect(title).toContain(hostile.html);
    expect(title).toContain('\\x1b[2J');
    expect(title).toContain('evil\\u202etxt.exe');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);

    // Context: this identity's other events around the alert, journey steps marked.
    await page.getByRole('button', { name: /activity one hour either side/ }).click();
    await page.waitForSelector('ol.context li');
    expect(await page.locator('ol.context li').count()).toBe(alertStub.adminCreated.events.length);
    expect(await page.locator('ol.context li.flagged').count()).toBe(alertStub.adminCreated.events.length);

    await page.getByLabel('Note (optional)').fill('break-glass drill, ticket 4711');
    await page.getByRole('button', { name: 'Benign' }).click();
    await expect.poll(() => page.getByTestId('alert-status').textContent()).toBe('benign');
    expect(await page.getByRole('status').textContent()).toBe('Marked benign.');
    // The "new" queue no longer holds it.
    await expect.poll(() => rows.count()).toBe(1);

    // For a human look at the page (never committed): $TMPDIR/trailhound-dashboard.png.
    await page.screenshot({ path: join(tmpdir(), 'trailhound-dashboard.png'), fullPage: true });

    // A deep link (e.g. from Slack) opens the alert directly.
    await page.goto(`${server.url}/alerts/${alertStub.loggingStopped.id}`);
    await page.waitForSelector('ol.journey li');
    expect(await page.locator('#alert-title').textContent()).toContain('CloudTrail logging stopped');

    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
