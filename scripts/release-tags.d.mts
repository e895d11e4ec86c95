// Types of scripts/release-tags.mjs for the TypeScript tests that import it.
export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
  prerelease: string | null;
}
export interface ActionVersion {
  action: string;
  version: string;
}
export interface PlannedTag {
  action: string;
  version: string;
  tag: string;
  majorTag: string | null;
  prerelease: boolean;
}
export function parseVersion(version: string): ParsedVersion;
export function planReleaseTags(actions: readonly ActionVersion[], existingTags: readonly string[]): PlannedTag[];
export function changelogSection(changelog: string, version: string): string;
export function readActions(root: string): ActionVersion[];
export function applyReleaseTags(root: string, plan: readonly PlannedTag[]): void;
