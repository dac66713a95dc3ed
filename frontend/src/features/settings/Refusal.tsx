import { Alert } from '@mantine/core';
import type { ParseKeys } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/problem';
import { problemSlug, problemText } from '../../api/problemText';

/**
 * A failed call said in the reader's language, with the labels of the fields it names. A
 * 403 gets `forbidden` when given: e.g. that one can grant only the permissions one holds.
 */
export function Refusal({
  error,
  labels = {},
  forbidden,
}: {
  error: ApiError | null;
  labels?: Record<string, ParseKeys>;
  forbidden?: ParseKeys;
}) {
  const { t } = useTranslation();
  if (!error) return null;
  const text =
    forbidden && problemSlug(error) === 'forbidden'
      ? t(forbidden)
      : problemText(error, t, (field) => {
          const key = labels[field.split('.')[0] ?? ''];
          return key ? t(key) : undefined;
        });
  return (
    <Alert color="red" role="alert" data-testid="settings-refusal">
      {text}
    </Alert>
  );
}
