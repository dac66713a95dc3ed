import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Stage } from './queries';
import { SortableList } from './SortableList';

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
  return (
    <SortableList
      items={stages}
      texts="settings.stages"
      testId="settings-stages"
      rowTestId="settings-stage"
      onReorder={onReorder}
    >
      {(stage, index, handle) => (
        <StageRow
          stage={stage}
          index={index}
          handle={handle}
          requirementLabel={requirementLabel}
          onEdit={onEdit}
          onDelete={onDelete}
        />
      )}
    </SortableList>
  );
}

function StageRow({
  stage,
  index,
  handle,
  requirementLabel,
  onEdit,
  onDelete,
}: {
  stage: Stage;
  index: number;
  handle: ReactNode;
  requirementLabel: (kind: 'documents' | 'fields', name: string) => string;
  onEdit: (stage: Stage) => void;
  onDelete: (stage: Stage) => void;
}) {
  const { t } = useTranslation();
  const requirements = [
    ...stage.required_documents.map((name) => requirementLabel('documents', name)),
    ...stage.required_fields.map((name) => requirementLabel('fields', name)),
  ];

  return (
    <Group justify="space-between" wrap="nowrap" align="flex-start">
      <Group wrap="nowrap" align="flex-start" gap="sm">
        {handle}
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
  );
}
