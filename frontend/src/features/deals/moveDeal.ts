import type { DragEndEvent } from '@dnd-kit/core';
import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { errorMessage, type Problem } from '../../api/problem';
import { useMoveDeal, type Deal } from './queries';
import { askForRequirements, requirementsOf } from './requirements';

const DOCUMENT_TYPES = ['contract', 'invoice', 'act', 'proposal', 'other'] as const;
const DEAL_FIELDS = [
  'amount',
  'contact_id',
  'expected_close_date',
  'expected_margin',
  'products',
  'source_channel',
] as const;
const CUSTOM_PREFIX = 'custom:';

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

/**
 * What a refused stage move lacks, in words: each `errors[].loc` of the problem names a kind and
 * an item (`['body', 'documents', 'contract']`, `['body', 'fields', 'amount']`). Anything else
 * falls back to the server's message.
 */
export function missingRequirements(problem: Problem | null, t: TFunction): string[] {
  return (problem?.errors ?? []).map(({ loc, msg }) => {
    const path = loc.map(String);
    const [kind, name] = path[0] === 'body' ? path.slice(1) : path;
    if (kind === 'documents' && name) {
      const label = isOneOf(DOCUMENT_TYPES, name) ? t(`documentType.${name}`) : name;
      return t('deals.needDocument', { name: label });
    }
    if (kind === 'fields' && name) {
      const label = isOneOf(DEAL_FIELDS, name)
        ? t(`dealField.${name}`)
        : name.startsWith(CUSTOM_PREFIX)
          ? t('dealField.custom', { key: name.slice(CUSTOM_PREFIX.length) })
          : name;
      return t('deals.needField', { name: label });
    }
    return msg;
  });
}

/** Data each draggable card carries, so a drop knows the deal and where it came from. */
export interface DealDragData {
  deal: Deal;
}

/**
 * The board's onDragEnd: a card dropped on another column is moved there. The card stays where
 * it was until the server agrees (the board is refetched then); a stage that lacks documents or
 * fields opens the dialog that supplies them (StageRequirementsHost), any other refusal is
 * explained in a notification.
 */
export function useDealDragEnd(): (event: Pick<DragEndEvent, 'active' | 'over'>) => void {
  const { t } = useTranslation();
  const move = useMoveDeal();
  return ({ active, over }) => {
    const deal = (active.data.current as DealDragData | undefined)?.deal;
    if (!deal || !over || over.id === deal.stage_id) return;
    move.mutate(
      { dealId: deal.id, stageId: String(over.id) },
      {
        onError: (error) => {
          // A stage that lacks documents or fields asks for them in a dialog, then moves.
          const requirements = error.status === 422 ? requirementsOf(error.problem) : [];
          if (requirements.length > 0) {
            askForRequirements({ deal, stageId: String(over.id), missing: requirements });
            return;
          }
          const missing = error.status === 422 ? missingRequirements(error.problem, t) : [];
          notifications.show({
            color: 'red',
            title: missing.length > 0 ? t('deals.moveRefused') : t('errors.title'),
            message: missing.length > 0 ? missing.join('\n') : errorMessage(error, t),
            style: { whiteSpace: 'pre-line' },
          });
        },
      },
    );
  };
}
