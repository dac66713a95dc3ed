import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A settings row's "Delete" button: it asks `confirmText` first. */
export function DeleteButton({
  onDelete,
  confirmText,
}: {
  onDelete: () => void;
  confirmText: string;
}) {
  const { t } = useTranslation();
  return (
    <Button
      size="xs"
      variant="subtle"
      color="red"
      onClick={() => {
        if (window.confirm(confirmText)) onDelete();
      }}
    >
      {t('settings.delete')}
    </Button>
  );
}

/** A settings row's "Edit" and "Delete" buttons; deleting asks `confirmText` first. */
export function RowActions({
  onEdit,
  onDelete,
  confirmText,
}: {
  onEdit: () => void;
  onDelete: () => void;
  confirmText: string;
}) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" justify="flex-end" wrap="nowrap">
      <Button size="xs" variant="default" onClick={onEdit}>
        {t('settings.edit')}
      </Button>
      <DeleteButton onDelete={onDelete} confirmText={confirmText} />
    </Group>
  );
}
