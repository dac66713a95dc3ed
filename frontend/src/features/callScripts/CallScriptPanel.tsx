import { Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { type ScriptOutcome, type ScriptRecord, useResolvedScript } from './queries';
import { ScriptPlayer } from './ScriptPlayer';
import { ScriptRunList } from './ScriptRunList';

/** The script that applies to a call on this record (a deal's stage's, a call list's), shown
 * beside the call; nothing when none applies. */
export function CallScriptPanel({
  record,
  onFinished,
}: {
  record: ScriptRecord;
  onFinished?: (outcome: ScriptOutcome) => void;
}) {
  const { t } = useTranslation();
  const resolved = useResolvedScript(record);
  if (resolved.isPending) return <Loader size="sm" aria-label={t('callScripts.loading')} />;
  const script = resolved.data?.script;
  return (
    <>
      {script && (
        <ScriptPlayer
          key={`${script.id}:${script.version}`}
          script={script}
          record={record}
          onFinished={onFinished}
        />
      )}
      <ScriptRunList record={record} />
    </>
  );
}
