import { Alert, Button, FileInput, Group, Select, Stack } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemText } from '../../api/problemText';
import { useDocumentTypes, useUploadAttachment, type Attachment, type FileOwner } from './queries';

/** A file and its document type, uploaded to a client or a deal. With `documentType` the type
 * is fixed (a stage asks for exactly that document). */
export function AttachmentUpload({
  owner,
  documentType,
  onUploaded,
}: {
  owner: FileOwner;
  documentType?: string;
  onUploaded?: (attachment: Attachment) => void;
}) {
  const { t } = useTranslation();
  const types = useDocumentTypes();
  const upload = useUploadAttachment();
  const [file, setFile] = useState<File | null>(null);
  const [type, setType] = useState<string | null>(documentType ?? null);
  const [touched, setTouched] = useState(false);

  const options = (types.data ?? [])
    .filter((item) => item.is_active || item.code === documentType)
    .map((item) => ({ value: item.code, label: item.name }));

  const submit = () => {
    setTouched(true);
    if (!file || !type) return;
    upload.mutate(
      { owner, file, documentType: type },
      {
        onSuccess: (attachment) => {
          setFile(null);
          setTouched(false);
          if (!documentType) setType(null);
          onUploaded?.(attachment);
        },
      },
    );
  };

  return (
    <Stack gap="xs">
      {upload.error ? (
        <Alert color="red" role="alert">
          {problemText(upload.error, t)}
        </Alert>
      ) : null}
      <Group align="end" wrap="wrap">
        <FileInput
          label={t('files.file')}
          placeholder={t('files.choose')}
          value={file}
          onChange={setFile}
          clearable
          error={touched && !file ? t('files.fileRequired') : null}
          style={{ flex: '1 1 14rem' }}
        />
        <Select
          label={t('files.documentType')}
          data={options}
          value={type}
          onChange={setType}
          disabled={Boolean(documentType)}
          error={touched && !type ? t('files.typeRequired') : null}
          style={{ flex: '1 1 12rem' }}
        />
        <Button onClick={submit} loading={upload.isPending}>
          {t('files.upload')}
        </Button>
      </Group>
    </Stack>
  );
}
