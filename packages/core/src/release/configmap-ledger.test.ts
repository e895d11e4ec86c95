import { describe, expect, it } from 'vitest';

import { appendEvent, LEDGER_SCHEMA, MAX_EVENTS, parseLedgerDocument } from './configmap-ledger.js';

describe('configmap ledger document', () => {
  it('parses its own schema and refuses anything else', () => {
    const doc = { schema: LEDGER_SCHEMA, environment: 'p', events: [{ type: 'release', id: '1', version: 'v1', at: 't', verified: true }] };
    expect(parseLedgerDocument(JSON.stringify(doc), 'X')).toEqual(doc.events);
    expect(() => parseLedgerDocument('{', 'X')).toThrow('The ledger X is not valid JSON');
    expect(() => parseLedgerDocument('{"schema":"other","events":[]}', 'X')).toThrow('is not an ml-gate release ledger');
    expect(() => parseLedgerDocument(JSON.stringify({ ...doc, events: [{ type: 'release', id: '1' }] }), 'X')).toThrow('malformed event #1');
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
