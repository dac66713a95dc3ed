import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import {
  Alert,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Paper,
  ScrollArea,
  SimpleGrid,
  Stack,
  Text,
} from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/problem';
import {
  addDays,
  startOfWeek,
  useRescheduleTask,
  useTasksInRange,
  type CalendarMode,
  type Task,
} from './queries';
import { TaskSubject } from './TaskSubject';
import { dueAfterDrop, slotId, type Slot } from './calendarSlots';

/** Hours the day view shows as slots; earlier and later tasks sit in the first and last. */
const FIRST_HOUR = 8;
const LAST_HOUR = 20;

function sameDay(a: Date, b: Date): boolean {
  return (
    a.getFullYear() === b.getFullYear() &&
    a.getMonth() === b.getMonth() &&
    a.getDate() === b.getDate()
  );
}

function startOfDay(date: Date): Date {
  const day = new Date(date);
  day.setHours(0, 0, 0, 0);
  return day;
}

/** Open tasks on a day or a week; drag one to another day or hour to reschedule it. */
export function TaskCalendar({
  mode,
  assigneeId,
  onComplete,
}: {
  mode: CalendarMode;
  assigneeId: string | null;
  onComplete: (task: Task) => void;
}) {
  const { t, i18n } = useTranslation();
  const [anchor, setAnchor] = useState(() => startOfDay(new Date()));
  const from = mode === 'week' ? startOfWeek(anchor) : anchor;
  const to = addDays(from, mode === 'week' ? 7 : 1);
  const tasks = useTasksInRange(from, to, assigneeId);
  const reschedule = useRescheduleTask();
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor),
  );
  const dayFormat = new Intl.DateTimeFormat(i18n.language, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  });
  const step = mode === 'week' ? 7 : 1;

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const task = active.data.current?.task as Task | undefined;
    const slot = over?.data.current?.slot as Slot | undefined;
    if (!task?.due_at || !slot) return;
    const dueAt = dueAfterDrop(task.due_at, slot);
    if (dueAt) reschedule.mutate({ task, dueAt });
  };

  const days = Array.from({ length: mode === 'week' ? 7 : 1 }, (_, i) => addDays(from, i));
  const onDay = (day: Date) =>
    (tasks.data ?? []).filter((task) => task.due_at && sameDay(new Date(task.due_at), day));

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs">
          <Button variant="default" size="xs" onClick={() => setAnchor(addDays(anchor, -step))}>
            {t('calendar.previous')}
          </Button>
          <Button variant="default" size="xs" onClick={() => setAnchor(startOfDay(new Date()))}>
            {t('calendar.today')}
          </Button>
          <Button variant="default" size="xs" onClick={() => setAnchor(addDays(anchor, step))}>
            {t('calendar.next')}
          </Button>
        </Group>
        <Text fw={500} data-testid="calendar-range">
          {mode === 'week'
            ? `${dayFormat.format(from)} – ${dayFormat.format(addDays(to, -1))}`
            : dayFormat.format(from)}
        </Text>
      </Group>
      <Text size="xs" c="dimmed">
        {t('calendar.dragHint')}
      </Text>
      {reschedule.isError ? (
        <Alert color="red" role="alert" withCloseButton onClose={() => reschedule.reset()}>
          {reschedule.error.status === 412
            ? t('calendar.stale')
            : errorMessage(reschedule.error, t)}
        </Alert>
      ) : null}
      {tasks.isPending ? (
        <Center py="xl">
          <Loader aria-label={t('app.loading')} />
        </Center>
      ) : tasks.isError ? (
        <Alert color="red" role="alert" title={t('tasks.loadFailed')}>
          <Button size="xs" mt="xs" onClick={() => void tasks.refetch()}>
            {t('tasks.retry')}
          </Button>
        </Alert>
      ) : (
        <DndContext sensors={sensors} onDragEnd={onDragEnd}>
          {mode === 'week' ? (
            <ScrollArea type="auto">
              <SimpleGrid cols={7} spacing="xs" miw={840}>
                {days.map((day) => (
                  <DropSlot key={slotId({ day })} slot={{ day }} title={dayFormat.format(day)}>
                    {onDay(day).map((task) => (
                      <TaskCard
                        key={task.id}
                        task={task}
                        now={tasks.dataUpdatedAt}
                        onComplete={onComplete}
                      />
                    ))}
                  </DropSlot>
                ))}
              </SimpleGrid>
            </ScrollArea>
          ) : (
            <Stack gap={4}>
              {Array.from({ length: LAST_HOUR - FIRST_HOUR + 1 }, (_, i) => FIRST_HOUR + i).map(
                (hour) => (
                  <DropSlot
                    key={hour}
                    slot={{ day: from, hour }}
                    title={`${String(hour).padStart(2, '0')}:00`}
                    row
                  >
                    {onDay(from)
                      .filter((task) => {
                        const h = new Date(task.due_at!).getHours();
                        return Math.min(Math.max(h, FIRST_HOUR), LAST_HOUR) === hour;
                      })
                      .map((task) => (
                        <TaskCard
                          key={task.id}
                          task={task}
                          now={tasks.dataUpdatedAt}
                          onComplete={onComplete}
                        />
                      ))}
                  </DropSlot>
                ),
              )}
            </Stack>
          )}
        </DndContext>
      )}
    </Stack>
  );
}

