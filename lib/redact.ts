// Secrets out of text that is kept or shown: step logs, error messages and stacks, webhook errors.
// API keys, passwords in URLs, bearer tokens and key=value secrets are masked; so are the values
// of fields whose names say they are secret. Pure, so it is unit-tested on its own.

const PATTERNS: [RegExp, string][] = [
  // Refinery API keys keep their id (useful to find the key), never their secret.
  [/\b(rfy_[a-z0-9]{12})_[A-Za-z0-9_-]{20,}/g, '$1_***'],
  // scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):[^\s@/]+@/gi, '$1:***@'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 ***'],
  // password=…, "token": "…", api_key: …, in query strings, JSON and prose alike.
  [/\b((?:pass(?:word)?|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)"?\s*[=:]\s*"?)[^\s"&,;}]+/gi, '$1***'],
  // Slack-style webhook URLs carry their credential in the path.
  [/(hooks\.slack\.com\/services\/)[A-Za-z0-9/_-]+/g, '$1***'],
];

const SECRET_KEY = /pass(word)?|passwd|secret|token|authorization|api[_-]?key|credential/i;

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A copy of a log line's fields with secret-named values masked and every string redacted. */
export function redactFields(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redactFields(v, depth + 1)]));
}
