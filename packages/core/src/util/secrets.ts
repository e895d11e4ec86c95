/**
 * The secrets of this run, and the one redaction step every file we write goes through: the JSON
 * report, the job summary, the PR comment, outputs, ledger entries. The runner masks registered
 * secrets in the log only; files are not masked, and a server may echo a header, a GitHub error
 * may quote a token. Every value the action masks (github/secrets.ts `maskSecret`) is registered
 * here, with the forms it takes when echoed inside JSON or a URL.
 */
const registered = new Set<string>();
/** Longest first, so that a secret containing another is replaced whole. */
let ordered: string[] = [];

export const REDACTED = '***';

/** Registers `value` (and its JSON-escaped and URL-encoded forms) as a secret of this run. */
export function registerSecret(value: string): void {
  // a one- or two-character "secret" would redact every occurrence of a letter: the runner refuses
  // to mask those too; they are not secrets anyone relies on
  if (value.length < 3) return;
  for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), ...value.split(/\r?\n/)]) {
    if (form.length >= 3) registered.add(form);
  }
  ordered = [...registered].sort((a, b) => b.length - a.length);
}

/** `text` with every registered secret replaced by ***. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/** Forgets every secret: tests only (an action registers for the whole process). */
export function forgetSecretsForTests(): void {
  registered.clear();
  ordered = [];
}

/** `text` percent-decoded (a password in a URL is masked as written and as meant), or as it is when it does not decode. */
export function uriDecodedOrSame(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
