import { describe, expect, it } from 'vitest';

import { inputValue, UserError } from '../../errors.js';
import { columnThresholds, DEFAULT_DRIFT_THRESHOLDS, parseColumnDriftThresholds, parseDriftThresholds } from './thresholds.js';

describe('parseDriftThresholds', () => {
  it('reads every statistic, off included; empty is none', () => {
    expect(parseDriftThresholds('psi=0.2, ks-p=0.05, chi2-p=off, js=0.1')).toEqual({
      ok: true,
      value: { psi: 0.2, ksP: 0.05, chi2P: null, js: 0.1 },
    });
    expect(parseDriftThresholds(' PSI = 0.3 ')).toEqual({ ok: true, value: { psi: 0.3 } });
    expect(parseDriftThresholds('')).toEqual({ ok: true, value: {} });
  });

  it('says what is wrong, worded for "Input NAME is ...: ..."', () => {
    expect(parseDriftThresholds('psi')).toEqual({ ok: false, error: "'psi' is not statistic=value" });
    expect(parseDriftThresholds('kl=0.1')).toEqual({ ok: false, error: "'kl' is not a drift statistic (psi, ks-p, chi2-p, js)" });
    expect(parseDriftThresholds('ks-p=1.5')).toEqual({ ok: false, error: 'ks-p=1.5 is not a p-value between 0 and 1 or off' });
    expect(parseDriftThresholds('psi=-1')).toEqual({ ok: false, error: 'psi=-1 is not a PSI above 0 or off' });
    expect(parseDriftThresholds('psi=0.1, psi=0.2')).toEqual({ ok: false, error: "'psi' is given twice" });
    const e = (() => {
      try {
        inputValue('drift-thresholds', parseDriftThresholds('js=abc'), { shown: 'js=abc' });
      } catch (error) {
        return error as UserError;
      }
    })();
    expect(e?.message).toBe("Input drift-thresholds is 'js=abc': js=abc is not a distance between 0 and 1 or off.");
  });
});

describe('parseColumnDriftThresholds', () => {
  it('one column a line; comments and blank lines skipped; a colon in a name kept', () => {
    expect(parseColumnDriftThresholds('age: psi=0.3, ks-p=off\n\n# note\ntime:utc: js=0.2')).toEqual({
      ok: true,
      value: { age: { psi: 0.3, ksP: null }, 'time:utc': { js: 0.2 } },
    });
  });

  it('names the line at fault', () => {
    expect(parseColumnDriftThresholds('age psi=0.3')).toEqual({
      ok: false,
      error: "line 1 ('age psi=0.3') is not column: statistic=value, ...",
    });
    expect(parseColumnDriftThresholds('a: psi=1\nb: psi=x')).toEqual({
      ok: false,
      error: "line 2 (column 'b'): psi=x is not a PSI above 0 or off",
    });
    expect(parseColumnDriftThresholds('a: psi=1\na: js=0.2')).toEqual({ ok: false, error: "line 2: column 'a' is given twice" });
  });
});

describe('columnThresholds', () => {
  it('defaults, then the input, then the column', () => {
    expect(DEFAULT_DRIFT_THRESHOLDS).toEqual({ psi: 0.2, ksP: null, chi2P: null, js: 0.1 });
    expect(columnThresholds('age', { ksP: 0.01 }, { age: { psi: null } })).toEqual({ psi: null, ksP: 0.01, chi2P: null, js: 0.1 });
    expect(columnThresholds('other', { ksP: 0.01 }, { age: { psi: null } })).toEqual({ psi: 0.2, ksP: 0.01, chi2P: null, js: 0.1 });
  });
});
