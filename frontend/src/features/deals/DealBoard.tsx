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
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { DealCard } from './DealCard';
import { Estimated } from './Estimated';
import { formatMoney } from './money';
import { useDealDragEnd } from './moveDeal';
import { useBoard, useBoardColumnPages, type Board, type DealFilters } from './queries';
import { StageRequirementsHost } from './StageRequirementsModal';

type Column = Board['columns'][number];
type Stage = Board['funnel']['stages'][number];

/** The funnel's open deals the filters select, a column per stage. */
export function DealBoard({ filters }: { filters: DealFilters }) {
  const board = useBoard(filters);
  const onDragEnd = useDealDragEnd();
  // A small distance before a drag starts lets clicks reach the card's menu.
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor),
  );

  const columns = new Map(board.data?.columns.map((column) => [column.stage_id, column]));
  const stages = [...(board.data?.funnel.stages ?? [])].sort((a, b) => a.position - b.position);

  if (board.isPending) {
    return (
      <Center>
        <Loader />
      </Center>
    );
  }
  if (board.isError) {
    return <LoadError retrying={board.isFetching} onRetry={() => void board.refetch()} />;
  }
  return (
    <DndContext sensors={sensors} onDragEnd={onDragEnd}>
      <ScrollArea type="auto" offsetScrollbars>
        <Group align="start" wrap="nowrap" gap="sm">
          {stages.map((stage) => (
            <StageColumn
              key={stage.id}
              filters={filters}
              stage={stage}
              column={columns.get(stage.id)}
            />
          ))}
        </Group>
      </ScrollArea>
      {/* A refused drop that lacks documents or fields asks for them here. */}
      <StageRequirementsHost />
    </DndContext>
  );
}

function StageColumn({
  filters,
  stage,
  column,
}: {
  filters: DealFilters;
  stage: Stage;
  column: Column | undefined;
}) {
  const { t, i18n } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id: stage.id });
  const count = column?.count ?? 0;
  // The column's count and sums are estimated when the server says so (exact: false).
  const exact = column?.exact ?? true;
  const more = useBoardColumnPages(filters, stage.id, column?.next_cursor ?? null);
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
            <Estimated exact={exact}>{count}</Estimated>
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {t('deals.probability', { value: Number(stage.probability) })}
        </Text>
        {column?.totals.map((total) => (
          <Text key={total.currency} size="sm" fw={500}>
            <Estimated exact={exact}>
              {formatMoney(total.amount, total.currency, i18n.language)}
            </Estimated>
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
