import {
  DndContext,
  PointerSensor,
  KeyboardSensor,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import {
  Badge,
  Box,
  Button,
  Center,
  Group,
  Loader,
  ScrollArea,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DealCard } from './DealCard';
import { formatMoney } from './money';
import { useDealDragEnd } from './moveDeal';
import { useBoard, useBoardColumnPages, useFunnels, type Board } from './queries';
import { StageRequirementsHost } from './StageRequirementsModal';

type Column = Board['columns'][number];
type Stage = Board['funnel']['stages'][number];

export function DealBoard() {
  const { t } = useTranslation();
  const funnels = useFunnels();
  const [chosen, setChosen] = useState<string | null>(null);
  const funnelId =
    chosen ??
    funnels.data?.find((funnel) => funnel.is_default)?.id ??
    funnels.data?.[0]?.id ??
    null;
  const board = useBoard(funnelId);
  const onDragEnd = useDealDragEnd();
  // A small distance before a drag starts lets clicks reach the card's menu.
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor),
  );

  const columns = new Map(board.data?.columns.map((column) => [column.stage_id, column]));
  const stages = [...(board.data?.funnel.stages ?? [])].sort((a, b) => a.position - b.position);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('deals.title')}</Title>
        <Select
          aria-label={t('deals.funnel')}
          data={(funnels.data ?? []).map((funnel) => ({ value: funnel.id, label: funnel.name }))}
          value={funnelId}
          onChange={(value) => value && setChosen(value)}
          allowDeselect={false}
        />
      </Group>
      {funnels.isPending || (funnelId !== null && board.isPending) ? (
        <Center>
          <Loader />
        </Center>
      ) : funnelId === null ? (
        <Text c="dimmed">{t('deals.noFunnels')}</Text>
      ) : board.isError ? (
        <Text c="dimmed">{t('errors.loadFailed')}</Text>
      ) : (
        <DndContext sensors={sensors} onDragEnd={onDragEnd}>
          <ScrollArea type="auto" offsetScrollbars>
            <Group align="start" wrap="nowrap" gap="sm">
              {stages.map((stage) => (
                <StageColumn
                  key={stage.id}
                  funnelId={funnelId}
                  stage={stage}
                  column={columns.get(stage.id)}
                />
              ))}
            </Group>
          </ScrollArea>
          {/* A refused drop that lacks documents or fields asks for them here. */}
          <StageRequirementsHost />
        </DndContext>
      )}
    </Stack>
  );
}

function StageColumn({
  funnelId,
  stage,
  column,
}: {
  funnelId: string;
  stage: Stage;
  column: Column | undefined;
}) {
  const { t, i18n } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id: stage.id });
  const count = column?.count ?? 0;
  const more = useBoardColumnPages(funnelId, stage.id, column?.next_cursor ?? null);
  const cards = [
    ...(column?.deals ?? []),
    ...(more.data?.pages.flatMap((page) => page.deals) ?? []),
  ];
  const hasMore = more.data ? more.hasNextPage : Boolean(column?.next_cursor);
  return (
    <Box
      ref={setNodeRef}
      component="section"
      aria-label={stage.name}
      data-testid="stage-column"
      w={280}
      miw={280}
      p="xs"
      bg={isOver ? 'blue.0' : 'gray.0'}
      style={{ borderRadius: 'var(--mantine-radius-md)', alignSelf: 'stretch' }}
    >
      <Stack gap={4} mb="xs">
        <Group justify="space-between" wrap="nowrap">
          <Title order={4} size="h5">
            {stage.name}
          </Title>
          <Badge variant="light" title={t('deals.count', { count })}>
            {count}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {t('deals.probability', { value: Number(stage.probability) })}
        </Text>
        {column?.totals.map((total) => (
          <Text key={total.currency} size="sm" fw={500}>
            {formatMoney(total.amount, total.currency, i18n.language)}
          </Text>
        ))}
      </Stack>
      <Stack gap="xs" mih={60}>
        {cards.length ? (
          cards.map((deal) => <DealCard key={deal.id} deal={deal} />)
        ) : (
          <Text size="xs" c="dimmed" ta="center">
            {t('deals.emptyColumn')}
          </Text>
        )}
        {hasMore && (
          <Button
            variant="subtle"
            size="xs"
            loading={more.isFetching}
            onClick={() => void more.fetchNextPage()}
          >
            {t('deals.showMore', { shown: cards.length, count })}
          </Button>
        )}
        {more.isError && (
          <Text size="xs" c="red">
            {t('errors.loadFailed')}
          </Text>
        )}
      </Stack>
    </Box>
  );
}
