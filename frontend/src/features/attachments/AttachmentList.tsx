import {
  ActionIcon,
  Anchor,
  Button,
  Group,
  Loader,
  Modal,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { problemText } from '../../api/problemText';
import { AttachmentUpload } from './AttachmentUpload';
import {
  downloadAttachment,
  useAttachments,
  useDeleteAttachment,
  useDocumentTypes,
  type Attachment,
  type FileOwner,
} from './queries';

/** Size in the reader's units: bytes, KB or MB. */
function formatSize(bytes: number, language: string): string {
  const format = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${format.format(bytes)} B`;
  if (bytes < 1024 * 1024) return `${format.format(bytes / 1024)} KB`;
  return `${format.format(bytes / 1024 / 1024)} MB`;
}

/** The files of a client or a deal: upload with a document type, download, delete. */
export function AttachmentList({ owner }: { owner: FileOwner }) {
  const { t, i18n } = useTranslation();
  const files = useAttachments(owner);
  const types = useDocumentTypes();
  const remove = useDeleteAttachment();
  const [deleting, setDeleting] = useState<Attachment | null>(null);
  const typeName = (code: string) => types.data?.find((item) => item.code === code)?.name ?? code;
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });

  const download = (attachment: Attachment) =>
    downloadAttachment(attachment).catch((error: unknown) =>
      notifications.show({
        color: 'red',
        title: t('errors.title'),
        message: problemText(error, t),
      }),
    );

  return (
    <Stack gap="sm" data-testid="deal-files">
      <AttachmentUpload owner={owner} />
      {files.isPending ? (
        <Loader size="sm" />
      ) : files.isError ? (
        <LoadError onRetry={() => void files.refetch()} retrying={files.isFetching} />
      ) : files.data.length === 0 ? (
        <Text c="dimmed">{t('files.none')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('files.file')}</Table.Th>
                <Table.Th>{t('files.documentType')}</Table.Th>
                <Table.Th>{t('files.size')}</Table.Th>
                <Table.Th>{t('files.added')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {files.data.map((attachment) => (
                <Table.Tr key={attachment.id}>
                  <Table.Td>
                    <Anchor
                      component="button"
                      type="button"
                      onClick={() => void download(attachment)}
                    >
                      {attachment.filename}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{typeName(attachment.document_type)}</Table.Td>
                  <Table.Td>{formatSize(attachment.size, i18n.language)}</Table.Td>
                  <Table.Td>{date.format(new Date(attachment.created_at))}</Table.Td>
                  <Table.Td>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t('files.delete', { name: attachment.filename })}
                      onClick={() => setDeleting(attachment)}
                    >
                      ✕
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={t('files.deleteTitle')}
      >
        <Stack>
          <Text>{t('files.deleteConfirm', { name: deleting?.filename ?? '' })}</Text>
          <Group justify="end">
            <Button variant="default" onClick={() => setDeleting(null)}>
              {t('files.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() =>
                deleting &&
                remove.mutate(deleting.id, {
                  onSuccess: () => {
                    setDeleting(null);
                    notifications.show({ color: 'green', message: t('files.deleted') });
                  },
                })
              }
            >
              {t('files.deleteAction')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
