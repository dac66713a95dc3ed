import type { components } from '../../api/schema';
import { adminUser } from '../../test/api';

type Client = components['schemas']['ClientRead'];

/** A client as the API returns it, for tests. */
export const client = (id: string, name: string, overrides: Partial<Client> = {}): Client => ({
  id,
  kind: 'company',
  name,
  legal_name: null,
  inn: null,
  kpp: null,
  ogrn: null,
  edrpou: null,
  sector: null,
  segment_tags: [],
  source: { channel: null, campaign: null, utm: {} },
  temperature: 'warm',
  relationship_type: 'current',
  responsible_id: adminUser.id,
  custom_fields: {},
  notes: null,
  inbound_requests: 0,
  contacts: [],
  created_by: null,
  created_at: '2025-01-10T10:00:00Z',
  updated_at: '2025-01-11T10:00:00Z',
  version: 1,
  ...overrides,
});
