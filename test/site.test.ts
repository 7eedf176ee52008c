/**
 * The static site, tested in a real browser against the BUILT site (dist/), served on
 * loopback by a tiny static server: search in English and Chinese, keyboard navigation,
 * the kernel filter, an in-page runbook walked to its conclusion with real-format output
 * (and compared with the core run in Node, as the CLI runs it), pasted HTML staying inert
 * text, the post-build link check, and screenshots in test-artifacts/.
 *
 * Browser: Debian's /usr/bin/chromium through playwright-core (never a downloaded browser).
 * Without it the browser suite is skipped with a message. dist/ is built here only when it
 * is missing or older than the sources (CI runs `npm run build` first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { layoutRunbook, renderTreeSvg, wrapText, conditionText } from '../site/lib/tree-layout.js';
import { splitRisks, siteLinks } from '../site/lib/markdown.js';
import { loadProject } from '../src/node/project.js';
import { searchProject } from '../src/node/search.js';
import { engineData } from '../src/core/project.js';
import { replay, isInputError, type SessionInput } from '../src/core/engine/session.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const FIX = join(ROOT, 'test', 'fixtures', 'sessions');
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');

if (!HAS_CHROMIUM) {
  console.warn(`site.test: ${CHROMIUM} not found, so the browser tests are skipped. Install Debian's chromium (apt-get install -y chromium); never a downloaded browser.`);
}

/** Newest modification time under the paths (files or directories). */
function newest(paths: string[]): number {
  let t = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
    else t = Math.max(t, s.mtimeMs);
  };
  paths.forEach(walk);
  return t;
}

/** Build dist/ when it is missing or older than what it is built from. */
function ensureBuilt(): void {
  const stamp = join(DIST, 'index.html');
  const sources = ['site', 'src/core', 'src/node', 'content', 'runbooks', 'astro.config.mjs', 'docs/writing-cases.md', 'scripts/check-site.mjs'].map((p) => join(ROOT, p));
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newest(sources)) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'astro', 'astro.js'), 'build'], { cwd: ROOT, stdio: 'pipe', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** A static file server for dist/ on a loopback port (what any static host does). */
function serve(dir: string, requests: string[]): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    requests.push(path);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'content-type': TYPES['.html'] }).end(existsSync(join(dir, '404.html')) ? readFileSync(join(dir, '404.html')) : 'not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('tree layout (build-time SVG)', () => {
  const project = loadProject({ fromSources: true });
  const ctx = { caseTitle: (id: string) => project.kb.byId.get(id)?.title, runbookTitle: (id: string) => project.runbooks.find((r) => r.id === id)?.title, base: '/' };

  it('places every node of every runbook, without overlapping boxes', () => {
    for (const rb of project.runbooks) {
      const layout = layoutRunbook(rb, ctx);
      expect(layout.nodes.map((n) => n.id).sort()).toEqual(Object.keys(rb.nodes).sort());
      for (const a of layout.nodes) {
        expect(a.x).toBeGreaterThanOrEqual(0);
        expect(a.x + a.w).toBeLessThanOrEqual(layout.width);
        expect(a.y + a.h).toBeLessThanOrEqual(layout.height);
        for (const b of layout.nodes) {
          if (a === b) continue;
          const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
          expect(apart, `${rb.id}: ${a.id} overlaps ${b.id}`).toBe(true);
        }
      }
    }
  });

  it('draws one edge per distinct target and points every edge downwards', () => {
    const rb = project.runbooks.find((r) => r.id === 'syn-no-response')!;
    const layout = layoutRunbook(rb, ctx);
    const pairs = new Set<string>();
    for (const [id, n] of Object.entries(rb.nodes)) {
      if (n.type === 'ask') n.choices.forEach((c) => pairs.add(`${id}>${c.next}`));
      if (n.type === 'check') [...n.branches.map((b) => b.next), n.default, ...(n.fallback ? [n.fallback] : [])].forEach((t) => pairs.add(`${id}>${t}`));
    }
    expect(layout.edges.length).toBe(pairs.size);
    const layer = new Map(layout.nodes.map((n) => [n.id, n.layer]));
    for (const e of layout.edges) expect(layer.get(e.to)!).toBeGreaterThan(layer.get(e.from)!);
  });

  it('escapes text in the SVG and links conclusions to case pages', () => {
    const rb = project.runbooks.find((r) => r.id === 'syn-no-response')!;
    const svg = renderTreeSvg(layoutRunbook(rb, { ...ctx, caseTitle: () => '<b>"x" & y</b>' }), 'a <tree>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;');
    expect(svg).toContain('href="/cases/accept-queue-overflow/"');
  });

  it('wraps text and renders conditions compactly', () => {
    expect(wrapText('Which clients fail to connect and how often does it happen during the day', 120).length).toBeGreaterThan(1);
    expect(wrapText('一二三四五六七八九十一二三四五六七八九十一二三四五', 100).every((l) => l.length <= 9)).toBe(true);
    expect(conditionText({ all: [{ fact: 'netstat.TcpExt.PAWSPassive', op: 'increased' }, { fact: 'sysctl.net.ipv4.tcp_tw_recycle', op: '==', value: 1 }] })).toBe('PAWSPassive rising and tcp_tw_recycle = 1');
  });
});

