import { readFileSync, statSync } from 'node:fs';
import { RecruitDbError, usageError } from '../errors';
import type { EnumDef, HeaderClaims, Manifest, MongoCollectionDef, PgGroup, S3AssetType } from './manifest';

/** Something the document says about itself that does not add up (it never stops parsing). */
export interface DocWarning {
  /** Stable, for machines: header-count-mismatch, section-count-mismatch, group-count-mismatch, ... */
  code: string;
  message: string;
}

export interface ParsedSummary {
  manifest: Manifest;
  warnings: DocWarning[];
}

const HINT = 'pass the path of the schema summary markdown (SCHEMA_SUMMARY.md)';

const SECTIONS = {
  stats: { title: 'Quick Stats', match: /^quick\s+stats\b/i },
  pg: { title: 'PostgreSQL Tables', match: /^postgre(?:sql|s)\s+tables\b/i },
  mongo: { title: 'MongoDB Collections', match: /^mongo(?:db)?\s+collections\b/i },
  s3: { title: 'S3 Asset Types', match: /^s3\s+asset\s+types\b/i },
  enums: { title: 'Enum Types', match: /^enum\s+types\b/i },
} as const;
type SectionKey = keyof typeof SECTIONS;

interface Section {
  heading: string;
  /** "(47 Total)" / "(22)" on the heading, when present. */
  count?: number;
  lines: string[];
}

