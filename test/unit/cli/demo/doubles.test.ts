/**
 * The demo's "nothing doubled" count (src/cli/demo/doubles.ts): keys are normalised as the
 * engine compares them, so a customer typed twice differently is found doubled; archived
 * records and records the side's filter leaves out are not counted.
 */
import { describe, expect, it } from 'vitest';
import type { ChangePage, Connector, SourceRecord } from '../../../../src/connector/index.ts';
import { loadMappings } from '../../../../src/mapping/load.ts';
import { sideKeys } from '../../../../src/cli/demo/doubles.ts';
import { projectRoot } from '../../../support/env.ts';

const loaded = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot, examples: false });
const contacts = loaded.mappings.find((l) => l.mapping.id === 'contacts-partners')?.mapping;
if (!contacts) throw new Error('contacts-partners is not shipped');

let at = 0;
const contact = (id: string, fields: Record<string, unknown>, archived = false): SourceRecord => ({
  id,
  object: 'contacts',
  modifiedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, at++)).toISOString(),
  fields: { lifecyclestage: 'customer', ...fields },
  ...(archived ? { archived } : {}),
});

/** A connector that lists `pages` (the same record may come twice, as overlapping pages do). */
function listing(pages: SourceRecord[][]): Connector {
  return {
    async *listChanges(): AsyncIterable<ChangePage> {
      for (const records of pages) {
        const last = records[records.length - 1];
        yield { records, cursor: { timestamp: last?.modifiedAt ?? '', id: last?.id ?? '' } };
      }
    },
  } as unknown as Connector;
}

describe('sideKeys', () => {
  it('counts each live, accepted record once by its normalised key', async () => {
    const ann = contact('1', { email: 'ann@acme.example' });
    const keys = await sideKeys(
      contacts,
      'crm',
      listing([
        [ann, contact('2', { email: 'bob@acme.example' })],
        // Read again by an overlapping page, archived, and left out by the filter: none of them a double.
        [
          ann,
          contact('3', { email: 'ANN@acme.example' }, true),
          contact('4', { email: 'ann@acme.example', lifecyclestage: 'lead' }),
        ],
        [contact('5', { firstname: 'No', lastname: 'Email' })],
      ]),
    );
    expect(keys).toEqual({ side: 'crm', records: 3, keys: 2, keyless: 1, doubled: [] });
  });

  it('finds a customer typed twice, differently', async () => {
    const keys = await sideKeys(
      contacts,
      'crm',
      listing([[contact('1', { email: ' Ann@ACME.example ' }), contact('2', { email: 'ann@acme.example' })]]),
    );
    expect(keys.doubled).toEqual([{ key: 'email: ann@acme.example', ids: ['1', '2'] }]);
  });
});
