import { Button, Group, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchCallRecording } from './queries';

/** A stored call recording: loaded when asked for (a timeline holds many calls), then played
 * in the browser's own <audio controls>. */
export function CallRecordingPlayer({ callId }: { callId: string }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  const [state, setState] = useState<'idle' | 'loading' | 'error'>('idle');

  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );

  if (url) {
    return (
      <audio controls src={url} aria-label={t('telephony.recording')} style={{ width: '100%' }} />
    );
  }
  const load = async () => {
    setState('loading');
    try {
      setUrl(await fetchCallRecording(callId));
      setState('idle');
    } catch {
      setState('error');
    }
  };
  return (
    <Group gap="xs">
      <Button
        size="compact-xs"
        variant="light"
        loading={state === 'loading'}
        onClick={() => void load()}
      >
        {t('telephony.listen')}
      </Button>
      {state === 'error' ? (
        <Text size="xs" c="red" role="alert">
          {t('telephony.recordingLoadFailed')}
        </Text>
      ) : null}
    </Group>
  );
}