// "1. `name` - purpose", "- `name`: purpose", "* `name` — purpose"; the purpose is optional.
const LIST_MARK = /^\s*(?:\d+[.)]|[-*+])\s+/;
const CODE_ITEM = /^\s*(?:\d+[.)]|[-*+])\s+`([^`]+)`\s*(?:[-\u2013\u2014:]\s*(.*?))?\s*$/;
const S3_ITEM = /^\s*(?:\d+[.)]|[-*+])\s+(.+?)\s*\(\s*`([^`]+)`\s*\)\s*$/;
const TTL_NOTE = /\(\s*(\d+)\s*-?\s*days?\s+TTL\s*\)/i;
const HEADING_COUNT = /\(\s*(\d+)(?:\s+total)?\s*\)\s*$/i;

/**
 * Reads the documented summary into a Manifest. The lists are the contract; every count the document
 * states about itself (Quick Stats, section headings, group headings) is checked against them and a
 * disagreement becomes a warning, never an error. Input that is not a summary at all throws a usage
 * error naming what is missing, so a wrong `--summary` path fails with a reason rather than "0 tables".
 */
export function parseSummary(markdown: string | Uint8Array, source = 'the input'): ParsedSummary {
  const text = toText(markdown, source);
  const sections = splitSections(text);

  const missing = (['pg', 'mongo', 's3', 'enums'] as const).filter((k) => !sections[k]);
  if (missing.length > 0) {
    const names = missing.map((k) => `"## ${SECTIONS[k].title}"`).join(', ');
    throw usageError(`not a schema summary: no ${names} section${missing.length > 1 ? 's' : ''} found in ${source}`, HINT);
  }
  const warnings: DocWarning[] = [];

  const pgGroups = parsePgGroups(sections.pg!, warnings);
  const enums = parseEnums(sections.enums!, warnings);
  const mongoCollections = parseMongo(sections.mongo!, warnings);
  const s3AssetTypes = parseS3(sections.s3!, warnings);

  const empty: string[] = [];
  const tableCount = pgGroups.reduce((n, g) => n + g.tables.length, 0);
  if (tableCount === 0) empty.push('"## PostgreSQL Tables" lists no tables');
  if (enums.length === 0) empty.push('"## Enum Types" lists no enums');
  if (mongoCollections.length === 0) empty.push('"## MongoDB Collections" lists no collections');
  if (s3AssetTypes.length === 0) empty.push('"## S3 Asset Types" lists no asset types');
  if (empty.length > 0) throw usageError(`not a schema summary: ${empty.join(', ')} in ${source}`, HINT);

  const actual: HeaderClaims = {
    pgTables: tableCount,
    mongoCollections: mongoCollections.length,
    enumTypes: enums.length,
    s3AssetTypes: s3AssetTypes.length,
  };
  const { claims: headerClaims, stated } = parseStats(sections.stats, sections, actual, warnings);

  for (const key of Object.keys(CLAIMS) as Array<keyof HeaderClaims>) {
    const w = CLAIMS[key];
    if (stated.has(key) && headerClaims[key] !== actual[key]) warnings.push(headerCountWarning(key, headerClaims[key], actual[key]));
    const section = sections[w.section]!;
    if (section.count !== undefined && section.count !== actual[key]) {
      warnings.push({
        code: 'section-count-mismatch',
        message: `heading "## ${section.heading}" says ${section.count} ${w.noun} but ${w.lists} ${actual[key]}`,
      });
    }
  }

  return { manifest: { headerClaims, pgGroups, enums, mongoCollections, s3AssetTypes }, warnings };
}

const CLAIMS: Record<keyof HeaderClaims, { noun: string; lists: string; section: SectionKey }> = {
  pgTables: { noun: 'PostgreSQL tables', lists: 'the group lists name', section: 'pg' },
  mongoCollections: { noun: 'MongoDB collections', lists: 'the collection list names', section: 'mongo' },
  enumTypes: { noun: 'enum types', lists: 'the Enum Types table lists', section: 'enums' },
  s3AssetTypes: { noun: 'S3 asset types', lists: 'the asset type list names', section: 's3' },
};

function headerCountWarning(key: keyof HeaderClaims, claimed: number, actual: number): DocWarning {
  const w = CLAIMS[key];
  return { code: 'header-count-mismatch', message: `Quick Stats claims ${claimed} ${w.noun} but ${w.lists} ${actual}` };
}

/**
 * The header miscounts of an already-built Manifest (the shipped one has no markdown to re-read):
 * its `headerClaims` against its own lists, worded exactly as parseSummary words them. Section-heading
 * counts are not kept in a Manifest, so those warnings exist only when a file is parsed.
 */
export function manifestWarnings(m: Manifest): DocWarning[] {
  const actual: HeaderClaims = {
    pgTables: m.pgGroups.reduce((n, g) => n + g.tables.length, 0),
    mongoCollections: m.mongoCollections.length,
    enumTypes: m.enums.length,
    s3AssetTypes: m.s3AssetTypes.length,
  };
  return (Object.keys(CLAIMS) as Array<keyof HeaderClaims>)
    .filter((k) => m.headerClaims[k] !== actual[k])
    .map((k) => headerCountWarning(k, m.headerClaims[k], actual[k]));
}

/** A summary larger than this is refused unread (the documented one is 14 kB). */
export const MAX_SUMMARY_BYTES = 4 * 2 ** 20;

/** Reads and parses the summary file; an unreadable path is a usage error (exit 2), not a crash. */
export function loadSummary(path: string): ParsedSummary & { path: string } {
  let bytes: Buffer;
  try {
    // Refused before it is read: a summary is a few kB, and a huge file would be held in memory whole.
    const size = statSync(path).size;
    if (size > MAX_SUMMARY_BYTES) throw usageError(`schema summary ${path} is ${(size / 2 ** 20).toFixed(0)} MiB, not a schema summary (at most ${MAX_SUMMARY_BYTES / 2 ** 20} MiB)`, HINT);
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof RecruitDbError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory, not a file' : code === 'EACCES' ? 'is not readable (permission denied)' : `could not be read (${code ?? String(err)})`;
    throw usageError(`schema summary ${path} ${why}`, HINT);
  }
  return { ...parseSummary(bytes, path), path };
}

function toText(input: string | Uint8Array, source: string): string {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    // A NUL byte never occurs in markdown; checking the bytes catches binaries before decoding hides them.
    if (input.includes(0)) throw binary(source);
    text = Buffer.from(input).toString('utf8');
  }
  if (looksBinary(text)) throw binary(source);
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

function binary(source: string) {
  return usageError(`not a schema summary: ${source} looks like binary data, not markdown`, HINT);
}

function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  let odd = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    // Replacement chars (invalid UTF-8) and C0/C1 controls other than whitespace mark a binary file.
    if (c === 0xfffd || (c < 0x20 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || (c >= 0x7f && c < 0xa0)) odd++;
  }
  return text.length > 0 && odd / text.length > 0.01;
}

/**
 * Splits on level-2 headings, ignoring anything inside fenced code blocks (the summary's ASCII diagram
 * and shell examples must never open a section). The first heading matching a known title wins.
 */
