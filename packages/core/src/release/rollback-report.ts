/** The rollback action's report: the JSON file and the job summary render this one object. */
import type { ReportError } from '../errors.js';
import { renderRunFooter, type RunInfo } from '../util/run-info.js';
import { tableCell } from '../util/markdown.js';
import { badVersions, type Ledger, type LedgerEvent, type LedgerKind } from './ledger.js';
import type { LiveVersion, Skipped } from './select.js';

export type RollbackStatus = 'recorded' | 'rolled-back' | 'no-op' | 'dry-run' | 'failed' | 'error';

export interface RollbackReport {
  schema: 'ml-gate/rollback/v1';
  createdAt: string;
  mode: 'record' | 'rollback' | null;
  environment: string | null;
  /**
   * recorded: a release was written; rolled-back: the target now runs to-version; no-op: nothing
   * needed doing (said why); dry-run: what would change, nothing changed; failed: the target or
   * the ledger could not be changed; error: the run could not decide (bad input, unreadable ledger).
   */
  status: RollbackStatus;
  dryRun: boolean;
  rolledBack: boolean;
  /** What happened and why, in one paragraph. */
  explanation: string;
  fromVersion: string | null;
  toVersion: string | null;
  /** The version serving when the run ended (as far as the run knows). */
  version: string | null;
  request: { reason?: string; trigger?: string; version?: string; expectedCurrent?: string };
  /** What served at the start; `unsettled` when no single version did (what ran instead). */
  live?: LiveVersion;
  skipped?: Skipped[];
  target?: { kind: string; description: string; commands: string[]; ran: boolean };
  ledger?: {
    kind: LedgerKind;
    location: string;
    /** The entry written (or, in a dry run, the one that would be). */
    entry?: Record<string, unknown>;
    entryWritten: boolean;
    /** The ledger as read at the start, oldest first. */
    events: LedgerEvent[];
  };
  warnings: string[];
  error?: ReportError;
  run?: RunInfo;
}

/** The explanation of a report that nothing has filled in yet. */
const NOT_RUN = 'The action did not run.';

/** The report before the run: status error until the run says otherwise. */
export function newRollbackReport(): RollbackReport {
  return {
    schema: 'ml-gate/rollback/v1',
    createdAt: new Date().toISOString(),
    mode: null,
    environment: null,
    status: 'error',
    dryRun: false,
    rolledBack: false,
    explanation: NOT_RUN,
    fromVersion: null,
    toVersion: null,
    version: null,
    request: {},
    warnings: [],
  };
}

/**
 * Records the error that ended the run. A rollout that failed after the target was changed keeps
 * status failed, and its explanation keeps what happened before the error.
 */
export function markRollbackErrored(report: RollbackReport, message: string): void {
  if (report.status !== 'failed') report.status = 'error';
  report.explanation = report.status === 'failed' && report.explanation !== NOT_RUN ? `${report.explanation} ${message}` : message;
}

/** The report's ledger section: the ledger as read at the start, no entry written yet. */
export function ledgerSection(ledger: Ledger, events: LedgerEvent[]): NonNullable<RollbackReport['ledger']> {
  return { kind: ledger.kind, location: ledger.location, events, entryWritten: false };
}

const ICON: Record<RollbackStatus, string> = {
  recorded: '📝',
  'rolled-back': '⏪',
  'no-op': '✅',
  'dry-run': '🔍',
  failed: '❌',
  error: '⚠️',
};
const TITLE: Record<RollbackStatus, string> = {
  recorded: 'Release recorded',
  'rolled-back': 'Rolled back',
  'no-op': 'Nothing to do',
  'dry-run': 'Dry run: nothing changed',
  failed: 'Rollback failed',
  error: 'Could not run',
};

function code(v: string | undefined | null): string {
  return v === undefined || v === null || v === '' ? '' : `\`${v.replace(/`/g, "'")}\``;
}

/** The report as markdown for the job summary, verdict first. */
export function renderRollbackMarkdown(r: RollbackReport): string {
  const out: string[] = [];
  const where = r.environment ? ` (${r.environment})` : '';
  const change =
    r.fromVersion && r.toVersion ? `: ${r.fromVersion} → ${r.toVersion}` : r.mode === 'record' && r.version ? `: ${r.version}` : '';
  out.push(`## ${ICON[r.status]} ${TITLE[r.status]}${where}${change}`, '');
  out.push(tableCell(r.explanation), '');
  for (const w of r.warnings) out.push(`> [!WARNING]\n> ${tableCell(w)}`, '');

  const rows: [string, string][] = [];
  if (r.live) rows.push(['live at the start', `${code(r.live.version)} (${tableCell(r.live.source)})`]);
  if (r.request.expectedCurrent) rows.push(['expected-current', code(r.request.expectedCurrent)]);
  if (r.request.version) rows.push([r.mode === 'record' ? 'version' : 'requested version', code(r.request.version)]);
  if (r.request.reason) rows.push(['reason', tableCell(r.request.reason)]);
  if (r.request.trigger) rows.push(['trigger', tableCell(r.request.trigger)]);
  if (r.skipped?.length) rows.push(['skipped', r.skipped.map((s) => `${code(s.version)} (${tableCell(s.why)})`).join(', ')]);
  if (r.target) rows.push(['target', tableCell(r.target.description)]);
  if (r.ledger) rows.push(['ledger', tableCell(r.ledger.location)]);
  if (rows.length) {
    out.push('| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`), '');
  }
  if (r.target?.commands.length) {
    out.push(r.target.ran ? 'Commands run:' : 'Commands that would run:', '', '```sh', ...r.target.commands, '```', '');
  }
  if (r.ledger?.entry) {
    out.push(
      r.ledger.entryWritten ? 'Ledger entry written:' : 'Ledger entry that would be written:',
      '',
      '```json',
      JSON.stringify(r.ledger.entry, null, 2),
      '```',
      '',
    );
  }
  if (r.ledger) out.push(...ledgerTable(r.ledger.events));
  if (r.error) out.push(`**Error:** ${tableCell(r.error.message)}`, '');
  const footer = renderRunFooter(r.run);
  if (footer) out.push(footer, '');
  return out.join('\n');
}

function ledgerTable(events: LedgerEvent[], limit = 15): string[] {
  if (events.length === 0) return ['The ledger was empty.', ''];
  const bad = badVersions(events);
  const out = [
    `<details><summary>The ledger before this run (${events.length} entr${events.length === 1 ? 'y' : 'ies'}, newest first)</summary>`,
    '',
    '| | version | state | at | commit | run |',
    '|---|---|---|---|---|---|',
  ];
  for (const e of [...events].reverse().slice(0, limit)) {
    if (e.type === 'release') {
      const b = bad.get(e.version);
      const state = [e.verified ? 'verified' : 'not verified', b ? `bad (rolled back to ${b.to})` : ''].filter(Boolean).join(', ');
      out.push(
        `| release | ${code(e.version)} | ${state} | ${e.at} | ${code(e.commit?.slice(0, 12))} | ${e.runUrl ? `[run](${e.runUrl})` : ''} |`,
      );
    } else {
      out.push(
        `| rollback | ${code(e.from)} → ${code(e.to)} | ${e.outcome}: ${tableCell(e.reason)} | ${e.at} | | ${e.runUrl ? `[run](${e.runUrl})` : ''} |`,
      );
    }
  }
  if (events.length > limit) out.push('', `${events.length - limit} older entries are in the JSON report.`);
  out.push('', '</details>', '');
  return out;
}
