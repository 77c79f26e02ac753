import * as faker from '@faker-js/faker';
import { Faker, type LocaleDefinition } from '@faker-js/faker';
import { digest } from './core';

/**
 * One locale per person: names, city, country, phone number and time zone all come from the same
 * Faker locale, so they agree. Only locales whose Faker data lists real city names of one country
 * (`location.city_name`, not invented "{{firstName}}ville" patterns) and whose country keeps one
 * time zone are used; the few cities in another zone carry their own. Pools are drawn once per seed
 * (Faker is slow to reseed per row) and phone numbers are checked with libphonenumber's full
 * metadata once per pool entry, then varied in their last five digits (subscriber digits; each prefix is
 * checked at both ends and the middle of its block) so that people do not share numbers.
 */

export interface LocaleSpec {
  code: string;
  /** The language people of this locale list besides English (resume analysis). */
  language: string;
  country: string;
  timeZone: string;
  weight: number;
  /** Cities of the list that lie in another zone (islands), and ones to leave out (overseas regions). */
  zones?: Readonly<Record<string, string>>;
  exclude?: readonly string[];
}

export const LOCALES: readonly LocaleSpec[] = [
  { code: 'de', language: 'German', country: 'DE', timeZone: 'Europe/Berlin', weight: 14 },
  { code: 'en_IN', language: 'Hindi', country: 'IN', timeZone: 'Asia/Kolkata', weight: 12 },
  { code: 'fr', language: 'French', country: 'FR', timeZone: 'Europe/Paris', weight: 10, exclude: ['Cayenne', 'Fort-de-France', 'Saint-Denis'] },
  { code: 'es', language: 'Spanish', country: 'ES', timeZone: 'Europe/Madrid', weight: 8, zones: { 'Las Palmas de Gran Canaria': 'Atlantic/Canary', 'Santa Cruz de Tenerife': 'Atlantic/Canary', 'San Cristróbal de la Laguna': 'Atlantic/Canary', Arrecife: 'Atlantic/Canary', Telde: 'Atlantic/Canary' } },
  { code: 'it', language: 'Italian', country: 'IT', timeZone: 'Europe/Rome', weight: 8 },
  { code: 'pl', language: 'Polish', country: 'PL', timeZone: 'Europe/Warsaw', weight: 7 },
  { code: 'tr', language: 'Turkish', country: 'TR', timeZone: 'Europe/Istanbul', weight: 5 },
  { code: 'pt_PT', language: 'Portuguese', country: 'PT', timeZone: 'Europe/Lisbon', weight: 4, zones: { Funchal: 'Atlantic/Madeira', 'Ponta Delgada': 'Atlantic/Azores', 'Angra do Heroísmo': 'Atlantic/Azores' } },
  { code: 'cs_CZ', language: 'Czech', country: 'CZ', timeZone: 'Europe/Prague', weight: 4 },
  { code: 'ro', language: 'Romanian', country: 'RO', timeZone: 'Europe/Bucharest', weight: 4 },
  { code: 'en_ZA', language: 'Afrikaans', country: 'ZA', timeZone: 'Africa/Johannesburg', weight: 4 },
  { code: 'de_AT', language: 'German', country: 'AT', timeZone: 'Europe/Vienna', weight: 3 },
  { code: 'de_CH', language: 'German', country: 'CH', timeZone: 'Europe/Zurich', weight: 3 },
  { code: 'da', language: 'Danish', country: 'DK', timeZone: 'Europe/Copenhagen', weight: 3 },
  { code: 'hu', language: 'Hungarian', country: 'HU', timeZone: 'Europe/Budapest', weight: 3 },
  { code: 'fi', language: 'Finnish', country: 'FI', timeZone: 'Europe/Helsinki', weight: 2 },
  { code: 'hr', language: 'Croatian', country: 'HR', timeZone: 'Europe/Zagreb', weight: 2 },
  { code: 'sk', language: 'Slovak', country: 'SK', timeZone: 'Europe/Bratislava', weight: 2 },
];

export interface City {
  name: string;
  timeZone: string;
}

export interface LocalePool {
  spec: LocaleSpec;
  /** Names by sex: in Czech, Polish or Slovak a surname agrees with the first name's sex. */
  firstNames: [string[], string[]];
  lastNames: [string[], string[]];
  cities: City[];
  /** Valid international numbers without their last VARIED digits. */
  phonePrefixes: string[];
  companies: string[];
}

