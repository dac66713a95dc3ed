import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
} from '@dnd-kit/core';
import {
  Anchor,
  Badge,
  Box,
  Card,
  Center,
  Group,
  Loader,
  Menu,
  ScrollArea,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { problemText } from '../../api/problemText';
import { formatMoney } from '../deals/money';
import { LoadError } from '../shell/LoadError';
import { useGiveDeal, useWorkload, type ManagerLoad, type WorkloadCard } from './distribution';

interface CardData {
  card: WorkloadCard;
  from: string;
}

/** A head's view of the team's load, a column per person; a deal card dragged (or given
 * through its menu, from the keyboard) to another person's column becomes theirs. */
export function WorkloadBoard() {
  const { t } = useTranslation();
  const workload = useWorkload();
  const give = useGiveDeal();
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor),
  );
  const managers = workload.data?.managers ?? [];
  const nameOf = (id: string | number | undefined) =>
    managers.find((m) => m.user_id === id)?.full_name ?? '';
  const titleOf = (data: unknown) => (data as CardData | undefined)?.card.title ?? '';
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('workload.dnd.picked', { title: titleOf(active.data.current) }),
    onDragOver: ({ active, over }) =>
      t('workload.dnd.over', { title: titleOf(active.data.current), name: nameOf(over?.id) }),
    onDragEnd: ({ active, over }) =>
      t('workload.dnd.dropped', { title: titleOf(active.data.current), name: nameOf(over?.id) }),
    onDragCancel: ({ active }) =>
      t('workload.dnd.cancelled', { title: titleOf(active.data.current) }),
  };

  const giveTo = (card: WorkloadCard, to: string) =>
    give.mutate(
      { card, to },
      {
        onSuccess: () =>
          notifications.show({
            color: 'green',
            message: t('workload.given', { title: card.title, name: nameOf(to) }),
          }),
        onError: (error) => notifications.show({ color: 'red', message: problemText(error, t) }),
      },
    );

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const data = active.data.current as CardData | undefined;
    if (!data || !over || over.id === data.from) return;
    giveTo(data.card, String(over.id));
  };

  return (
    <Stack>
      <Title order={2}>{t('workload.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('workload.hint')}
      </Text>
      {workload.isPending ? (
        <Center>
          <Loader />
        </Center>
      ) : workload.isError ? (
        <LoadError retrying={workload.isFetching} onRetry={() => void workload.refetch()} />
      ) : managers.length === 0 ? (
        <Text c="dimmed">{t('workload.empty')}</Text>
      ) : (
        <DndContext
          sensors={sensors}
          onDragEnd={onDragEnd}
          accessibility={{
            announcements,
            screenReaderInstructions: { draggable: t('workload.dnd.instructions') },
          }}
        >
          <ScrollArea type="auto" offsetScrollbars>
            <Group align="start" wrap="nowrap" gap="sm">
              {managers.map((manager) => (
                <ManagerColumn
                  key={manager.user_id}
                  manager={manager}
                  others={managers.filter((m) => m.user_id !== manager.user_id)}
                  onGive={giveTo}
                />
              ))}
            </Group>
          </ScrollArea>
        </DndContext>
      )}
    </Stack>
  );
}

function ManagerColumn({
  manager,
  others,
  onGive,
}: {
  manager: ManagerLoad;
  others: ManagerLoad[];
  onGive: (card: WorkloadCard, to: string) => void;
}) {
  const { t } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id: manager.user_id });
  return (
    <Box
      ref={setNodeRef}
      component="section"
      aria-label={manager.full_name}
      data-testid="workload-column"
      w={260}
      miw={260}
      p="xs"
      bg={isOver ? 'blue.0' : 'gray.0'}
      style={{ borderRadius: 'var(--mantine-radius-md)', alignSelf: 'stretch' }}
    >
      <Stack gap={6} mb="xs">
        <Group justify="space-between" wrap="wrap" gap={4}>
          <Title order={3} size="h5">
            {manager.full_name}
          </Title>
          <Badge variant="light" color={manager.on_duty ? 'green' : 'gray'}>
            {manager.on_duty ? t('workload.onDuty') : t('workload.offDuty')}
          </Badge>
        </Group>
        <Group gap={6} wrap="wrap">
          <Figure label={t('workload.openLeads')} value={manager.open_leads} testId="open-leads" />
          <Figure label={t('workload.openDeals')} value={manager.open_deals} testId="open-deals" />
          <Figure
            label={t('workload.overdueTasks')}
            value={manager.overdue_tasks}
            testId="overdue-tasks"
            alert={manager.overdue_tasks > 0}
          />
          <Figure
            label={t('workload.callsToday')}
            value={manager.calls_today}
            testId="calls-today"
          />
        </Group>
      </Stack>
      <Stack gap="xs">
        {manager.deals.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('workload.noDeals')}
          </Text>
        ) : (
          manager.deals.map((card) => (
            <WorkCard
              key={card.deal_id}
              card={card}
              from={manager.user_id}
              others={others}
              onGive={onGive}
            />
          ))
        )}
      </Stack>
    </Box>
  );
}

function Figure({
  label,
  value,
  testId,
  alert = false,
}: {
  label: string;
  value: number;
  testId: string;
  alert?: boolean;
}) {
  return (
    <Badge
      variant={alert ? 'filled' : 'outline'}
      color={alert ? 'red' : 'gray'}
      data-testid={testId}
    >
      {label}: {value}
    </Badge>
  );
}

function WorkCard({
  card,
  from,
  others,
  onGive,
}: {
  card: WorkloadCard;
  from: string;
  others: ManagerLoad[];
  onGive: (card: WorkloadCard, to: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({
    id: card.deal_id,
    data: { card, from } satisfies CardData,
    attributes: { role: 'group', roleDescription: t('a11y.dealCard') },
  });
  return (
    <Card
      ref={setNodeRef}
      withBorder
      padding="xs"
      data-testid="workload-card"
      aria-label={card.title}
      style={{ opacity: isDragging ? 0.4 : undefined, cursor: 'grab', touchAction: 'none' }}
      {...attributes}
      {...listeners}
    >
      <Group justify="space-between" wrap="nowrap" align="start" gap={4}>
        <Anchor component={Link} to={`/deals/${card.deal_id}`} size="sm" fw={500} lineClamp={2}>
          {card.title}
        </Anchor>
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <UnstyledButton
              aria-label={t('workload.giveTo', { title: card.title })}
              px={4}
              // Enter and space open the menu; the card's drag sensor must not take them.
              onKeyDown={(event) => event.stopPropagation()}
            >
              ⋯
            </UnstyledButton>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>{t('workload.giveToLabel')}</Menu.Label>
            {others.map((other) => (
              <Menu.Item key={other.user_id} onClick={() => onGive(card, other.user_id)}>
                {other.full_name}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>
      {card.client_name ? (
        <Text size="xs" c="dimmed" lineClamp={1}>
          {card.client_name}
        </Text>
      ) : null}
      <Group gap={4} mt={4} wrap="wrap">
        {card.stage_name ? (
          <Badge size="xs" variant="light">
            {card.stage_name}
          </Badge>
        ) : null}
        {card.from_lead ? (
          <Badge size="xs" color="orange" variant="light">
            {t('workload.lead')}
          </Badge>
        ) : null}
        {card.amount != null ? (
          <Text size="xs">{formatMoney(String(card.amount), card.currency, i18n.language)}</Text>
        ) : null}
      </Group>
    </Card>
  );
}
