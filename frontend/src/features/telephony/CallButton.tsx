import { ActionIcon, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError, errorMessage } from '../../api/problem';
import { formatPhone } from '../clients/phone';
import { useClickToCall, useClickToCallLine } from './queries';

/** Starts a call to `phone` through the organisation's PBX, which rings the caller's extension
 * first; shown only to those the PBX can call back. A refusal is shown with the PBX's reason. */
export function CallButton({
  phone,
  clientId,
  dealId,
  callListItemId,
}: {
  phone: string;
  clientId?: string | null;
  dealId?: string | null;
  callListItemId?: string | null;
}) {
  const { t } = useTranslation();
  const line = useClickToCallLine();
  const call = useClickToCall();
  if (!line.data?.available) return null;
  const label = t('telephony.clickToCall', { phone: formatPhone(phone) });
  const start = (event: React.MouseEvent) => {
    event.stopPropagation();
    call.mutate(
      {
        number: phone,
        client_id: clientId ?? null,
        deal_id: dealId ?? null,
        call_list_item_id: callListItemId ?? null,
      },
      {
        onSuccess: (started) =>
          notifications.show({
            color: 'green',
            title: t('telephony.calling'),
            message: t('telephony.callingHint', { extension: started.extension ?? '' }),
          }),
        onError: (error) =>
          notifications.show({
            color: 'red',
            title: t('telephony.callFailed'),
            message: refusalText(error, t),
            autoClose: false,
          }),
      },
    );
  };
  return (
    <Tooltip label={label}>
      <ActionIcon
        variant="light"
        size="sm"
        aria-label={label}
        loading={call.isPending}
        onClick={start}
      >
        ☎
      </ActionIcon>
    </Tooltip>
  );
}

/** The problem in the reader's language; a PBX's refusal also quotes the PBX's own words. */
function refusalText(error: unknown, t: TFunction): string {
  const text = errorMessage(error, t);
  if (error instanceof ApiError && error.status === 502 && error.problem?.detail) {
    return `${text} ${error.problem.detail}`;
  }
  return text;
}
