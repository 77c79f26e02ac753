import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTables, MANIFEST } from '../../src/summary/manifest';
import { launchBrowser } from '../helpers/browser';
import { REPO, runCli } from '../helpers/cli';

/**
 * The generated HTML page, opened from disk in Debian's chromium as a person would: the diagram is
 * drawn, links lead where they say, the search box filters, and nothing is fetched from anywhere.
 * Screenshots are kept in .test-results/ as artifacts.
 */
const ARTIFACTS = join(REPO, '.test-results');

let dir: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const requests: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rdb-docs-html-'));
  // From the committed expected shape: no store is needed, and none is configured.
  const r = await runCli(['docs', '--out', join(dir, 'schema')], { env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' } });
  expect(r.code, r.stderr).toBe(0);
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('request', (req) => requests.push(req.url()));
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto(pathToFileURL(join(dir, 'schema', 'index.html')).href);
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Functions passed to the page run in the browser; this file is typed without the DOM library.
type Rect = { x: number; y: number; top: number; bottom: number; height: number };
const inViewport = (selector: string) =>
  page.locator(selector).first().evaluate((el: { getBoundingClientRect(): Rect }) => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top < (globalThis as unknown as { innerHeight: number }).innerHeight && r.bottom > 0;
  });
const hashIs = (hash: string) => page.waitForFunction(`location.hash === ${JSON.stringify(hash)}`);

describe('the schema HTML page in a headless browser', () => {
  it('draws the overall ER diagram with all 50 tables, fetching nothing but the file itself', async () => {
    const svg = page.locator('#p-index svg.er-diagram');
    expect(await svg.count()).toBe(1);
    const size = await svg.boundingBox();
    expect(size!.width).toBeGreaterThan(1000);
    expect(size!.height).toBeGreaterThan(1000);
    const names = await page.$$eval('#p-index svg.er-diagram g.entity', (els) => els.map((e) => e.getAttribute('data-table')));
    expect(names).toHaveLength(50);
    expect([...names].sort()).toEqual([...allTables(MANIFEST)].sort());
    // Laid out: every entity box has a size and they are not piled on one spot.
    const boxes = await page.$$eval('#p-index svg.er-diagram g.entity rect.body', (els) => els.map((e) => (e as unknown as { getBBox(): Rect }).getBBox()).map((b) => `${Math.round(b.x)},${Math.round(b.y)}`));
    expect(new Set(boxes).size).toBe(50);
    expect(await page.locator('#p-index svg.er-diagram g.relation').count()).toBeGreaterThan(80);
    await page.screenshot({ path: join(ARTIFACTS, 'docs-html-overview.png') });
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('follows a table in the diagram to its section, and a foreign key there to the table it references', async () => {
    await page.locator('#p-index svg.er-diagram g.entity[data-table="students"] a').click();
    await hashIs('#p-pg-table-students');
    expect(await inViewport('#p-pg-table-students h2')).toBe(true);
    expect(await page.locator('#p-pg-table-students h2').textContent()).toBe('students');

    await page.locator('#p-pg-table-students table a[href="#p-pg-table-users"]').first().click();
    await hashIs('#p-pg-table-users');
    expect(await inViewport('#p-pg-table-users h2')).toBe(true);
    expect(await inViewport('#p-pg-table-students h2')).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'docs-html-table.png') });
  });

  it('the search box keeps the pages that match and Enter goes to the first', async () => {
    const all = await page.locator('section.page').count();
    await page.fill('#search', 'resume_s3_key');
    const visible = await page.locator('section.page:not(.hidden)').evaluateAll((els) => els.map((e) => e.id));
    // A column name finds the tables that have it (document order: User Management before Jobs).
    expect(visible).toEqual(['p-pg-table-students', 'p-pg-table-applications']);
    expect(await page.locator('#search-count').textContent()).toBe('2 matches');
    expect(all).toBeGreaterThan(60);

    await page.fill('#search', 'resume');
    const some = await page.locator('section.page:not(.hidden)').evaluateAll((els) => els.map((e) => e.id));
    expect(some).toEqual(expect.arrayContaining(['p-pg-table-students', 'p-mongo-resume_analysis', 'p-s3']));
    expect(some.length).toBeLessThan(all);
    await page.press('#search', 'Enter');
    await hashIs(`#${some[0]}`);
    await page.screenshot({ path: join(ARTIFACTS, 'docs-html-search.png') });

    await page.fill('#search', '');
    expect(await page.locator('section.page:not(.hidden)').count()).toBe(all);
    expect(errors).toEqual([]);
  });
});

describe('the Mermaid text, rendered by Mermaid itself (what GitHub renders it with)', () => {
  it('every diagram parses and renders with all its tables and relationships', async () => {
    const mm = await browser.context.newPage();
    await mm.setContent('<html><body><div id="out"></div></body></html>');
    await mm.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
    const files = readdirSync(join(dir, 'schema', 'er')).filter((f) => f.endsWith('.mmd'));
    expect(files).toHaveLength(MANIFEST.pgGroups.length + 1);
    for (const f of files) {
      const text = readFileSync(join(dir, 'schema', 'er', f), 'utf8');
      const got = await mm.evaluate(async (source: string) => {
        const g = globalThis as unknown as {
          mermaid: { initialize(o: object): void; render(id: string, text: string): Promise<{ svg: string }> };
          document: { getElementById(id: string): { innerHTML: string; querySelectorAll(s: string): { length: number } } };
        };
        g.mermaid.initialize({ startOnLoad: false, maxTextSize: 500_000 });
        try {
          const { svg } = await g.mermaid.render('diagram', source);
          const out = g.document.getElementById('out');
          out.innerHTML = svg;
          return { entities: out.querySelectorAll('g.nodes > g.node').length, relations: out.querySelectorAll('g.edgePaths > path').length };
        } catch (err) {
          return { error: String(err) };
        }
      }, text);
      expect(got, f).toEqual({ entities: text.match(/^ {2}\S+ \{$/gm)!.length, relations: (text.match(/^ {2}\S+ \S+ \S+ : ".*"$/gm) ?? []).length });
    }
    if (files.includes('overall.mmd')) await mm.screenshot({ path: join(ARTIFACTS, 'docs-mermaid-last.png') });
    await mm.close();
  });
});