function DropSlot({
  slot,
  title,
  row = false,
  children,
}: {
  slot: Slot;
  title: string;
  row?: boolean;
  children: ReactNode;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: slotId(slot), data: { slot } });
  const today = sameDay(slot.day, new Date()) && slot.hour === undefined;
  return (
    <Paper
      ref={setNodeRef}
      withBorder
      p="xs"
      mih={row ? 44 : 160}
      bg={isOver ? 'var(--mantine-color-blue-light)' : undefined}
      data-testid={`slot-${slotId(slot)}`}
      aria-label={title}
    >
      <Group align="flex-start" gap="xs" wrap={row ? 'nowrap' : 'wrap'}>
        <Text size="xs" fw={today ? 700 : 500} c={today ? 'blue' : 'dimmed'} w={row ? 48 : '100%'}>
          {title}
        </Text>
        <Stack gap={4} flex={1}>
          {children}
        </Stack>
      </Group>
    </Paper>
  );
}

function TaskCard({
  task,
  now,
  onComplete,
}: {
  task: Task;
  /** When the tasks were read: overdue as of then, so that a render stays pure. */
  now: number;
  onComplete: (task: Task) => void;
}) {
  const { t, i18n } = useTranslation();
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({
    id: task.id,
    data: { task },
  });
  const time = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' }).format(
    new Date(task.due_at!),
  );
  const overdue = Date.parse(task.due_at!) < now;
  return (
    <Paper
      ref={setNodeRef}
      shadow={isDragging ? 'md' : undefined}
      withBorder
      p={6}
      style={{
        transform: transform ? `translate(${transform.x}px, ${transform.y}px)` : undefined,
        cursor: 'grab',
        zIndex: isDragging ? 10 : undefined,
        touchAction: 'none',
      }}
      data-testid="calendar-task"
      {...attributes}
      {...listeners}
      aria-label={t('calendar.taskLabel', { title: task.title, time })}
    >
      <Group gap={4} wrap="nowrap" justify="space-between">
        <Badge size="xs" color={overdue ? 'red' : 'gray'} variant="light">
          {time}
        </Badge>
        <Button
          size="compact-xs"
          variant="subtle"
          // The card is draggable; the button must not start a drag.
          onPointerDown={(event) => event.stopPropagation()}
          onKeyDown={(event) => event.stopPropagation()}
          onClick={() => onComplete(task)}
          aria-label={t('tasks.complete', { title: task.title })}
        >
          ✓
        </Button>
      </Group>
      <Text size="sm" fw={500} lineClamp={2}>
        {task.title}
      </Text>
      <TaskSubject task={task} />
    </Paper>
  );
}
