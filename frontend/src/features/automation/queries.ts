import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];
export type AutomationRule = Schemas['AutomationRuleRead'];
export type RuleCreate = Schemas['AutomationRuleCreate'];
export type RuleUpdate = Schemas['AutomationRuleUpdate'];
export type RuleTrigger = Schemas['AutomationTrigger'];
export type RuleCondition = Schemas['AutomationCondition'];
export type RuleAction = Schemas['AutomationAction'];
export type RuleRecipient = Schemas['AutomationRecipient'];
export type RuleRun = Schemas['AutomationRunRead'];
export type DryRunDeal = Schemas['AutomationDryRunDeal'];
export type TriggerKind = Schemas['TriggerKind'];
export type ConditionKind = Schemas['ConditionKind'];
export type ActionKind = Schemas['ActionKind'];
export type RecipientKind = Schemas['RecipientKind'];

export const TRIGGER_KINDS: readonly TriggerKind[] = [
  'deal_entered_stage',
  'deal_left_stage',
  'deal_stayed_in_stage',
  'deal_won',
  'deal_lost',
  'deal_field_changed',
  'task_overdue',
  'lead_received',
  'call_missed',
  'complaint_overdue',
];
export const CONDITION_KINDS: readonly ConditionKind[] = [
  'funnel',
  'stage',
  'amount',
  'source',
  'tags',
  'custom_field',
  'responsible_role',
  'responsible_department',
];
export const ACTION_KINDS: readonly ActionKind[] = [
  'create_task',
  'change_responsible',
  'notify',
  'send_email',
  'move_to_stage',
  'set_field',
  'call_webhook',
];
export const RECIPIENT_KINDS: readonly RecipientKind[] = [
  'user',
  'responsible',
  'responsible_head',
  'role',
];
// domain/automation/model.py MAX_CONDITIONS, MAX_ACTIONS
export const MAX_CONDITIONS = 20;
export const MAX_ACTIONS = 10;

export const automationKeys = {
  all: ['automation'] as const,
  rules: () => [...automationKeys.all, 'rules'] as const,
  runs: (ruleId: string) => [...automationKeys.all, 'runs', ruleId] as const,
  dealRuns: (dealId: string) => [...automationKeys.all, 'deal-runs', dealId] as const,
};

export function useAutomationRules() {
  return useQuery({
    queryKey: automationKeys.rules(),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/automation/rules', { params: { query: { limit: 200 } }, signal })),
    select: (page) => page.items,
  });
}

export function useRuleRuns(ruleId: string | null) {
  return useQuery({
    queryKey: automationKeys.runs(ruleId ?? ''),
    enabled: ruleId !== null,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/automation/rules/{rule_id}/runs', {
          params: { path: { rule_id: ruleId ?? '' }, query: { limit: 100 } },
          signal,
        }),
      ),
    select: (page) => page.items,
  });
}

/** The rules' runs on one deal (the deal card's automation tab). */
export function useDealRuleRuns(dealId: string) {
  return useQuery({
    queryKey: automationKeys.dealRuns(dealId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/automation/runs', {
          params: { query: { deal_id: dealId, limit: 50 } },
          signal,
        }),
      ),
    select: (page) => page.items,
  });
}

export function useSaveRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ rule, body }: { rule: AutomationRule | null; body: RuleCreate }) =>
      rule
        ? unwrap(
            api.PATCH('/api/v1/automation/rules/{rule_id}', {
              params: { path: { rule_id: rule.id }, header: { 'If-Match': `"v${rule.version}"` } },
              body,
            }),
          )
        : unwrap(api.POST('/api/v1/automation/rules', { body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: automationKeys.rules() }),
  });
}

export function useToggleRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ rule, enabled }: { rule: AutomationRule; enabled: boolean }) =>
      unwrap(
        api.PATCH('/api/v1/automation/rules/{rule_id}', {
          params: { path: { rule_id: rule.id }, header: { 'If-Match': `"v${rule.version}"` } },
          body: { is_enabled: enabled },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: automationKeys.rules() }),
  });
}

export function useDeleteRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ruleId: string) =>
      unwrap(
        api.DELETE('/api/v1/automation/rules/{rule_id}', {
          params: { path: { rule_id: ruleId } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: automationKeys.rules() }),
  });
}

/** The deals a rule (saved, or the one being edited) would touch now. */
export function useDryRun() {
  return useMutation({
    mutationFn: ({ ruleId, body }: { ruleId?: string; body?: RuleCreate }) =>
      ruleId
        ? unwrap(
            api.POST('/api/v1/automation/rules/{rule_id}/dry-run', {
              params: { path: { rule_id: ruleId }, query: { limit: 50 } },
            }),
          )
        : unwrap(
            api.POST('/api/v1/automation/dry-run', {
              params: { query: { limit: 50 } },
              body: body as RuleCreate,
            }),
          ),
  });
}
