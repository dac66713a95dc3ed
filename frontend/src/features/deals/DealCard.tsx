import { useDraggable } from '@dnd-kit/core';
import { ActionIcon, Anchor, Badge, Card, Group, Menu, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { DealLoseModal } from './DealLoseModal';
import { formatMoney } from './money';
import type { DealDragData } from './moveDeal';
import { useWinDeal, type Deal } from './queries';
import { ResponsibleAvatar } from './ResponsibleAvatar';

/** A board card; `moving` while its move waits for the server (shown, not yet confirmed). */
export function DealCard({ deal, moving = false }: { deal: Deal; moving?: boolean }) {
  const { t, i18n } = useTranslation();
  const win = useWinDeal();
  const [losing, setLosing] = useState(false);
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({
    id: deal.id,
    data: { deal } satisfies DealDragData,
    // A group, not a button: the card holds a link and a menu, which a button may not (axe
    // nested-interactive); it stays focusable and moved with the keyboard as before.
    attributes: { role: 'group', roleDescription: t('a11y.dealCard') },
  });
  const navigate = useNavigate();
  // A drop ends with a click on the card; only a click that started no drag opens the deal.
  const dragged = useRef(false);
  useEffect(() => {
    if (isDragging) dragged.current = true;
  }, [isDragging]);

  return (
    <>
      <Card
        ref={setNodeRef}
        withBorder
        padding="sm"
        data-testid="deal-card"
        aria-label={deal.title}
        data-moving={moving || undefined}
        aria-busy={moving || undefined}
        style={{
          // The drag overlay follows the pointer; the card itself stays, dimmed, in its column.
          opacity: isDragging ? 0.4 : moving ? 0.7 : undefined,
          cursor: 'grab',
          touchAction: 'none',
        }}
        {...attributes}
        {...listeners}
        onPointerDownCapture={() => {
          dragged.current = false;
        }}
        onClick={() => {
          if (!dragged.current) void navigate(`/deals/${deal.id}`);
        }}
      >
        <Group justify="space-between" wrap="nowrap" align="start" gap="xs">
          {/* A real link too: keyboard users and "open in a new tab" reach the deal page. */}
          <Anchor
            component={Link}
            to={`/deals/${deal.id}`}
            fw={500}
            size="sm"
            lineClamp={2}
            c="inherit"
            aria-label={t('dealPage.open', { title: deal.title })}
            onKeyDown={(event) => event.stopPropagation()}
            onClick={(event) => {
              event.stopPropagation();
              if (dragged.current) event.preventDefault();
            }}
          >
            {deal.title}
          </Anchor>
          {/* The menu must not start a drag nor open the deal: its events stop here. */}
          <div
            onPointerDown={(event) => event.stopPropagation()}
            onClick={(event) => event.stopPropagation()}
          >
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <ActionIcon variant="subtle" size="sm" aria-label={t('deals.actions')}>
                  ⋯
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item
                  color="green"
                  onClick={() =>
                    win.mutate(deal.id, {
                      onSuccess: () =>
                        notifications.show({ color: 'green', message: t('deals.won') }),
                    })
                  }
                >
                  {t('deals.win')}
                </Menu.Item>
                <Menu.Item color="red" onClick={() => setLosing(true)}>
                  {t('deals.lose')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </div>
        </Group>
        {deal.client_name ? (
          <Text size="xs" c="dimmed">
            {deal.client_name}
          </Text>
        ) : null}
        <Group justify="space-between" mt={4} wrap="nowrap">
          <Text size="sm">{formatMoney(deal.amount, deal.currency, i18n.language)}</Text>
          <Group gap={6} wrap="nowrap">
            {deal.is_stale ? (
              <Badge color="orange" size="xs">
                {t('deals.stale')}
              </Badge>
            ) : null}
            <ResponsibleAvatar name={deal.responsible_name} />
          </Group>
        </Group>
      </Card>
      {/* Outside the card: events of a portal still bubble to the card's drag listeners. */}
      {losing ? <DealLoseModal deal={deal} onClose={() => setLosing(false)} /> : null}
    </>
  );
}

/** What a dragged card looks like under the pointer (dnd-kit's DragOverlay). */
export function DealCardPreview({ deal }: { deal: Deal }) {
  const { i18n } = useTranslation();
  return (
    <Card withBorder padding="sm" shadow="md" style={{ cursor: 'grabbing', width: 256 }}>
      <Text fw={500} size="sm" lineClamp={2}>
        {deal.title}
      </Text>
      {deal.client_name ? (
        <Text size="xs" c="dimmed">
          {deal.client_name}
        </Text>
      ) : null}
      <Group justify="space-between" mt={4} wrap="nowrap">
        <Text size="sm">{formatMoney(deal.amount, deal.currency, i18n.language)}</Text>
        <ResponsibleAvatar name={deal.responsible_name} />
      </Group>
    </Card>
  );
}
