/**
 * Secret masking. Every string that leaves the process (stdout, stderr, JSON, error messages) passes
 * through `redact`, which masks the password of anything URL-like and every value registered with
 * `registerSecret`. Nothing here parses a URL: the strings that most need masking are the ones that
 * fail to parse (a generated password with `/`, `#`, `@` or `%` in it).
 */
const registered = new Set<string>();

// Very short values would redact ordinary words; a real secret is longer than this.
const MIN_SECRET = 4;

export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_SECRET) return;
  registered.add(value);
  // The forms a secret takes once something encodes it for a URL or a query string.
  for (const form of [safeDecode(value), encodeURIComponent(value), encodeURI(value)]) {
    if (form && form.length >= MIN_SECRET) registered.add(form);
  }
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/*
 * user:password@host, with a scheme (scheme://user:password@) or without a well-formed one
 * (`postgres//user:password@`, `user:password@host`): the password runs to the LAST "@" before
 * whitespace, because an unencoded password may itself hold "@", "/", ":" or "#". Masking too much
 * of a malformed URL is harmless; leaking part of a password is not.
 */
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:|(?:^|(?<=[\s/"'(=]))[^\s:/?#@"'(]+:(?!\/\/))(\S*)@/gi;

export function maskUrl(url: string): string {
  return url.replace(URL_USERINFO, (_m, head: string) => `${head}****@`);
}

/** The password of a URL-like string, exactly as written (no parse, no decoding), if it has one. */
export function urlPassword(value: string): string | undefined {
  URL_USERINFO.lastIndex = 0;
  const m = URL_USERINFO.exec(value);
  URL_USERINFO.lastIndex = 0;
  return m ? m[2] : undefined;
}

/** Registers the password of a URL-like setting, raw and decoded, before anything tries to parse it. */
export function registerUrlSecret(value: string | undefined): void {
  if (!value) return;
  registerSecret(urlPassword(value));
}

/** Settings whose value is a secret whatever it looks like (.env and environment keys). */
const SECRET_KEY = /(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY)/i;
const URL_KEY = /(URL|URI|DSN|ENDPOINT)/i;

/** Registers every secret a set of settings holds: secret-named values and URL passwords. */
export function registerSettings(vars: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(vars)) {
    if (!value) continue;
    if (SECRET_KEY.test(key)) registerSecret(value);
    else if (URL_KEY.test(key)) registerUrlSecret(value);
  }
}

export function redact(text: string): string {
  let out = maskUrl(text);
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...registered].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join('****');
  }
  return out;
}

/** A copy of a JSON-able value with every string redacted: done before JSON escaping can disguise a secret. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
