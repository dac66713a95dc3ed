import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type Attachment = components['schemas']['AttachmentRead'];
export type DocumentType = components['schemas']['DocumentTypeRead'];

/** Files of a client or of a deal. */
export interface FileOwner {
  clientId?: string;
  dealId?: string;
}

export const attachmentKeys = {
  all: ['attachments'] as const,
  list: (owner: FileOwner) => [...attachmentKeys.all, 'list', owner] as const,
  documentTypes: () => ['document-types'] as const,
};

export function useAttachments(owner: FileOwner) {
  return useQuery({
    queryKey: attachmentKeys.list(owner),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/attachments', {
          params: { query: { client_id: owner.clientId, deal_id: owner.dealId, limit: 200 } },
          signal,
        }),
      ),
    select: (page) => page.items,
  });
}

export function useDocumentTypes() {
  return useQuery({
    queryKey: attachmentKeys.documentTypes(),
    staleTime: 5 * 60_000,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/document-types', { signal })),
  });
}

/** POST /attachments as multipart/form-data. */
export function useUploadAttachment() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({
      owner,
      file,
      documentType,
    }: {
      owner: FileOwner;
      file: File;
      documentType: string;
    }) =>
      unwrap(
        api.POST('/api/v1/attachments', {
          body: {
            file: '',
            document_type: documentType,
            client_id: owner.clientId,
            deal_id: owner.dealId,
          },
          bodySerializer: () => {
            const form = new FormData();
            form.append('file', file, file.name);
            form.append('document_type', documentType);
            if (owner.dealId) form.append('deal_id', owner.dealId);
            else if (owner.clientId) form.append('client_id', owner.clientId);
            return form;
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: attachmentKeys.all }),
  });
}

export function useDeleteAttachment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.DELETE('/api/v1/attachments/{attachment_id}', {
          params: { path: { attachment_id: id } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: attachmentKeys.all }),
  });
}

/** Fetches the file with the session's token and hands it to the browser as a download. */
export async function downloadAttachment(attachment: Attachment): Promise<void> {
  const blob = await unwrap(
    api.GET('/api/v1/attachments/{attachment_id}/content', {
      params: { path: { attachment_id: attachment.id } },
      parseAs: 'blob',
    }),
  );
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = attachment.filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
