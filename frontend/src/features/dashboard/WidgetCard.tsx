import { Anchor, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorMessage, type ApiError } from '../../api/problem';
import { LoadError } from '../shell/LoadError';

/** The dashboard's filters a widget may follow. */
export type DashboardFilter = 'period' | 'funnel' | 'department' | 'source';

/**
 * The chrome every dashboard widget shares: its title, which of the dashboard's filters it
 * follows, a link to the page with the whole report, and its own loading, error and empty
 * states, so one failing widget leaves the others drawn and each widget draws only its figures.
 * `children` is called with the loaded data; when `isEmpty` says they hold nothing,
 * `emptyText` stands in for them.
 */
export function WidgetCard<T>({
  title,
  testId,
  applies,
  more,
  query,
  action,
  isEmpty,
  emptyText,
  children,
}: {
  title: string;
  testId: string;
  applies: readonly DashboardFilter[];
  /** The page with the whole report. */
  more?: string;
  query: UseQueryResult<T, ApiError>;
  /** A control of the widget's own, beside the link (e.g. which figure a chart shows). */
  action?: ReactNode;
  isEmpty?: (data: T) => boolean;
  emptyText?: string;
  children: (data: T) => ReactNode;
}) {
  const { t } = useTranslation();
  const heading = useId();
  let body: ReactNode;
  if (query.isPending) body = <Loader size="sm" aria-label={t('dashboard.loading')} />;
  else if (query.isError) {
    body = (
      <LoadError
        message={errorMessage(query.error, t)}
        retrying={query.isFetching}
        onRetry={() => void query.refetch()}
      />
    );
  } else if (isEmpty?.(query.data)) body = <Text c="dimmed">{emptyText}</Text>;
  else body = children(query.data);
  return (
    <Paper
      component="section"
      aria-labelledby={heading}
      withBorder
      p="md"
      h="100%"
      data-testid={testId}
    >
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start">
          <Stack gap={0}>
            <Title order={3} size="h4" id={heading}>
              {title}
            </Title>
            <Text size="xs" c="dimmed">
              {applies.length === 0
                ? t('dashboard.noFilters')
                : t('dashboard.applies', {
                    list: applies.map((f) => t(`dashboard.filterNames.${f}`)).join(', '),
                  })}
            </Text>
          </Stack>
          <Group gap="xs" wrap="nowrap">
            {action}
            {more && (
              <Anchor
                component={Link}
                to={more}
                size="sm"
                aria-label={t('dashboard.openReport', { title })}
              >
                {t('dashboard.open')}
              </Anchor>
            )}
          </Group>
        </Group>
        {body}
      </Stack>
    </Paper>
  );
}
