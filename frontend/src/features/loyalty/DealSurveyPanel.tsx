import { Alert, Badge, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/problem';
import { useMe } from '../auth/queries';
import { holds } from '../settings/sections';
import { useDealSurvey, useIssueSurveyLink } from './queries';

/** On a closed deal: whether the client answered the loyalty survey, and a link to send them. */
export function DealSurveyPanel({ deal }: { deal: { id: string; status: string } }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const closed = deal.status !== 'open';
  const survey = useDealSurvey(deal.id, closed);
  const issue = useIssueSurveyLink(deal.id);
  const [copied, setCopied] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  if (!closed || survey.data === undefined) return null;
  const data = survey.data;
  const when = (moment: string) =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(moment),
    );
  const url = issue.data?.url;
  const answered = data?.answered_at != null;

  // The clipboard needs a secure context and the page's focus; without it the link stays
  // selected in its box for the reader to copy.
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      field.current?.select();
    }
  };

  return (
    <Card withBorder data-testid="deal-survey">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('loyalty.title')}
        </Title>
        {data === null ? (
          <Text c="dimmed" size="sm">
            {t('loyalty.none')}
          </Text>
        ) : answered ? (
          <Stack gap={4}>
            <Group gap="xs">
              <Text size="sm">{t('loyalty.answered', { when: when(data.answered_at ?? '') })}</Text>
              <Badge data-testid="survey-score" color={scoreColor(data.score ?? 0)}>
                {t('loyalty.score', { score: data.score })}
              </Badge>
            </Group>
            {data.comment && <Text size="sm">«{data.comment}»</Text>}
          </Stack>
        ) : (
          <Text size="sm">
            {data.link_expires_at
              ? t('loyalty.waiting', { when: when(data.link_expires_at) })
              : t('loyalty.noLink')}
          </Text>
        )}
        {data !== null && !answered && holds(me.data, 'deals:write') && (
          <Group>
            <Button
              size="xs"
              loading={issue.isPending}
              onClick={() => {
                setCopied(false);
                issue.mutate();
              }}
            >
              {t('loyalty.getLink')}
            </Button>
          </Group>
        )}
        {url && !answered && (
          <Group align="flex-end" gap="xs" wrap="nowrap">
            <TextInput
              ref={field}
              readOnly
              label={t('loyalty.link')}
              value={url}
              onFocus={(event) => event.currentTarget.select()}
              style={{ flex: 1 }}
            />
            <Button variant="default" onClick={() => void copy()}>
              {copied ? t('loyalty.copied') : t('loyalty.copy')}
            </Button>
          </Group>
        )}
        {issue.error && (
          <Alert color="red" role="alert">
            {issue.error.status === 409
              ? t('loyalty.alreadyAnswered')
              : errorMessage(issue.error, t)}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

/** Promoters green, passives yellow, detractors red. */
function scoreColor(score: number): string {
  if (score >= 9) return 'green';
  if (score >= 7) return 'yellow';
  return 'red';
}
