import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragStartEvent,
} from '@dnd-kit/core';
import {
  ActionIcon,
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
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { DealCard, DealCardPreview } from './DealCard';
import { DealQuickAdd } from './DealQuickAdd';
import { Estimated } from './Estimated';
import { formatMoney } from './money';
import {
  columnKeyboardCoordinates,
  useDealMoves,
  withMoves,
  type DealDragData,
  type MovingDeal,
} from './moveDeal';
import { useBoard, useBoardColumnPages, type Board, type Deal, type DealFilters } from './queries';
import { StageRequirementsHost } from './StageRequirementsModal';

type Column = Board['columns'][number];
type Stage = Board['funnel']['stages'][number];

// A card's usual height and the gap between cards: the virtualiser measures the real ones.
const CARD_ESTIMATE = 104;
const CARD_GAP = 8;
// The next page is asked for when the last rendered card is this close to the end.
const PREFETCH_DISTANCE = 5;

/** The funnel's open deals the filters select, a column per stage. */
export function DealBoard({ filters }: { filters: DealFilters }) {
  const { t } = useTranslation();
  const board = useBoard(filters);
  const { onDragEnd, moving } = useDealMoves();
  const [dragged, setDragged] = useState<Deal | null>(null);
  // A small distance before a drag starts lets clicks reach the card's menu.
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnKeyboardCoordinates }),
  );

  const columns = new Map(board.data?.columns.map((column) => [column.stage_id, column]));
  const stages = [...(board.data?.funnel.stages ?? [])].sort((a, b) => a.position - b.position);
  const stageName = (id: string | number | undefined) =>
    stages.find((stage) => stage.id === id)?.name ?? '';
  const titleOf = (data: unknown) => (data as DealDragData | undefined)?.deal.title ?? '';

  // What a screen reader hears while a card is carried with the keyboard or the pointer.
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('board.dnd.picked', { title: titleOf(active.data.current) }),
    onDragOver: ({ active, over }) =>
      over
        ? t('board.dnd.over', { title: titleOf(active.data.current), stage: stageName(over.id) })
        : t('board.dnd.outside', { title: titleOf(active.data.current) }),
    onDragEnd: ({ active, over }) =>
      over
        ? t('board.dnd.dropped', {
            title: titleOf(active.data.current),
            stage: stageName(over.id),
          })
        : t('board.dnd.droppedOutside', { title: titleOf(active.data.current) }),
    onDragCancel: ({ active }) => t('board.dnd.cancelled', { title: titleOf(active.data.current) }),
  };

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
    <DndContext
      sensors={sensors}
      accessibility={{
        announcements,
        screenReaderInstructions: { draggable: t('board.dnd.instructions') },
      }}
      onDragStart={({ active }: DragStartEvent) =>
        setDragged((active.data.current as DealDragData | undefined)?.deal ?? null)
      }
      onDragCancel={() => setDragged(null)}
      onDragEnd={(event) => {
        setDragged(null);
        onDragEnd(event);
      }}
    >
      <ScrollArea type="auto" offsetScrollbars>
        <Group align="start" wrap="nowrap" gap="sm">
          {stages.map((stage) => (
            <StageColumn
              key={stage.id}
              filters={filters}
              stage={stage}
              column={columns.get(stage.id)}
              moving={moving}
            />
          ))}
        </Group>
      </ScrollArea>
      <DragOverlay dropAnimation={null}>
        {dragged ? <DealCardPreview deal={dragged} /> : null}
      </DragOverlay>
      {/* A refused drop that lacks documents or fields asks for them here. */}
      <StageRequirementsHost />
    </DndContext>
  );
}

