/**
 * Secret masking. Every string that leaves the process (stdout, stderr, JSON, error messages) passes
 * through `redact`, which removes URL passwords and any value registered with `registerSecret`.
 * Registering happens where configuration is loaded, so a secret that never appears in a URL
 * (an S3 secret key) is still caught if a library echoes it back.
 */
const registered = new Set<string>();

export function registerSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; a real secret is longer than this.
  if (value && value.length >= 4) registered.add(value);
}

// user:password@ anywhere, with or without a well-formed scheme: a malformed URL still carries its password.
const URL_PASSWORD = /((?:^|[\s/"'(=])[^\s:/?#@"'(]*:)([^@\s/]*)@/g;

export function maskUrl(url: string): string {
  return url.replace(URL_PASSWORD, (_m, head: string) => `${head}****@`);
}

export function redact(text: string): string {
  let out = maskUrl(text);
  for (const secret of registered) {
    out = out.split(secret).join('****');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('****');
  }
  return out;
}
