import { Alert, Anchor, Badge, Button, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/problem';
import { problemText } from '../../api/problemText';
import { AttachmentUpload } from '../attachments/AttachmentUpload';
import { useDocumentTypes } from '../attachments/queries';
import { FieldInput } from './DealFieldInput';
import { fieldLabel, initialValue, toPatch, type EditableName } from './dealFields';
import {
  fetchDeal,
  useDealCustomFields,
  useMoveDealFromPage,
  useUpdateDeal,
  type DealUpdate,
} from './dealQueries';
import { useFunnels } from './queries';
import {
  askForRequirements,
  requirementsOf,
  usePendingMove,
  type PendingMove,
  type Requirement,
} from './requirements';

/** Shows the requirement dialog whenever a move somewhere in the app is waiting for one. */
export function StageRequirementsHost() {
  const pending = usePendingMove();
  if (!pending) return null;
  return (
    <StageRequirementsModal
      key={`${pending.deal.id}-${pending.stageId}`}
      pending={pending}
      onClose={() => askForRequirements(null)}
    />
  );
}

/**
 * A stage refused a deal for lack of documents or fields: upload each document (its type
 * fixed) and fill each field here, then the move is made again.
 */
export function StageRequirementsModal({
  pending,
  onClose,
}: {
  pending: PendingMove;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const funnels = useFunnels();
  const documentTypes = useDocumentTypes();
  const customFields = useDealCustomFields();
  const update = useUpdateDeal();
  const move = useMoveDealFromPage();
  const [missing, setMissing] = useState<Requirement[]>(pending.missing);
  const [uploaded, setUploaded] = useState<Set<string>>(new Set());
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      pending.missing
        .filter((item) => item.kind === 'fields')
        .map((item) => [item.name, initialValue(item.name as EditableName, pending.deal)]),
    ),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const stage = funnels.data
    ?.flatMap((funnel) => funnel.stages)
    .find((item) => item.id === pending.stageId);
  const definitions = customFields.data ?? [];
  const documents = missing.filter((item) => item.kind === 'documents');
  const fields = missing.filter((item) => item.kind === 'fields');
  const definitionOf = (name: string) =>
    definitions.find((field) => `custom:${field.key}` === name);
  const documentName = (code: string) =>
    documentTypes.data?.find((type) => type.code === code)?.name ??
    t(`documentType.${code}`, { defaultValue: code });
  // Product lines are a table, edited on the deal page rather than here.
  const editable = fields.filter((item) => item.name !== 'products');
  const needsProducts = fields.some((item) => item.name === 'products');

  const submit = async () => {
    setFailure(null);
    const patch: DealUpdate = {};
    const nextErrors: Record<string, string> = {};
    // Take the deal as it is now: the board's copy may be older than its version.
    let deal = await fetchDeal(pending.deal.id).catch(() => pending.deal);
    for (const item of editable) {
      const result = toPatch(
        item.name as EditableName,
        values[item.name] ?? '',
        deal,
        t,
        definitionOf(item.name),
      );
      if ('error' in result) nextErrors[item.name] = result.error;
      else if (!(values[item.name] ?? '').trim()) nextErrors[item.name] = t('dealPage.required');
      else {
        Object.assign(patch, {
          ...result.patch,
          custom_fields: { ...patch.custom_fields, ...result.patch.custom_fields },
        });
      }
    }
    if (!patch.custom_fields || Object.keys(patch.custom_fields).length === 0) {
      delete patch.custom_fields;
    }
    setErrors(nextErrors);
    if (Object.keys(nextErrors).length > 0) return;
    setBusy(true);
    try {
      if (Object.keys(patch).length > 0) deal = await update.mutateAsync({ deal, body: patch });
      const moved = await move.mutateAsync({ deal, stageId: pending.stageId });
      notifications.show({
        color: 'green',
        message: t('stageRequirements.moved', { stage: moved.stage_name }),
      });
      onClose();
    } catch (error) {
      const still =
        error instanceof ApiError && error.status === 422 ? requirementsOf(error.problem) : [];
      if (still.length > 0) {
        setMissing(still);
        setFailure(t('stageRequirements.stillMissing'));
      } else {
        setFailure(problemText(error, t, (field) => fieldLabel(field, t, definitions)));
      }
    } finally {
      setBusy(false);
    }
  };

  const documentsReady = documents.every((item) => uploaded.has(item.name));
  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={t('stageRequirements.title', { stage: stage?.name ?? '' })}
    >
      <Stack data-testid="stage-requirements">
        <Text size="sm">
          {t('stageRequirements.intro', { deal: pending.deal.title, stage: stage?.name ?? '' })}
        </Text>
        {failure ? (
          <Alert color="red" role="alert">
            {failure}
          </Alert>
        ) : null}
        {documents.map((item) => (
          <Stack key={item.name} gap="xs">
            <Group gap="xs">
              <Title order={5}>{t('deals.needDocument', { name: documentName(item.name) })}</Title>
              {uploaded.has(item.name) ? (
                <Badge color="green">{t('stageRequirements.attached')}</Badge>
              ) : null}
            </Group>
            {uploaded.has(item.name) ? null : (
              <AttachmentUpload
                owner={{ dealId: pending.deal.id }}
                documentType={item.name}
                onUploaded={() => setUploaded((current) => new Set(current).add(item.name))}
              />
            )}
          </Stack>
        ))}
        {editable.map((item, index) => (
          <FieldInput
            key={item.name}
            name={item.name as EditableName}
            deal={pending.deal}
            label={fieldLabel(item.name, t, definitions)}
            definition={definitionOf(item.name)}
            value={values[item.name] ?? ''}
            onChange={(value) => setValues((current) => ({ ...current, [item.name]: value }))}
            error={errors[item.name]}
            autoFocus={index === 0 && documents.length === 0}
          />
        ))}
        {needsProducts ? (
          <Text size="sm">
            {t('stageRequirements.products')}{' '}
            <Anchor component={Link} to={`/deals/${pending.deal.id}`} onClick={onClose}>
              {t('stageRequirements.openDeal')}
            </Anchor>
          </Text>
        ) : null}
        <Group justify="end">
          <Button variant="default" onClick={onClose}>
            {t('deals.cancel')}
          </Button>
          <Button
            onClick={() => void submit()}
            loading={busy}
            disabled={!documentsReady || needsProducts}
          >
            {t('stageRequirements.move', { stage: stage?.name ?? '' })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
