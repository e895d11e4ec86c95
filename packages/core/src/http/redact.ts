/**
 * URLs as they may be shown: a query string often carries a credential (`?code=` of an Azure
 * Function, `?api_key=`, `?token=`, `?sig=` of a SAS URL), so every query value is shown as `***`
 * (the names stay: `?api_key=***&model=***`), and so is a fragment. Credentials in the authority
 * (user:password@) are dropped. Pure; the request itself still goes to the real URL.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // not a URL: hide whatever follows '=' in anything that looks like a query
    return url.replace(/([?&][^=&#\s]*=)[^&#\s]*/g, '$1***').replace(/#\S*/, '#***');
  }
  const query = u.search
    ? `?${u.search
        .slice(1)
        .split('&')
        .map((p) => {
          const eq = p.indexOf('=');
          if (eq < 0) return p === '' ? p : '***'; // a bare segment may be the secret itself
          return eq === p.length - 1 ? p : `${p.slice(0, eq)}=***`;
        })
        .join('&')}`
    : '';
  return `${u.protocol}//${u.host}${u.pathname}${query}${u.hash ? '#***' : ''}`;
}

/** Query values worth masking in the log (raw and decoded): long ones, and any of a secret-like name. */
export function querySecrets(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [];
  }
  const out = new Set<string>();
  for (const p of u.search.slice(1).split('&')) {
    const eq = p.indexOf('=');
    const rawName = eq < 0 ? '' : p.slice(0, eq);
    const raw = eq < 0 ? p : p.slice(eq + 1);
    if (raw === '') continue;
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      // keep the raw text
    }
    if (raw.length >= 8 || /key|token|code|sig|secret|pass|auth|session|cred/i.test(rawName)) {
      out.add(raw);
      out.add(decoded);
    }
  }
  return [...out].filter((v) => v.trim() !== '');
}

/**
 * Free text (an error message) with every URL in it as redactUrl shows it: fetch quotes URLs whole,
 * credentials included. The user:password@ part goes even from a URL that does not parse.
 */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi, (u) => redactUrl(u.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1')));
}