function splitSections(text: string): Partial<Record<SectionKey, Section>> {
  const found: Partial<Record<SectionKey, Section>> = {};
  let current: Section | undefined;
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
      if (current) current.lines.push(line);
      continue;
    }
    const h2 = fence ? null : /^\s{0,3}##\s+(.+?)\s*#*\s*$/.exec(line);
    if (h2 && !line.trimStart().startsWith('###')) {
      const heading = h2[1].trim();
      const key = (Object.keys(SECTIONS) as SectionKey[]).find((k) => SECTIONS[k].match.test(stripEmphasis(heading)));
      current = undefined;
      if (key && !found[key]) {
        const count = HEADING_COUNT.exec(heading);
        current = { heading, count: count ? Number(count[1]) : undefined, lines: [] };
        found[key] = current;
      }
      continue;
    }
    // A level-1 heading ends a section as well; deeper headings belong to it.
    if (!fence && /^\s{0,3}#\s/.test(line)) {
      current = undefined;
      continue;
    }
    if (current && !fence) current.lines.push(line);
  }
  return found;
}

function stripEmphasis(s: string): string {
  return s.replace(/[*_`]/g, '').trim();
}

/** Lines that carry no content: blanks, thematic breaks, HTML comments. */
function isFiller(line: string): boolean {
  const t = line.trim();
  return t === '' || /^([-*_])(\s*\1){2,}$/.test(t) || /^<!--.*-->$/.test(t);
}

function unparsed(section: string, line: string, warnings: DocWarning[]): void {
  warnings.push({ code: 'unparsed-line', message: `"## ${section}": could not read line "${line.trim()}"` });
}

function parsePgGroups(section: Section, warnings: DocWarning[]): PgGroup[] {
  const groups: PgGroup[] = [];
  const seen = new Set<string>();
  let group: PgGroup | undefined;
  let headingHadCount = false;
  const closeGroup = () => {
    if (group && !headingHadCount) group.declaredCount = group.tables.length;
  };
  for (const line of section.lines) {
    if (isFiller(line)) continue;
    const h3 = /^\s{0,3}###\s+(.+?)\s*#*\s*$/.exec(line);
    if (h3) {
      closeGroup();
      const raw = stripEmphasis(h3[1]);
      const count = HEADING_COUNT.exec(raw);
      headingHadCount = count !== null;
      const name = count ? raw.slice(0, count.index).trim() : raw;
      if (!count) warnings.push({ code: 'group-count-missing', message: `group "${name}" states no table count` });
      group = { name, declaredCount: count ? Number(count[1]) : 0, tables: [], purposes: {} };
      groups.push(group);
      continue;
    }
    const item = CODE_ITEM.exec(line);
    if (!item) {
      if (LIST_MARK.test(line) || !/^\s*#/.test(line)) unparsed(section.heading, line, warnings);
      continue;
    }
    if (!group) {
      // Tables listed before any "###" heading still belong to the contract; give them a visible home.
      warnings.push({ code: 'ungrouped-table', message: `table "${item[1]}" is listed before any "###" group heading` });
      headingHadCount = false;
      group = { name: 'Ungrouped', declaredCount: 0, tables: [], purposes: {} };
      groups.push(group);
    }
    const name = item[1].trim();
    if (seen.has(name)) {
      warnings.push({ code: 'duplicate-name', message: `table "${name}" is listed more than once` });
      continue;
    }
    seen.add(name);
    group.tables.push(name);
    group.purposes[name] = (item[2] ?? '').trim();
  }
  closeGroup();
  for (const g of groups) {
    if (g.declaredCount !== g.tables.length) {
      warnings.push({
        code: 'group-count-mismatch',
        message: `group heading "### ${g.name} (${g.declaredCount})" says ${g.declaredCount} tables but lists ${g.tables.length}`,
      });
    }
  }
  return groups.filter((g) => g.tables.length > 0 || g.declaredCount > 0);
}

function parseMongo(section: Section, warnings: DocWarning[]): MongoCollectionDef[] {
  const out: MongoCollectionDef[] = [];
  for (const line of section.lines) {
    if (isFiller(line)) continue;
    const item = CODE_ITEM.exec(line);
    if (!item) {
      unparsed(section.heading, line, warnings);
      continue;
    }
    const name = item[1].trim();
    if (out.some((c) => c.name === name)) {
      warnings.push({ code: 'duplicate-name', message: `collection "${name}" is listed more than once` });
      continue;
    }
    const def: MongoCollectionDef = { name };
    let rest = item[2] ?? '';
    const ttl = TTL_NOTE.exec(rest);
    if (ttl) rest = rest.replace(TTL_NOTE, ' ');
    const purpose = rest.replace(/\s+/g, ' ').trim();
    if (purpose) def.purpose = purpose;
    if (ttl) def.ttlDays = Number(ttl[1]);
    out.push(def);
  }
  return out;
}

function parseS3(section: Section, warnings: DocWarning[]): S3AssetType[] {
  const out: S3AssetType[] = [];
  for (const line of section.lines) {
    if (isFiller(line)) continue;
    const item = S3_ITEM.exec(line);
    if (!item) {
      unparsed(section.heading, line, warnings);
      continue;
    }
    out.push({ name: stripEmphasis(item[1]), prefix: item[2].trim() });
  }
  return out;
}

function parseEnums(section: Section, warnings: DocWarning[]): EnumDef[] {
  const out: EnumDef[] = [];
  for (const line of section.lines) {
    if (isFiller(line)) continue;
    if (!line.trim().startsWith('|')) {
      unparsed(section.heading, line, warnings);
      continue;
    }
    const cells = line.trim().replace(/^\|/, '').replace(/\|\s*$/, '').split('|').map((c) => c.trim());
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    // The header row has no backticked name; data rows always do in the summary's format.
    const name = /^`([^`]+)`$/.exec(cells[0] ?? '');
    if (!name) {
      if (!/^enum/i.test(stripEmphasis(cells[0] ?? ''))) unparsed(section.heading, line, warnings);
      continue;
    }
    const labels = (cells[1] ?? '')
      .split(',')
      .map((v) => v.replace(/`/g, '').trim())
      .filter((v) => v !== '');
    if (out.some((e) => e.name === name[1])) {
      warnings.push({ code: 'duplicate-name', message: `enum "${name[1]}" is listed more than once` });
      continue;
    }
    if (new Set(labels).size !== labels.length) {
      warnings.push({ code: 'duplicate-label', message: `enum "${name[1]}" lists a label more than once` });
    }
    out.push({ name: name[1], labels });
  }
  return out;
}

/**
 * The Quick Stats table's claims. A document without one still parses (the lists are the contract);
 * its claims then fall back to the section headings' counts, else the lists themselves.
 */
function parseStats(
  stats: Section | undefined,
  sections: Partial<Record<SectionKey, Section>>,
  actual: HeaderClaims,
  warnings: DocWarning[],
): { claims: HeaderClaims; stated: Set<keyof HeaderClaims> } {
  const claims: HeaderClaims = {
    pgTables: sections.pg?.count ?? actual.pgTables,
    mongoCollections: sections.mongo?.count ?? actual.mongoCollections,
    enumTypes: sections.enums?.count ?? actual.enumTypes,
    s3AssetTypes: sections.s3?.count ?? actual.s3AssetTypes,
  };
  if (!stats) {
    warnings.push({ code: 'no-quick-stats', message: 'no "## Quick Stats" table: header counts taken from the section headings' });
    return { claims, stated: new Set() };
  }
  const seen = new Set<keyof HeaderClaims>();
  for (const line of stats.lines) {
    if (!line.trim().startsWith('|')) continue;
    const cells = line.trim().replace(/^\|/, '').replace(/\|\s*$/, '').split('|').map((c) => stripEmphasis(c));
    if (cells.length < 2 || !/^\d+$/.test(cells[1])) continue;
    const label = cells[0].toLowerCase();
    const key: keyof HeaderClaims | undefined = /postgre/.test(label) && /table/.test(label)
      ? 'pgTables'
      : /mongo/.test(label)
        ? 'mongoCollections'
        : /enum/.test(label)
          ? 'enumTypes'
          : /s3|asset/.test(label)
            ? 's3AssetTypes'
            : undefined;
    if (!key) continue;
    claims[key] = Number(cells[1]);
    seen.add(key);
  }
  const absent = (Object.keys(claims) as Array<keyof HeaderClaims>).filter((k) => !seen.has(k));
  if (absent.length > 0) {
    warnings.push({ code: 'quick-stats-incomplete', message: `"## Quick Stats" gives no count for: ${absent.join(', ')}` });
  }
  return { claims, stated: seen };
}