describe('site markdown helpers', () => {
  it('splits the Risks sub-section from a Fix section', () => {
    const { body, risks } = splitRisks('1. Do this\n\n```sh\n### not a heading\n```\n\n### Risks\n\n- it may hurt\n\n## Next\n\nmore');
    expect(body).toContain('### not a heading');
    expect(body).toContain('## Next');
    expect(risks).toBe('- it may hurt');
  });

  it('turns repository links into site links or plain text', () => {
    expect(siteLinks('see [the case](../content/cases/accept-queue-overflow.md) and [code](../src/core/kb.ts)', '/kb/')).toBe('see [the case](/kb/cases/accept-queue-overflow/) and code');
  });
});

describe.skipIf(!HAS_CHROMIUM)('static site in Chromium (built dist/)', () => {
  let browser: Browser;
  let server: Server;
  let origin = '';
  const requests: string[] = [];
  const errors: string[] = [];
  const project = loadProject({ fromSources: true });

  beforeAll(async () => {
    ensureBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    ({ server, origin } = await serve(DIST, requests));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  async function open(path: string, opts: { dark?: boolean; width?: number; height?: number } = {}): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 }, colorScheme: opts.dark === false ? 'light' : 'dark' });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`${path}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${path}: console: ${m.text()}`);
    });
    await page.goto(origin + path);
    return { page, context };
  }

  async function results(page: Page): Promise<{ id: string; kind: string; title: string }[]> {
    await page.waitForSelector('nr-search.is-open [role=option]');
    return page.$$eval('nr-search.is-open [role=option]', (els) => els.map((e) => ({ id: (e as HTMLElement).dataset.id!, kind: (e as HTMLElement).dataset.kind!, title: e.querySelector('.nr-search__title')!.textContent! })));
  }

  it('passes the build-time check: no broken internal links, a page for every case, note and runbook', async () => {
    const { checkSite } = (await import(pathToFileURL(join(ROOT, 'scripts', 'check-site.mjs')).href)) as { checkSite: (o: { dist: string; base?: string; root?: string }) => Promise<{ problems: string[]; pages: number }> };
    const report = await checkSite({ dist: DIST, base: '/', root: ROOT });
    expect(report.problems).toEqual([]);
    for (const e of project.kb.entries) expect(existsSync(join(DIST, e.kind === 'case' ? 'cases' : 'notes', e.id, 'index.html')), e.id).toBe(true);
    for (const r of project.runbooks) expect(existsSync(join(DIST, 'runbooks', r.id, 'index.html')), r.id).toBe(true);
  });

  it('checks the content the site is built from also when run by hand from another directory', () => {
    // The content root is the project loader's: without RUNBOOK_HOME and without content/ in the
    // current directory, that is the package's own content, not nothing.
    const env: NodeJS.ProcessEnv = { ...process.env, SITE_BASE: '/' };
    delete env.RUNBOOK_HOME;
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'check-site.mjs'), DIST], { cwd: tmpdir(), env, encoding: 'utf8' });
    const pages = project.kb.entries.length + project.runbooks.length;
    expect(out).toMatch(new RegExp(`, ${pages} content pages expected: all good\\n?$`));
  });

  it('shows the home page with the runbooks as entry points', async () => {
    const { page, context } = await open('/');
    await expect(page.locator('h1.nr-hero__title').isVisible()).resolves.toBe(true);
    const links = await page.$$eval('.nr-rb, .nr-triage', (els) => els.map((e) => e.getAttribute('href')));
    expect(links.length).toBe(project.runbooks.length);
    await page.screenshot({ path: join(ARTIFACTS, 'site-home.png'), fullPage: true });
    await context.close();
    const mobile = await open('/', { width: 390, height: 844 });
    await mobile.page.screenshot({ path: join(ARTIFACTS, 'site-home-mobile.png') });
    await mobile.context.close();
  });

  it('searches in Chinese (SYN 无响应), lazily, with the same results as the CLI, and opens the case with the keyboard', async () => {
    const { page, context } = await open('/');
    expect(requests.some((r) => r.endsWith('search-index.json'))).toBe(false);
    const input = page.locator('nr-search[data-variant=header] input');
    await input.focus();
    await input.fill('SYN 无响应');
    const found = await results(page);
    expect(requests.some((r) => r.endsWith('search-index.json'))).toBe(true);
    // The same index and the same function as `runbook search`.
    const cli = searchProject(project, 'SYN 无响应', { limit: 12 }).map((r) => r.id);
    expect(found.map((r) => r.id)).toEqual(cli);
    // Sensible: the tcp_tw_recycle case first, the SYN runbook near the top, SYN-drop causes dominate.
    expect(found[0].id).toBe('tcp-tw-recycle-nat-paws');
    expect(found.slice(0, 5).some((r) => r.kind === 'runbook' && r.id === 'syn-no-response')).toBe(true);
    const region = new Set(['tcp-tw-recycle-nat-paws', 'syn-no-response', 'syn-queue-overflow', 'accept-queue-overflow', 'conntrack-snat-port-collision', 'nat-timewait-port-reuse-paws', 'lvs-probe-rst-dropped-paws', 'pmtu-blackhole-mss-clamp']);
    expect(found.slice(0, 5).filter((r) => region.has(r.id)).length).toBeGreaterThanOrEqual(4);
    // Kind, title and a snippet with marks on every result.
    const first = page.locator('nr-search.is-open [role=option]').first();
    await expect(first.locator('.nr-kind').textContent()).resolves.toBe('Case');
    expect(await first.locator('.nr-search__snippet mark').count()).toBeGreaterThan(0);
    // Keyboard: down and up move the selection, Enter opens the selected result.
    await input.press('ArrowDown');
    await expect(page.locator('[role=option][aria-selected=true]').getAttribute('data-id')).resolves.toBe(found[1].id);
    await input.press('ArrowUp');
    await expect(page.locator('[role=option][aria-selected=true]').getAttribute('data-id')).resolves.toBe('tcp-tw-recycle-nat-paws');
    await input.press('Escape');
    await expect(page.locator('nr-search[data-variant=header] .nr-search__panel').isHidden()).resolves.toBe(true);
    await input.press('ArrowDown');
    await Promise.all([page.waitForURL('**/cases/tcp-tw-recycle-nat-paws/'), input.press('Enter')]);
    await expect(page.locator('h1').first().textContent()).resolves.toContain('tcp_tw_recycle');
    await context.close();
  });

  it('searches ListenOverflows and opens the accept-queue case; the case page has copyable evidence and kernel applicability', async () => {
    const { page, context } = await open('/');
    const input = page.locator('nr-search[data-variant=hero] input');
    await input.click();
    await input.pressSequentially('ListenOverflows');
    const found = await results(page);
    expect(found[0].id).toBe('accept-queue-overflow');
    await Promise.all([page.waitForURL('**/cases/accept-queue-overflow/'), input.press('Enter')]);
    const commands = await page.$$eval('.nr-evidence [data-copy-text]', (els) => els.map((e) => e.textContent));
    expect(commands).toContain('ss -lnt');
    expect(await page.locator('.nr-evidence__look').count()).toBeGreaterThan(0);
    await expect(page.locator('.nr-applies').textContent()).resolves.toMatch(/Any kernel/);
    for (const id of ['symptoms', 'evidence', 'root-cause', 'fix', 'applies-to']) expect(await page.locator(`#${id}`).count(), id).toBe(1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'site-case.png'), fullPage: true });
    await context.close();
    // Light theme and a kernel-restricted case.
    const light = await open('/cases/tcp-tw-recycle-nat-paws/', { dark: false });
    await expect(light.page.locator('.nr-applies').textContent()).resolves.toContain('older than 4.12');
    await light.page.fill('#nr-kernel-check', '5.15.0-91-generic');
    await expect(light.page.locator('.nr-verdict').getAttribute('data-verdict')).resolves.toBe('no');
    await light.page.fill('#nr-kernel-check', '3.10.0-1160.el7.x86_64');
    await expect(light.page.locator('.nr-verdict').getAttribute('data-verdict')).resolves.toBe('yes');
    await light.page.screenshot({ path: join(ARTIFACTS, 'site-case-light.png') });
    await light.context.close();
  });

  it('filters the case list by kernel with the core kernelSatisfies', async () => {
    const { page, context } = await open('/cases/');
    const total = await page.locator('#case-list > li').count();
    expect(total).toBe(project.counts.cases);
    await page.fill('#nr-kernel-filter', '5.10.0-21-amd64');
    await expect(page.locator('li[data-id="tcp-tw-recycle-nat-paws"]').isHidden()).resolves.toBe(true);
    await expect(page.locator('li[data-id="accept-queue-overflow"]').isVisible()).resolves.toBe(true);
    expect(page.url()).toContain('kernel=5.10.0-21-amd64');
    await expect(page.locator('[data-kernel-status]').textContent()).resolves.toMatch(/of \d+ cases can apply/);
    await page.fill('#nr-kernel-filter', '3.10.0-1160.el7.x86_64');
    await expect(page.locator('li[data-id="tcp-tw-recycle-nat-paws"]').isVisible()).resolves.toBe(true);
    await context.close();
  });

  it('walks a runbook in the page to its conclusion with pasted real output, as the core does in Node', async () => {
    const { page, context } = await open('/runbooks/syn-no-response/');
    await page.click('[data-rb-start]');
    await page.waitForSelector('.rb-step--ask');
    await page.click('.rb-choice[data-choice="2"]'); // any client, during bursts
    await page.waitForSelector('.rb-step--check');
    await expect(page.locator('.rb-step__title').textContent()).resolves.toMatch(/drop counters/);
    // Recommended commands come with copy buttons.
    expect(await page.locator('.rb-step .nr-copy').count()).toBeGreaterThan(0);
    await page.fill('[data-rb-paste]', fixture('netstat-s--listen-overflow-1.txt'));
    await page.click('[data-rb-read]');
    await page.waitForSelector('.rb-again');
    await expect(page.locator('[data-rb-read-panel]').textContent()).resolves.toMatch(/netstat/);
    await expect(page.locator('[data-rb-read-panel] .rb-facts').first().textContent()).resolves.toMatch(/TcpExt/);
    await page.fill('[data-rb-paste]', fixture('netstat-s--listen-overflow-2.txt'));
    await page.click('[data-rb-read]');
    await page.waitForFunction(() => /accept queue/i.test(document.querySelector('.rb-step__title')?.textContent ?? ''));
    await expect(page.locator('.rb-known').textContent()).resolves.toMatch(/ListenOverflows \+/);
    // Changes read as the core's formatDelta prints them, as in the CLI: signed, grouped, with the time between the pastes.
    await expect(page.locator('[data-rb-read-panel] .rb-delta').first().textContent()).resolves.toMatch(/^ [+-]\d{1,3}(,\d{3})* in [\d.,]+ s$/);
    await page.fill('[data-rb-paste]', fixture('ss-lnt--accept-queue-full.txt'));
    await page.click('[data-rb-read]');
    await page.waitForSelector('[data-rb-conclusion]');
    await expect(page.locator('[data-rb-case]').first().getAttribute('data-rb-case')).resolves.toBe('accept-queue-overflow');
    const statuses = Object.fromEntries(await page.$$eval('[data-candidate]', (els) => els.map((e) => [(e as HTMLElement).dataset.candidate, (e as HTMLElement).dataset.status])));
    // The same inputs through the core in Node (what the CLI and API run) give the same state.
    const hash = new URL(page.url()).hash;
    expect(hash).toMatch(/^#s=[A-Za-z0-9_-]+$/);
    const inputs = JSON.parse(Buffer.from(hash.slice(3), 'base64url').toString('utf8')) as SessionInput[];
    expect(inputs.map((i) => i.kind)).toEqual(['choice', 'output', 'output', 'output']);
    const state = replay(engineData(project), 'syn-no-response', inputs);
    if (isInputError(state)) throw new Error(state.message);
    expect(state.current.type).toBe('conclude');
    expect(state.current.type === 'conclude' && state.current.cases).toEqual(['accept-queue-overflow']);
    expect(statuses).toEqual(Object.fromEntries(state.candidates.map((c) => [c.id, c.status])));
    expect(statuses['accept-queue-overflow']).toMatch(/confirmed|likely/);
    await page.locator('.rb-tree .rb-node.is-current').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'site-runbook.png'), fullPage: true });
    await page.evaluate(() => document.querySelector('.rb-run')!.scrollIntoView());
    await page.screenshot({ path: join(ARTIFACTS, 'site-runbook-session.png') });
    // The link reproduces the session.
    const again = await open(`/runbooks/syn-no-response/${hash}`);
    await again.page.waitForSelector('[data-rb-conclusion]');
    await expect(again.page.locator('[data-rb-case]').first().getAttribute('data-rb-case')).resolves.toBe('accept-queue-overflow');
    await again.context.close();
    // Back goes one step back; the conclusion links to the case page.
    await page.click('[data-rb-back]');
    await page.waitForSelector('.rb-step--check');
    await page.fill('[data-rb-paste]', fixture('ss-lnt--accept-queue-full.txt'));
    await page.click('[data-rb-read]');
    await Promise.all([page.waitForURL('**/cases/accept-queue-overflow/'), page.click('[data-rb-conclusion] .rb-btn--primary')]);
    await context.close();
  });

  it('keeps pasted HTML inert: text only, no element created, no script run (also after reload from the link)', async () => {
    const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned2=1</script><b id="bold">x</b>';
    const { page, context } = await open('/runbooks/syn-no-response/');
    await page.click('[data-rb-start]');
    await page.click('.rb-choice[data-choice="1"]'); // behind one NAT: next is the kernel check
    await page.waitForSelector('.rb-step--check');
    await page.fill('[data-rb-paste]', payload);
    await page.click('[data-rb-read]');
    await page.waitForSelector('[data-rb-excerpt]', { state: 'attached' });
    const check = async (p: Page) => {
      expect(await p.evaluate(() => document.querySelectorAll('.rb-run img, .rb-run script:not([type="application/json"]), #bold').length)).toBe(0);
      expect(await p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await p.evaluate(() => (window as unknown as { __pwned2?: number }).__pwned2)).toBeUndefined();
      await expect(p.locator('[data-rb-excerpt]').first().textContent()).resolves.toContain('<img src=x onerror="window.__pwned=1">');
    };
    await page.waitForTimeout(300);
    await check(page);
    const again = await open(`/runbooks/syn-no-response/${new URL(page.url()).hash}`);
    await again.page.waitForSelector('[data-rb-excerpt]', { state: 'attached' });
    await again.page.waitForTimeout(300);
    await check(again.page);
    await again.context.close();
    // The search box shows a query only as text too.
    const input = page.locator('nr-search[data-variant=header] input');
    await input.focus();
    await input.fill(payload);
    await page.waitForFunction(() => document.querySelector('nr-search[data-variant=header] .nr-search__status')?.textContent !== 'Loading the search index…');
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => document.querySelectorAll('nr-search img, #bold').length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await context.close();
  });

  it('fits narrow screens: no sideways scrolling on a phone-sized viewport', async () => {
    for (const path of ['/', '/cases/accept-queue-overflow/', '/cases/', '/runbooks/syn-no-response/', '/writing-cases/']) {
      const { page, context } = await open(path, { width: 390, height: 844 });
      if (path.startsWith('/runbooks/')) {
        await page.click('[data-rb-start]');
        await page.click('.rb-choice[data-choice="2"]');
        await page.waitForSelector('.rb-step--check');
      }
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(over, `${path} is ${over}px wider than the screen`).toBeLessThanOrEqual(0);
      if (path.startsWith('/runbooks/')) await page.screenshot({ path: join(ARTIFACTS, 'site-runbook-mobile.png') });
      await context.close();
    }
  });

  it('raised no script errors on any page it opened', () => {
    expect(errors).toEqual([]);
  });
});
