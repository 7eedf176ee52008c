/**
 * The embed widget in Chromium, as an agent in a ticket sidebar uses it: what is typed in the
 * paste box survives the periodic refresh and a refused answer, a full session says so as an
 * error, and another agent's answer shows up on the next refresh.
 *
 * Browser: Debian's /usr/bin/chromium through playwright-core (never a downloaded browser).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SqliteStore } from '../src/api/sqlite-store.js';
import { call, startServer, type Server } from './api/helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);

describe.skipIf(!HAS_CHROMIUM)('the embed widget in Chromium', () => {
  let browser: Browser;
  let s: Server;
  const dir = mkdtempSync(join(tmpdir(), 'runbook-embed-'));

  beforeAll(async () => {
    // A session holds 2 KB at most here, so a 3 KB paste is refused as too large for it.
    s = await startServer({ store: new SqliteStore(join(dir, 'runbook.db'), { groupCommit: true, limits: { maxBytes: 2048 } }) });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the paste box across refreshes and refusals, and follows other agents', async () => {
    const c = (await call(s.base, 'POST', '/v1/sessions', { runbook: 'syn-no-response' })).body;
    await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: 0, node: 'who-fails', choice: 1 });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${s.base}/embed/sessions/${c.id}`);
    await page.waitForSelector('textarea');
    // The same widget with a fast refresh, in place of the page's own (15 s).
    await page.evaluate((id) => {
      const w = window as unknown as { RunbookEmbed: { mount: (el: Element, o: object) => void } };
      w.RunbookEmbed.mount(document.querySelector('[data-runbook-session]')!, { session: id, pollMs: 150 });
    }, c.id);
    await page.waitForSelector('textarea');
    const reads = (id: string) => performance.getEntriesByType('resource').filter((e) => e.name.endsWith(`/v1/sessions/${id}`)).length;
    const polls = () => page.evaluate(reads, c.id);

    // Typing, while the widget refreshes a few times: the text stays.
    await page.fill('textarea', '3.10.0-1062.el7.x86_64');
    const before = await polls();
    await page.waitForFunction(
      ([id, n]) => performance.getEntriesByType('resource').filter((e) => e.name.endsWith(`/v1/sessions/${id}`)).length >= Number(n) + 3,
      [c.id, before],
    );
    expect(await page.inputValue('textarea')).toBe('3.10.0-1062.el7.x86_64');

    // It lands: the next step's box starts empty.
    await page.click('text=Submit output');
    await page.waitForSelector('text=Is tcp_tw_recycle on?');
    expect(await page.inputValue('textarea')).toBe('');

    // A paste larger than the session can hold: an error saying so, and the paste is still there.
    const big = 'net.ipv4.tcp_tw_recycle = 1\n'.repeat(110);
    await page.fill('textarea', big);
    await page.click('text=Submit output');
    await page.waitForSelector('.rbw-error');
    expect(await page.textContent('.rbw-error')).toMatch(/is full: this answer would take its log past 2048 bytes .*paste only the lines the step asks for/);
    expect(await page.inputValue('textarea')).toBe(big);

    // Another agent answers: the next refresh shows it.
    const v = (await call(s.base, 'GET', `/v1/sessions/${c.id}`)).body;
    expect((await call(s.base, 'POST', `/v1/sessions/${c.id}/answers`, { version: v.version, node: v.current.node, skip: true })).status).toBe(200);
    await page.waitForFunction((version) => document.body.textContent!.includes(`version ${version}`), v.version + 1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
