import { Button, Group, Modal, Select, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, mapProblemToFields } from '../../api/problem';
import { problemText } from '../../api/problemText';
import { UserSelect } from '../activities/UserSelect';
import {
  COMPLAINT_KINDS,
  type ComplaintKind,
  DESCRIPTION_MAX,
  useCreateComplaint,
} from './queries';

const FIELDS = ['kind', 'description', 'owner_id', 'deadline', 'deal_id', 'public_conflict'];

/** Records a complaint on a client, or on one of its deals (from the deal's card): the kind,
 * what happened, who answers it (the client's responsible unless chosen) and the deadline (the
 * kind's working days unless set). */
export function ComplaintCreateModal({
  clientId,
  dealId = null,
  opened,
  onClose,
}: {
  clientId: string;
  dealId?: string | null;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const create = useCreateComplaint();
  const [kind, setKind] = useState<ComplaintKind>('quality');
  const [description, setDescription] = useState('');
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [deadline, setDeadline] = useState('');
  const [publicConflict, setPublicConflict] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const reset = () => {
    setKind('quality');
    setDescription('');
    setOwnerId(null);
    setDeadline('');
    setPublicConflict(false);
    setErrors({});
  };

  const submit = async () => {
    if (!description.trim()) {
      setErrors({ description: t('complaints.form.descriptionRequired') });
      return;
    }
    try {
      await create.mutateAsync({
        client_id: clientId,
        deal_id: dealId,
        kind,
        description: description.trim(),
        owner_id: ownerId,
        deadline: deadline || null,
        public_conflict: publicConflict,
      });
      notifications.show({ color: 'green', message: t('complaints.form.recorded') });
      reset();
      onClose();
    } catch (error) {
      const mapped = mapProblemToFields(error instanceof ApiError ? error.problem : null, FIELDS);
      setErrors(mapped.fieldErrors);
      if (Object.keys(mapped.fieldErrors).length === 0) {
        notifications.show({
          color: 'red',
          title: t('errors.title'),
          message: problemText(error, t),
        });
      }
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('complaints.form.title')}>
      <Stack>
        <Select
          label={t('complaints.kind.label')}
          data={COMPLAINT_KINDS.map((value) => ({ value, label: t(`complaints.kind.${value}`) }))}
          value={kind}
          onChange={(value) => value && setKind(value)}
          allowDeselect={false}
          error={errors.kind}
        />
        <Textarea
          label={t('complaints.description')}
          value={description}
          onChange={(event) => setDescription(event.currentTarget.value)}
          maxLength={DESCRIPTION_MAX}
          autosize
          minRows={3}
          required
          error={errors.description}
        />
        <UserSelect
          label={t('complaints.form.owner')}
          value={ownerId}
          onChange={setOwnerId}
          clearable
          error={errors.owner_id}
        />
        <TextInput
          type="date"
          label={t('complaints.deadline')}
          description={t('complaints.form.deadlineHint')}
          value={deadline}
          onChange={(event) => setDeadline(event.currentTarget.value)}
          error={errors.deadline}
        />
        <Switch
          label={t('complaints.publicConflict')}
          checked={publicConflict}
          onChange={(event) => setPublicConflict(event.currentTarget.checked)}
        />
        {errors.deal_id ? <TextInput readOnly value="" error={errors.deal_id} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('complaints.cancel')}
          </Button>
          <Button loading={create.isPending} onClick={() => void submit()}>
            {t('complaints.form.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
