import { Avatar, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The responsible's initials (their full name on hover and for screen readers). */
export function ResponsibleAvatar({ name }: { name: string | null }) {
  const { t } = useTranslation();
  if (!name) return null;
  const label = t('board.responsible', { name });
  return (
    <Tooltip label={name} withinPortal>
      <Avatar
        name={name}
        color="initials"
        size={24}
        radius="xl"
        role="img"
        aria-label={label}
        data-testid="responsible-avatar"
      />
    </Tooltip>
  );
}
