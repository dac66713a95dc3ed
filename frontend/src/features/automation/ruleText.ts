import type { TFunction } from 'i18next';
import type { RuleAction, RuleTrigger } from './queries';

/** One line saying what starts a rule, with the stage's name where it names one. */
export function triggerSummary(
  trigger: RuleTrigger,
  stageName: (id: string) => string | undefined,
  t: TFunction,
): string {
  const kind = t(`automation.trigger.${trigger.kind}`);
  const stage = trigger.stage_id ? (stageName(trigger.stage_id) ?? '?') : null;
  const parts = [kind];
  if (stage) parts.push(`«${stage}»`);
  if (trigger.days) parts.push(t('automation.daysCount', { count: trigger.days }));
  if (trigger.field) parts.push(trigger.field);
  return parts.join(' ');
}

export function actionsSummary(actions: RuleAction[], t: TFunction): string {
  return actions.map((action) => t(`automation.action.${action.kind}`)).join(', ');
}
