import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { leadKeys } from './leads';
import { intakeKeys } from './queries';

export type IntakeForm = components['schemas']['FormRead'];
export type IntakeFormWithSecret = components['schemas']['FormWithSecret'];
export type IntakeFormCreate = components['schemas']['FormCreate'];
export type IntakeFormUpdate = components['schemas']['FormUpdate'];
export type LeadField = components['schemas']['LeadField'];
export type InboxItem = components['schemas']['InboxItemRead'];

export const LEAD_FIELDS: readonly LeadField[] = [
  'name',
  'phone',
  'email',
  'comment',
  'product',
  'company',
];

export const formKeys = {
  all: [...intakeKeys.all, 'forms'] as const,
  list: () => [...formKeys.all, 'list'] as const,
};

/** Forms are a handful per organisation: the first page of 200 is all of them. */
export function useIntakeForms() {
  return useQuery({
    queryKey: formKeys.list(),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/intake/form-settings', { params: { query: { limit: 200 } }, signal }),
      ),
  });
}

export function useCreateIntakeForm() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (body: IntakeFormCreate) =>
      unwrap(api.POST('/api/v1/intake/form-settings', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: formKeys.all }),
  });
}

export function useUpdateIntakeForm() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ form, body }: { form: IntakeForm; body: IntakeFormUpdate }) =>
      unwrap(
        api.PATCH('/api/v1/intake/form-settings/{form_id}', {
          params: { path: { form_id: form.id }, header: { 'If-Match': `"v${form.version}"` } },
          body,
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: formKeys.all }),
  });
}

export function useRotateFormSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (form: IntakeForm) =>
      unwrap(
        api.POST('/api/v1/intake/form-settings/{form_id}/rotate-secret', {
          params: { path: { form_id: form.id }, header: { 'If-Match': `"v${form.version}"` } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: formKeys.all }),
  });
}

/** Where a site posts: the address the browser sees the CRM at, plus the form's path. */
export function webhookUrl(form: IntakeForm, origin = window.location.origin): string {
  return `${origin}${form.post_path}`;
}

export function embedSnippet(form: IntakeForm, origin = window.location.origin): string {
  return `<script src="${origin}${form.embed_path}" async></script>`;
}

const TEST_WAIT_MS = 30_000;
const TEST_POLL_MS = 1_000;

/**
 * A test lead through the real public endpoint, as a site would post it (urlencoded, no
 * sign-in), then the stored request read back until the worker has processed it: what came of
 * it (a client, a deal, the lead in the inbox) or why not.
 */
export function useSendTestLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ form, phone }: { form: IntakeForm; phone: string }) => {
      const fields = new URLSearchParams({
        name: 'Тестовая заявка',
        phone,
        comment: 'Проверка формы из настроек CRM',
        utm_source: 'crm-test',
      });
      const { id } = await unwrap(
        api.POST('/api/v1/intake/forms/{form_key}', {
          params: { path: { form_key: form.key } },
          // Sent as a site's form sends it (urlencoded); the typed body is empty.
          body: {},
          bodySerializer: () => fields.toString(),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        }),
      );
      const deadline = Date.now() + TEST_WAIT_MS;
      let item: InboxItem;
      do {
        await new Promise((resolve) => setTimeout(resolve, TEST_POLL_MS));
        item = await unwrap(
          api.GET('/api/v1/intake/inbox/{item_id}', { params: { path: { item_id: id } } }),
        );
      } while (item.state === 'pending' && Date.now() < deadline);
      return item;
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: intakeKeys.all }),
        queryClient.invalidateQueries({ queryKey: leadKeys.all }),
      ]),
  });
}
