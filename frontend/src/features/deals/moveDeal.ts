import type { DragEndEvent, KeyboardCoordinateGetter } from '@dnd-kit/core';
import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../../api/problem';
import { problemText } from '../../api/problemText';
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

/** A card shown in its new column while the server decides. */
export interface MovingDeal {
  deal: Deal;
  fromStageId: string;
  toStageId: string;
}

/**
 * The board's drops. A card dropped on another column moves there at once (optimistically) and
 * the move is sent with If-Match on the card's version. The card stays in its new column until
 * the refetched board shows it there; a refusal puts it back where it was and says why: a stage
 * that lacks documents or fields opens the dialog that supplies them (StageRequirementsHost),
 * a deal changed meanwhile (412) says so (the board is refetched), anything else is explained
 * in a notification.
 */
export function useDealMoves(): {
  onDragEnd: (event: Pick<DragEndEvent, 'active' | 'over'>) => void;
  moving: MovingDeal[];
} {
  const { t } = useTranslation();
  const move = useMoveDeal();
  const [moving, setMoving] = useState<MovingDeal[]>([]);
  const settle = (dealId: string) =>
    setMoving((current) => current.filter((item) => item.deal.id !== dealId));

  const onDragEnd = ({ active, over }: Pick<DragEndEvent, 'active' | 'over'>) => {
    const deal = (active.data.current as DealDragData | undefined)?.deal;
    if (!deal || !over || over.id === deal.stage_id) return;
    const stageId = String(over.id);
    setMoving((current) => [
      ...current.filter((item) => item.deal.id !== deal.id),
      { deal, fromStageId: deal.stage_id, toStageId: stageId },
    ]);
    move.mutate(
      { deal, stageId },
      {
        // After the boards were refetched (the mutation's own onSettled waits for them).
        onSettled: () => settle(deal.id),
        onError: (error) => {
          // A stage that lacks documents or fields asks for them in a dialog, then moves.
          const requirements = error.status === 422 ? requirementsOf(error.problem) : [];
          if (requirements.length > 0) {
            askForRequirements({ deal, stageId, missing: requirements });
            return;
          }
          if (error.status === 412) {
            notifications.show({
              color: 'orange',
              title: t('board.moveConflictTitle'),
              message: t('board.moveConflict', { title: deal.title }),
            });
            return;
          }
          const missing = error.status === 422 ? missingRequirements(error.problem, t) : [];
          notifications.show({
            color: 'red',
            title: missing.length > 0 ? t('deals.moveRefused') : t('errors.title'),
            message: missing.length > 0 ? missing.join('\n') : problemText(error, t),
            style: { whiteSpace: 'pre-line' },
          });
        },
      },
    );
  };
  return { onDragEnd, moving };
}

/** The cards of one column with the moves in flight applied: cards leaving it are hidden,
 * cards arriving come first (in their new stage). The count changes only by what the server's
 * cards do not show yet, so a board refetched before the move settles is not counted twice. */
export function withMoves(
  stageId: string,
  cards: Deal[],
  count: number,
  moving: MovingDeal[],
): { cards: Deal[]; count: number } {
  const here = new Set(cards.map((deal) => deal.id));
  const leaving = new Set(
    moving.filter((item) => item.fromStageId === stageId).map((item) => item.deal.id),
  );
  const arriving = moving
    .filter((item) => item.toStageId === stageId)
    .map((item) => ({ ...item.deal, stage_id: stageId }));
  const arrivingIds = new Set(arriving.map((deal) => deal.id));
  const left = [...leaving].filter((id) => here.has(id)).length;
  const came = arriving.filter((deal) => !here.has(deal.id)).length;
  return {
    cards: [...arriving, ...cards.filter((d) => !leaving.has(d.id) && !arrivingIds.has(d.id))],
    count: Math.max(0, count - left + came),
  };
}

/**
 * The keyboard's steps on the board: the right and left arrows carry the card to the centre of
 * the next or the previous column (dnd-kit's default moves 25 px a press, a dozen presses per
 * column). Up and down do nothing: a column has no order to change.
 */
export const columnKeyboardCoordinates: KeyboardCoordinateGetter = (
  event,
  { currentCoordinates, context },
) => {
  const card = context.collisionRect;
  if (!card || (event.code !== 'ArrowRight' && event.code !== 'ArrowLeft')) return undefined;
  event.preventDefault();
  const centre = card.left + card.width / 2;
  const columns = [...context.droppableRects.values()].sort((a, b) => a.left - b.left);
  const target =
    event.code === 'ArrowRight'
      ? columns.find((column) => column.left > centre)
      : columns.findLast((column) => column.left + column.width < centre);
  if (!target) return undefined;
  return {
    ...currentCoordinates,
    x: currentCoordinates.x + target.left + target.width / 2 - centre,
  };
};
