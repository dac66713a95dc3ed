import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

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
    </Group>
  );
}