function StageColumn({
  filters,
  stage,
  column,
  moving,
}: {
  filters: DealFilters;
  stage: Stage;
  column: Column | undefined;
  moving: MovingDeal[];
}) {
  const { t, i18n } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id: stage.id });
  const [adding, setAdding] = useState(false);
  // The column's count and sums are estimated when the server says so (exact: false).
  const exact = column?.exact ?? true;
  const more = useBoardColumnPages(filters, stage.id, column?.next_cursor ?? null);
  const loaded = [
    ...(column?.deals ?? []),
    ...(more.data?.pages.flatMap((page) => page.deals) ?? []),
  ];
  const { cards, count } = withMoves(stage.id, loaded, column?.count ?? 0, moving);
  const hasMore = more.data ? more.hasNextPage : Boolean(column?.next_cursor);
  const movingIds = new Set(moving.map((item) => item.deal.id));

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
          <Group gap={4} wrap="nowrap">
            <Badge variant="light" title={t('deals.count', { count })}>
              <Estimated exact={exact}>{count}</Estimated>
            </Badge>
            <ActionIcon
              variant="subtle"
              size="sm"
              aria-label={t('board.quickAdd', { stage: stage.name })}
              aria-expanded={adding}
              onClick={() => setAdding((open) => !open)}
            >
              +
            </ActionIcon>
          </Group>
        </Group>
        <Text size="xs" c="dimmed">
          {t('deals.probability', { value: Number(stage.probability) })}
        </Text>
        {column?.totals.map((total) => (
          <Group key={total.currency} gap={6} data-testid="column-total" wrap="wrap">
            <Text size="sm" fw={500}>
              <Estimated exact={exact}>
                {formatMoney(total.amount, total.currency, i18n.language)}
              </Estimated>
            </Text>
            <Text size="xs" c="dimmed" title={t('dealTotals.weighted')}>
              {t('board.weighted')}{' '}
              <Estimated exact={exact}>
                {formatMoney(total.weighted_amount, total.currency, i18n.language)}
              </Estimated>
            </Text>
          </Group>
        ))}
      </Stack>
      {adding ? (
        <DealQuickAdd funnelId={filters.funnelId} stage={stage} onClose={() => setAdding(false)} />
      ) : null}
      {cards.length ? (
        <ColumnCards
          cards={cards}
          movingIds={movingIds}
          hasMore={hasMore}
          loadingMore={more.isFetching}
          failed={more.isError}
          onMore={() => void more.fetchNextPage()}
        />
      ) : (
        <Text size="xs" c="dimmed" ta="center" mih={60}>
          {t('deals.emptyColumn')}
        </Text>
      )}
      {hasMore && (
        // Scrolling to the end loads the next cards by itself; the button says how many are
        // left and serves the keyboard.
        <Button
          variant="subtle"
          size="xs"
          fullWidth
          mt="xs"
          loading={more.isFetching}
          onClick={() => void more.fetchNextPage()}
        >
          {t('deals.showMore', { shown: cards.length, count })}
        </Button>
      )}
      {more.isError && (
        <Text size="xs" c="red" role="alert">
          {t('errors.loadFailed')}
        </Text>
      )}
    </Box>
  );
}

/**
 * A column's cards in a scroller of their own, virtualised: only the cards in view (and a few
 * around them) are in the page, so a column of thousands scrolls as smoothly as one of ten.
 * Reaching the last loaded cards asks for the next page.
 */
function ColumnCards({
  cards,
  movingIds,
  hasMore,
  loadingMore,
  failed,
  onMore,
}: {
  cards: Deal[];
  movingIds: Set<string>;
  hasMore: boolean;
  loadingMore: boolean;
  failed: boolean;
  onMore: () => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualiser's functions change as it measures: the compiler rightly leaves this
  // component unmemoised, which is what it needs.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: cards.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => CARD_ESTIMATE,
    getItemKey: (index) => cards[index]!.id,
    gap: CARD_GAP,
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  const nearEnd = lastIndex >= 0 && lastIndex >= cards.length - PREFETCH_DISTANCE;

  useEffect(() => {
    // A failed page waits for the button: no loop of retries while scrolled to the end.
    if (nearEnd && hasMore && !loadingMore && !failed) onMore();
  }, [nearEnd, hasMore, loadingMore, failed, onMore]);

  return (
    <div
      ref={scroller}
      data-testid="column-scroller"
      style={{ maxHeight: 'max(320px, calc(100dvh - 330px))', overflowY: 'auto' }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const deal = cards[item.index]!;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                transform: `translateY(${item.start}px)`,
              }}
            >
              <DealCard deal={deal} moving={movingIds.has(deal.id)} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
