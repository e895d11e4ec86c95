import { describe, expect, it } from 'vitest';

import { parsed } from '../errors.js';
import { appendEvent, LEDGER_SCHEMA, MAX_EVENTS, parseLedgerDocument } from './configmap-ledger.js';

describe('configmap ledger document', () => {
  it('parses its own schema and refuses anything else', () => {
    const doc = { schema: LEDGER_SCHEMA, environment: 'p', events: [{ type: 'release', id: '1', version: 'v1', at: 't', verified: true }] };
    // the failure follows "The ledger <where> " (ConfigMapLedger's words; main.test.ts sees the whole message)
    const failure = (text: string) => {
      const r = parseLedgerDocument(text);
      return r.ok ? 'parsed' : r.error;
    };
    expect(parseLedgerDocument(JSON.stringify(doc))).toEqual(parsed(doc.events));
    expect(failure('{')).toMatch(/^is not valid JSON \(/);
    expect(failure('{"schema":"other","events":[]}')).toContain('is not an ml-gate release ledger');
    expect(failure(JSON.stringify({ ...doc, events: [{ type: 'release', id: '1' }] }))).toContain('malformed event #1');
  });
  it('numbers events and keeps the newest MAX_EVENTS', () => {
    const one = appendEvent([], { type: 'release', version: 'v1', at: 't', verified: true });
    expect(one.map((e) => e.id)).toEqual(['1']);
    let events = one;
    for (let i = 0; i < MAX_EVENTS; i++) events = appendEvent(events, { type: 'release', version: `v${i + 2}`, at: 't', verified: true });
    expect(events).toHaveLength(MAX_EVENTS);
    expect(events[0].id).toBe('2');
    expect(events.at(-1)!.id).toBe(String(MAX_EVENTS + 1));
  });
});
