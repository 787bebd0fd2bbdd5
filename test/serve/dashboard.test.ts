// The dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core;
// no browser download): create a cluster through the page, watch it converge live, add and
// remove a unit, delete it; and write docs/serve-dashboard.png of a converged 3-unit cluster.
// Under CI=true a Chromium that cannot start fails the suite; elsewhere it is skipped.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/serve/server.js';
import { startTestServer } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const CI = process.env['CI'] === 'true';
const available = existsSync(CHROMIUM);
if (!available && !CI) {
  console.warn(`skipping the dashboard browser tests: no ${CHROMIUM} (apt-get install chromium)`);
}

/** The flags a closed network needs (no sync, no component updates, no first-run UI). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Generous: the suite shares two cores with the rest of the tests. */
const POLL = { timeout: 60_000, interval: 100 };

// The committed docs/serve-dashboard.png is refreshed only on request (UPDATE_SCREENSHOTS=1), so a
// test run never dirties the work tree; otherwise the screenshot goes to the temp dir.
const SCREENSHOT =
  process.env['UPDATE_SCREENSHOTS'] === '1'
    ? join(import.meta.dirname, '../../docs/serve-dashboard.png')
    : join(tmpdir(), `juju-reactive-serve-dashboard-${process.pid}.png`);

describe.skipIf(!available && !CI)('the dashboard (headless Chromium)', () => {
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let password: string | undefined;

  beforeAll(async () => {
    // Paced, so the page shows the cluster converging rather than only the end state.
    server = await startTestServer(20);
    profile = mkdtempSync(join(tmpdir(), 'juju-reactive-chromium-'));
    // launchPersistentContext owns --user-data-dir: a fresh profile in a temp dir.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1360, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    // No external network: any request off this server fails the test.
    await page.route('**/*', (route) =>
      route.request().url().startsWith(server.url) ? route.continue() : route.abort(),
    );
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  it('creates a cluster from the form (keyboard only) and shows it converge live', async () => {
    const phases: string[] = [];
    await page.exposeFunction('recordPhase', (phase: string) => phases.push(phase));
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.locator('#connection').textContent(), POLL).toContain('Live');
    await page.getByLabel('Cluster name').fill('web');
    await page.getByLabel('Cluster user').fill('mysos');
    await page.getByLabel('Number of nodes').fill('3');
    await page.getByLabel('Size (JSON)').fill('{"mem": "1gb", "disk": "4gb", "cpus": 2}');
    // Record every phase the page shows, to prove it updated while the model ran.
    await page.evaluate(() => {
      const w = window as unknown as { recordPhase: (p: string) => void };
      new MutationObserver(() => {
        const article = document.querySelector('[data-cluster="web"]');
        const phase = article?.getAttribute('data-phase');
        if (phase) w.recordPhase(phase);
      }).observe(document.body, { subtree: true, attributes: true, childList: true });
    });
    await page.getByLabel('Size (JSON)').press('Enter');
    await expect
      .poll(() => page.locator('#create-result').textContent(), POLL)
      .toMatch(/Created web/);
    const created = (await page.locator('#create-result').textContent()) ?? '';
    password = /shown once\): (\S+)/.exec(created)?.[1];

    const article = page.getByRole('article', { name: /web/ });
    await expect.poll(() => article.getAttribute('data-phase'), POLL).toBe('converged');
    expect(phases).toContain('converging');
    const units = article.getByRole('list', { name: 'Units of web' }).locator(':scope > li');
    await expect.poll(() => units.count(), POLL).toBe(3);
    for (const n of [0, 1, 2]) {
      const unit = article.locator(`[data-unit="mysql-innodb-cluster/${n}"]`);
      await expect
        .poll(() => unit.locator('.status').textContent(), POLL)
        .toBe('active: Unit is ready and clustered');
      const timeline = page.getByRole('log', { name: `Timeline of mysql-innodb-cluster/${n}` });
      expect(await timeline.locator('li').count()).toBeGreaterThan(3);
      expect(await timeline.textContent()).toContain('install');
    }
    await expect
      .poll(() => article.locator('dl').textContent(), POLL)
      .toContain('cores=2 mem=1024M root-disk=4096M');
    expect(await article.locator('dl').textContent()).toContain('mysql-innodb-cluster/0');
    expect(await article.getByText('leader', { exact: true }).count()).toBe(1);
    // The simulator's virtual clock: the control is offered.
    expect(await article.getByRole('button', { name: 'Advance' }).isVisible()).toBe(true);

    // The screenshot for docs/serve.md: the clusters region (the password is not in it).
    await page
      .locator('section[aria-labelledby="clusters-heading"]')
      .screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
  }, 120_000);

  it('adds and removes a unit with the page controls', async () => {
    const article = page.getByRole('article', { name: /web/ });
    await article.getByRole('button', { name: 'Add unit' }).click();
    // Keyboard focus on a unit's control survives the live re-renders while the unit joins.
    await article.getByRole('button', { name: 'Remove mysql-innodb-cluster/0' }).focus();
    const added = article.locator('[data-unit="mysql-innodb-cluster/3"]');
    await expect
      .poll(() => added.locator('.status').textContent(), POLL)
      .toBe('active: Unit is ready and clustered');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Remove mysql-innodb-cluster/0',
    );
    await added.getByRole('button', { name: 'Remove mysql-innodb-cluster/3' }).click();
    await expect.poll(() => added.count(), POLL).toBe(0);
    await expect.poll(() => article.getAttribute('data-phase'), POLL).toBe('converged');
  }, 120_000);

  it("hides an instance from clients with the unit's button (the charm's set-instance-option on the leader)", async () => {
    const article = page.getByRole('article', { name: /web/ });
    await article.getByRole('button', { name: 'Hide mysql-innodb-cluster/1 from clients' }).click();
    const result = page.locator('#create-result');
    await expect.poll(() => result.textContent(), POLL).toContain('"status":"completed"');
    expect(await result.textContent()).toContain('Hide mysql-innodb-cluster/1 from clients');
    await article.getByRole('button', { name: 'Show mysql-innodb-cluster/1 to clients' }).click();
    await expect
      .poll(() => result.textContent(), POLL)
      .toMatch(/^Show mysql-innodb-cluster\/1 to clients: .*"status":"completed"/);
  }, 120_000);

  it('refuses a wrong password, then deletes the cluster and removes it from the page', async () => {
    expect(password).toMatch(/^[A-Za-z0-9_-]{21}$/);
    const article = page.getByRole('article', { name: /web/ });
    const field = article.getByLabel('Password');
    await field.fill('not-the-password');
    await field.press('Enter');
    await expect
      .poll(() => page.locator('#create-result').textContent(), POLL)
      .toContain('403: No permission to kill cluster web');
    await field.fill(password as string);
    await article.getByRole('button', { name: 'Delete cluster' }).click();
    await expect.poll(() => article.count(), POLL).toBe(0);
    await expect.poll(() => page.locator('#no-clusters').isVisible(), POLL).toBe(true);
  }, 120_000);
});
