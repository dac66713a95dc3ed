import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
} from '@dnd-kit/core';
import {
  SortableContext,
  arrayMove,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { ActionIcon, Paper, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The texts of one kind of list: its handle's label, the keyboard help and what is announced. */
export type ReorderTexts =
  | 'settings.stages'
  | 'settings.funnels.order'
  | 'settings.lossReasons.order'
  | 'settings.documentTypes.order';

/**
 * Records in their display order; dragging one by its ⠿ handle (with the mouse, or the
 * handle's Space and arrows) hands the new order of every id to `onReorder`. Screen readers
 * hear, in the interface's language, which record was picked up and where it went.
 */
export function SortableList<T extends { id: string; name: string }>({
  items,
  texts,
  testId,
  rowTestId,
  onReorder,
  children,
}: {
  items: readonly T[];
  texts: ReorderTexts;
  testId: string;
  rowTestId: string;
  onReorder: (ids: string[]) => void;
  /** A row's content; `handle` is the drag handle, to be placed first. */
  children: (item: T, index: number, handle: ReactNode) => ReactNode;
}) {
  const { t } = useTranslation();
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const nameOf = (id: string | number) => items.find((s) => s.id === id)?.name ?? '';
  const placeOf = (id: string | number | undefined) => items.findIndex((s) => s.id === id) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) => t(`${texts}.dragStart`, { name: nameOf(active.id) }),
    onDragOver: ({ active, over }) =>
      over ? t(`${texts}.dragOver`, { name: nameOf(active.id), place: placeOf(over.id) }) : '',
    onDragEnd: ({ active, over }) =>
      over ? t(`${texts}.dragEnd`, { name: nameOf(active.id), place: placeOf(over.id) }) : '',
    onDragCancel: ({ active }) => t(`${texts}.dragCancel`, { name: nameOf(active.id) }),
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const ids = items.map((s) => s.id);
    onReorder(arrayMove(ids, ids.indexOf(String(active.id)), ids.indexOf(String(over.id))));
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements,
        screenReaderInstructions: { draggable: t(`${texts}.dragHelp`) },
      }}
    >
      <SortableContext items={items.map((s) => s.id)} strategy={verticalListSortingStrategy}>
        <Stack gap={6} data-testid={testId}>
          {items.map((item, index) => (
            <SortableRow
              key={item.id}
              id={item.id}
              handleLabel={t(`${texts}.dragHandle`, { name: item.name })}
              testId={rowTestId}
            >
              {(handle) => children(item, index, handle)}
            </SortableRow>
          ))}
        </Stack>
      </SortableContext>
    </DndContext>
  );
}

function SortableRow({
  id,
  handleLabel,
  testId,
  children,
}: {
  id: string;
  handleLabel: string;
  testId: string;
  children: (handle: ReactNode) => ReactNode;
}) {
  const {
    attributes,
    listeners,
    setNodeRef,
    setActivatorNodeRef,
    transform,
    transition,
    isDragging,
  } = useSortable({ id });
  const handle = (
    <ActionIcon
      ref={setActivatorNodeRef}
      variant="subtle"
      color="gray"
      aria-label={handleLabel}
      style={{ cursor: 'grab', touchAction: 'none' }}
      {...attributes}
      {...listeners}
    >
      ⠿
    </ActionIcon>
  );
  return (
    <Paper
      ref={setNodeRef}
      withBorder
      p="xs"
      data-testid={testId}
      style={{
        // Only moved up and down: no scaling while another row passes.
        transform: transform ? `translate3d(0, ${transform.y}px, 0)` : undefined,
        transition,
        opacity: isDragging ? 0.6 : 1,
      }}
    >
      {children(handle)}
    </Paper>
  );
}
