import { Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CallRecordingPlayer } from './CallRecordingPlayer';
import { useClientRecordings } from './queries';

/** The client's latest recorded calls with their players, beside the work on a lead or a call
 * list number; nothing when there are none (or the caller may hear none). `onDemand` (a list
 * of many records) asks for them only when the button is pressed. */
export function ClientRecordings({
  clientId,
  onDemand = false,
}: {
  clientId: string | null | undefined;
  onDemand?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const [asked, setAsked] = useState(!onDemand);
  const calls = useClientRecordings(clientId, asked);
  if (!clientId) return null;
  if (!asked) {
    return (
      <Button size="compact-xs" variant="subtle" onClick={() => setAsked(true)}>
        {t('telephony.showRecordings')}
      </Button>
    );
  }
  if (calls.data && calls.data.length === 0 && onDemand) {
    return (
      <Text size="xs" c="dimmed">
        {t('telephony.noRecordings')}
      </Text>
    );
  }
  if (!calls.data?.length) return null;
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <Stack gap={4} aria-label={t('telephony.recentRecordings')} role="group">
      <Text size="sm" fw={500}>
        {t('telephony.recentRecordings')}
      </Text>
      {calls.data.map((call) => (
        <Stack key={call.id} gap={2}>
          <Text size="xs" c="dimmed">
            {when.format(new Date(call.started_at))} · {t(`calls.directions.${call.direction}`)}
          </Text>
          <CallRecordingPlayer callId={call.id} />
        </Stack>
      ))}
    </Stack>
  );
}
