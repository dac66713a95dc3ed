import { Alert, Button, Group, MultiSelect, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/problem';
import { useCallLists } from '../callLists/queries';
import { useFunnels } from '../deals/queries';
import { type CallScript, useAssignScript } from './queries';

/** Where a script applies: funnel stages (a stage has one script: choosing it here takes it
 * from another) and call lists. */
export function ScriptAssignments({
  script,
  onClose,
}: {
  script: CallScript;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const funnels = useFunnels();
  const lists = useCallLists();
  const assign = useAssignScript();
  const [stageIds, setStageIds] = useState<string[]>(script.stage_ids);
  const [listIds, setListIds] = useState<string[]>(script.call_list_ids);
  const stageGroups = (funnels.data ?? []).map((funnel) => ({
    group: funnel.name,
    items: funnel.stages.map((stage) => ({ value: stage.id, label: stage.name })),
  }));
  const listItems = (lists.data?.items ?? []).map((l) => ({ value: l.id, label: l.name }));

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('callScripts.assignHint')}
      </Text>
      <MultiSelect
        label={t('callScripts.stages')}
        data={stageGroups}
        value={stageIds}
        onChange={setStageIds}
        searchable
        clearable
      />
      <MultiSelect
        label={t('callScripts.callLists')}
        data={listItems}
        value={listIds}
        onChange={setListIds}
        searchable
        clearable
      />
      {assign.error && <Alert color="red">{errorMessage(assign.error, t)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('callScripts.cancel')}
        </Button>
        <Button
          loading={assign.isPending}
          onClick={() =>
            assign.mutate({ script, stageIds, callListIds: listIds }, { onSuccess: onClose })
          }
        >
          {t('callScripts.save')}
        </Button>
      </Group>
    </Stack>
  );
}
