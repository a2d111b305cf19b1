// The one place secrets are taken out of text that may reach a client or a log: an upstream's
// error message can echo back whatever it was sent (a token, an AK, a login body).

const CENSOR = '<redacted>';

/** Shorter strings are left alone: they would take ordinary words with them. */
const MIN_SECRET_LENGTH = 4;

/** Each secret as written, as it appears inside a JSON string, and percent-encoded, longest first. */
function formsOf(secrets: Iterable<string | undefined>): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** `text` with every one of `secrets` replaced by `<redacted>`. */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const form of formsOf(secrets)) out = out.split(form).join(CENSOR);
  return out;
}
