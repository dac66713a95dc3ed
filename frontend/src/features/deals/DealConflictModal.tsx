import { Alert, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Change } from './dealChanges';

/** A save refused with 412: the record (a deal, or a client with other texts) changed
 * meanwhile. Lists what changed, offers to reload. */
export function DealConflictModal({
  changes,
  onReload,
  onOverwrite,
  onClose,
  overwriting,
  title,
  text,
}: {
  /** The dialog's title and explanation when the record is not a deal. */
  title?: string;
  text?: string;
  changes: Change[];
  onReload: () => void;
  /** Re-sends the refused edit on top of the fresh deal; absent when there is nothing to send. */
  onOverwrite?: () => void;
  onClose: () => void;
  overwriting?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened onClose={onClose} title={title ?? t('dealPage.conflictTitle')} size="lg">
      <Stack data-testid="deal-conflict">
        <Alert color="orange">{text ?? t('dealPage.conflictText')}</Alert>
        {changes.length === 0 ? (
          <Text c="dimmed">{t('dealPage.conflictNoFields')}</Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('dealPage.conflictField')}</Table.Th>
                <Table.Th>{t('dealPage.conflictWas')}</Table.Th>
                <Table.Th>{t('dealPage.conflictNow')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {changes.map((change) => (
                <Table.Tr key={change.field}>
                  <Table.Td>{change.label}</Table.Td>
                  <Table.Td>{change.before}</Table.Td>
                  <Table.Td>{change.after}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Group justify="end">
          {onOverwrite ? (
            <Button variant="default" onClick={onOverwrite} loading={overwriting}>
              {t('dealPage.conflictOverwrite')}
            </Button>
          ) : null}
          <Button onClick={onReload}>{t('dealPage.conflictReload')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
