import { Alert, Button, Checkbox, Group, Modal, Select, Stack, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { errorMessage, mapProblemToFields } from '../../api/problem';
import { maxLength, rules } from '../../forms/rules';
import { setServerErrors } from '../../forms/serverErrors';
import { useLoseDeal, useLossReasons, type Deal } from './queries';
import { LoadError } from '../shell/LoadError';

interface LoseValues {
  loss_reason_id: string | null;
  comment: string;
  // Flags that later count against the client's karma.
  lost_tender: boolean;
  loss_making: boolean;
  public_conflict: boolean;
}

const FIELDS = ['loss_reason_id', 'comment'] as const;
// domain/deals/model.py LOSS_COMMENT_MAX
const COMMENT_MAX = 5000;

export function DealLoseModal({
  deal,
  onClose,
  onLost,
}: {
  deal: Deal;
  onClose: () => void;
  /** The deal as the server closed it (the deal page shows it). */
  onLost?: (deal: Deal) => void;
}) {
  const { t } = useTranslation();
  const reasons = useLossReasons();
  const lose = useLoseDeal();
  const form = useForm<LoseValues>({
    initialValues: {
      loss_reason_id: null,
      comment: '',
      lost_tender: false,
      loss_making: false,
      public_conflict: false,
    },
    validateInputOnChange: true,
    validate: {
      loss_reason_id: (value) => (value ? null : t('deals.lossReasonRequired')),
      comment: rules(maxLength(t, COMMENT_MAX)),
    },
  });
  // A refusal that names a field is said on it; the alert keeps the rest.
  const problem = lose.error ? mapProblemToFields(lose.error.problem, FIELDS) : null;
  const formLevelErrors =
    lose.error && problem
      ? Object.keys(problem.fieldErrors).length === 0
        ? [errorMessage(lose.error, t), ...problem.otherErrors]
        : problem.otherErrors
      : [];

  const submit = form.onSubmit((values) => {
    lose.mutate(
      {
        dealId: deal.id,
        loss_reason_id: values.loss_reason_id!,
        comment: values.comment.trim() || null,
        lost_tender: values.lost_tender,
        loss_making: values.loss_making,
        public_conflict: values.public_conflict,
      },
      {
        onSuccess: (lost) => {
          notifications.show({ color: 'green', message: t('deals.lost') });
          onLost?.(lost);
          onClose();
        },
        onError: (error) => setServerErrors(form, error, FIELDS),
      },
    );
  });

  return (
    <Modal opened onClose={onClose} title={`${t('deals.loseTitle')}: ${deal.title}`}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {formLevelErrors.length > 0 && (
            <Alert color="red" role="alert">
              {formLevelErrors.map((message) => (
                <div key={message}>{message}</div>
              ))}
            </Alert>
          )}
          {reasons.isError ? (
            // The reasons could not be read: said so with a retry, not an empty list.
            <LoadError onRetry={() => void reasons.refetch()} retrying={reasons.isFetching} />
          ) : null}
          <Select
            label={t('deals.lossReason')}
            withAsterisk
            data={(reasons.data ?? [])
              .filter((reason) => reason.is_active)
              .map((reason) => ({ value: reason.id, label: reason.name }))}
            {...form.getInputProps('loss_reason_id')}
          />
          <Textarea label={t('deals.comment')} autosize {...form.getInputProps('comment')} />
          <Checkbox
            label={t('deals.lostTender')}
            {...form.getInputProps('lost_tender', { type: 'checkbox' })}
          />
          <Checkbox
            label={t('deals.lossMaking')}
            {...form.getInputProps('loss_making', { type: 'checkbox' })}
          />
          <Checkbox
            label={t('deals.publicConflict')}
            {...form.getInputProps('public_conflict', { type: 'checkbox' })}
          />
          <Group justify="end">
            <Button variant="default" onClick={onClose}>
              {t('deals.cancel')}
            </Button>
            <Button type="submit" color="red" loading={lose.isPending}>
              {t('deals.confirmLose')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
