/** Container image references, as far as a rollback needs them (pure). */

export interface ImageReference {
  /** Everything before the tag and digest: registry, path and name. */
  repository: string;
  tag?: string;
  /** sha256:... */
  digest?: string;
}

/** Splits `registry:5000/org/name:tag@sha256:...` into repository, tag and digest. */
export function parseImage(ref: string): ImageReference {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: rest, tag, digest };
}

/** The names a running image goes by as a version: its tag and its digest. */
export function imageVersions(ref: string): string[] {
  const { tag, digest } = parseImage(ref);
  const names = [tag, digest].filter((v): v is string => !!v);
  return names.length > 0 ? names : ['latest'];
}

/** The image for a version: `repository@sha256:...` for a digest, `repository:version` otherwise. */
export function imageFor(repository: string, version: string): string {
  return /^sha256:[0-9a-f]{64}$/i.test(version) ? `${repository}@${version}` : `${repository}:${version}`;
}

/** A tag or a digest: what may follow `repository:` or `repository@`. */
export function isValidVersion(version: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(version) || /^sha256:[0-9a-f]{64}$/i.test(version);
}
