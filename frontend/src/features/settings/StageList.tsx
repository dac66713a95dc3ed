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
import { ActionIcon, Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Stage } from './queries';

/**
 * A funnel's stages in order; dragging one (with the mouse, or the handle's Space and arrows)
 * hands the new order of every stage id to `onReorder`. Screen readers hear where it goes.
 */
export function StageList({
  stages,
  requirementLabel,
  onReorder,
  onEdit,
  onDelete,
}: {
  stages: readonly Stage[];
  requirementLabel: (kind: 'documents' | 'fields', name: string) => string;
  onReorder: (stageIds: string[]) => void;
  onEdit: (stage: Stage) => void;
  onDelete: (stage: Stage) => void;
}) {
  const { t } = useTranslation();
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const nameOf = (id: string | number) => stages.find((s) => s.id === id)?.name ?? '';
  const placeOf = (id: string | number | undefined) => stages.findIndex((s) => s.id === id) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('settings.stages.dragStart', { name: nameOf(active.id) }),
    onDragOver: ({ active, over }) =>
      over
        ? t('settings.stages.dragOver', { name: nameOf(active.id), place: placeOf(over.id) })
        : '',
    onDragEnd: ({ active, over }) =>
      over
        ? t('settings.stages.dragEnd', { name: nameOf(active.id), place: placeOf(over.id) })
        : '',
    onDragCancel: ({ active }) => t('settings.stages.dragCancel', { name: nameOf(active.id) }),
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const ids = stages.map((s) => s.id);
    onReorder(arrayMove(ids, ids.indexOf(String(active.id)), ids.indexOf(String(over.id))));
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements,
        screenReaderInstructions: { draggable: t('settings.stages.dragHelp') },
      }}
    >
      <SortableContext items={stages.map((s) => s.id)} strategy={verticalListSortingStrategy}>
        <Stack gap={6} data-testid="settings-stages">
          {stages.map((stage, index) => (
            <StageRow
              key={stage.id}
              stage={stage}
              index={index}
              requirementLabel={requirementLabel}
              onEdit={onEdit}
              onDelete={onDelete}
            />
          ))}
        </Stack>
      </SortableContext>
    </DndContext>
  );
}

function StageRow({
  stage,
  index,
  requirementLabel,
  onEdit,
  onDelete,
}: {
  stage: Stage;
  index: number;
  requirementLabel: (kind: 'documents' | 'fields', name: string) => string;
  onEdit: (stage: Stage) => void;
  onDelete: (stage: Stage) => void;
}) {
  const { t } = useTranslation();
  const {
    attributes,
    listeners,
    setNodeRef,
    setActivatorNodeRef,
    transform,
    transition,
    isDragging,
  } = useSortable({ id: stage.id });
  const requirements = [
    ...stage.required_documents.map((name) => requirementLabel('documents', name)),
    ...stage.required_fields.map((name) => requirementLabel('fields', name)),
  ];

  return (
    <Paper
      ref={setNodeRef}
      withBorder
      p="xs"
      data-testid="settings-stage"
      style={{
        // Only moved up and down: no scaling while another row passes.
        transform: transform ? `translate3d(0, ${transform.y}px, 0)` : undefined,
        transition,
        opacity: isDragging ? 0.6 : 1,
      }}
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Group wrap="nowrap" align="flex-start" gap="sm">
          <ActionIcon
            ref={setActivatorNodeRef}
            variant="subtle"
            color="gray"
            aria-label={t('settings.stages.dragHandle', { name: stage.name })}
            style={{ cursor: 'grab', touchAction: 'none' }}
            {...attributes}
            {...listeners}
          >
            ⠿
          </ActionIcon>
          <Stack gap={2}>
            <Text size="sm" fw={500}>
              {index + 1}. {stage.name}
            </Text>
            <Group gap={6}>
              <Badge variant="light" size="sm">
                {t('settings.stages.probabilityShort', { value: Number(stage.probability) })}
              </Badge>
              <Badge variant="outline" size="sm" color="gray">
                {t(`settings.stages.groups.${stage.group}`)}
              </Badge>
              <Badge variant="outline" size="sm" color="gray">
                {stage.max_days
                  ? t('settings.stages.maxDaysShort', { count: stage.max_days })
                  : t('settings.stages.noLimit')}
              </Badge>
              {requirements.map((label) => (
                <Badge key={label} color="orange" variant="light" size="sm">
                  {label}
                </Badge>
              ))}
            </Group>
            {stage.expected_result && (
              <Text size="xs" c="dimmed">
                {stage.expected_result}
              </Text>
            )}
          </Stack>
        </Group>
        <Group gap="xs" wrap="nowrap">
          <Button size="xs" variant="default" onClick={() => onEdit(stage)}>
            {t('settings.edit')}
          </Button>
          <Button size="xs" variant="subtle" color="red" onClick={() => onDelete(stage)}>
            {t('settings.delete')}
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}