const POOL = 160;
const PHONES = 16;
/** Subscriber digits varied per person (checked valid at 0..0, 5..5 and 9..9 for every prefix). */
const VARIED = 5;
const VARIATIONS = 10 ** VARIED;

/** Picks a locale index by weight from a 32-bit hash. */
const CUMULATIVE: readonly number[] = (() => {
  let sum = 0;
  return LOCALES.map((l) => (sum += l.weight));
})();
const TOTAL_WEIGHT = CUMULATIVE[CUMULATIVE.length - 1];
export function localeIndex(h: number): number {
  const r = h % TOTAL_WEIGHT;
  let i = 0;
  while (CUMULATIVE[i] <= r) i++;
  return i;
}

function definition(code: string): LocaleDefinition {
  return (faker as unknown as Record<string, LocaleDefinition>)[code];
}

// libphonenumber's full metadata (~50 ms to load): needed only while pools are built.
type IsValid = (number: string, country: string) => boolean;
let isValidNumber: IsValid | undefined;
function validator(): IsValid {
  if (!isValidNumber) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('libphonenumber-js/max') as { parsePhoneNumberFromString: (n: string) => { country?: string; isValid(): boolean } | undefined };
    // The number must be valid AND belong to the locale's country: some Faker formats yield another
    // country's calling code (an Italian "+20..." is Egyptian).
    isValidNumber = (n, c) => {
      try {
        const p = lib.parsePhoneNumberFromString(n);
        return Boolean(p && p.country === c && p.isValid());
      } catch {
        return false;
      }
    };
  }
  return isValidNumber;
}

function buildPool(seed: number, spec: LocaleSpec): LocalePool {
  const f = new Faker({ locale: [definition(spec.code), faker.en, faker.base] });
  f.seed(digest(seed, 'locale', spec.code).readUInt32LE(0));
  const names = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);
  const exclude = new Set(spec.exclude ?? []);
  // The locale's own list, never the fallback chain's (en would add US cities to every country).
  const listed = (definition(spec.code).location?.city_name ?? []) as string[];
  const cities = [...new Set(listed)].filter((c) => !exclude.has(c)).map((name) => ({ name, timeZone: spec.zones?.[name] ?? spec.timeZone }));
  const valid = validator();
  const prefixes: string[] = [];
  // Faker's phone formats include numbers no numbering plan assigns: keep the valid ones only, and
  // only when the block of last-digit variations stays valid at its ends and middle.
  for (let tries = 0; prefixes.length < PHONES && tries < PHONES * 40; tries++) {
    const n = f.phone.number({ style: 'international' });
    const p = n.slice(0, -VARIED);
    if (valid(n, spec.country) && ['0', '5', '9'].every((d) => valid(p + d.repeat(VARIED), spec.country))) prefixes.push(p);
  }
  if (!prefixes.length) throw new Error(`recruit-db: no valid phone numbers from Faker locale ${spec.code}`);
  return {
    spec,
    firstNames: [names(POOL, () => f.person.firstName('female')), names(POOL, () => f.person.firstName('male'))],
    lastNames: [names(POOL, () => f.person.lastName('female')), names(POOL, () => f.person.lastName('male'))],
    cities,
    phonePrefixes: prefixes,
    companies: names(POOL / 2, () => f.company.name()),
  };
}

const cache = new Map<number, LocalePool[]>();

export function localePools(seed: number): LocalePool[] {
  let pools = cache.get(seed);
  if (!pools) {
    pools = LOCALES.map((spec) => buildPool(seed, spec));
    cache.set(seed, pools);
  }
  return pools;
}

/** A phone number of the locale: a pool prefix plus subscriber digits from `h`. */
export function phoneOf(pool: LocalePool, h: number): string {
  const prefix = pool.phonePrefixes[h % pool.phonePrefixes.length];
  return prefix + String(Math.floor(h / pool.phonePrefixes.length) % VARIATIONS).padStart(VARIED, '0');
}

const FOLD: Readonly<Record<string, string>> = { ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', æ: 'ae', Æ: 'AE', ß: 'ss', đ: 'd', Đ: 'D', ı: 'i', ş: 's', ğ: 'g', œ: 'oe' };

/** Lower-case ASCII for e-mail local parts and URL handles ("Łukasz Größ" -> "lukasz-gross"). */
export function asciiSlug(s: string): string {
  return (
    s
      .replace(/[\u0142\u0141\u00f8\u00d8\u00e6\u00c6\u00df\u0111\u0110\u0131\u015f\u011f\u0153]/g, (ch) => FOLD[ch])
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'x'
  );
}
