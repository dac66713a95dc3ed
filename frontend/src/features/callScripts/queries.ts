import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];
export type CallScript = Schemas['CallScriptRead'];
export type CallScriptWrite = Schemas['CallScriptWrite'];
export type ScriptStep = Schemas['StepRead'];
export type ScriptAnswer = Schemas['AnswerRead'];
export type StepWrite = Schemas['StepWrite'];
export type AnswerWrite = Schemas['AnswerWrite'];
export type ScriptOutcome = Schemas['ScriptOutcome'];
export type ScriptRun = Schemas['CallScriptRunRead'];
export type PathEntry = Schemas['PathEntryWrite'];
export type ScriptReport = Schemas['CallScriptReportRead'];

export const SCRIPT_OUTCOMES: readonly ScriptOutcome[] = [
  'interested',
  'not_interested',
  'call_back',
  'wrong_number',
  'no_decision',
];
// domain/callscripts/model.py MAX_STEPS, MAX_ANSWERS
export const MAX_STEPS = 100;
export const MAX_ANSWERS = 10;

/** Where a call happens: a deal (its stage's script; the stage, when given, keys the cache so
 * a move asks again) or a call list number (its list's). */
export type ScriptRecord = { dealId: string; stageId?: string } | { callListItemId: string };

export const callScriptKeys = {
  all: ['call-scripts'] as const,
  list: () => [...callScriptKeys.all, 'list'] as const,
  resolved: (record: ScriptRecord) => [...callScriptKeys.all, 'resolved', record] as const,
  runs: (record: ScriptRecord) => [...callScriptKeys.all, 'runs', record] as const,
  report: (id: string, from: string, to: string) =>
    [...callScriptKeys.all, 'report', id, from, to] as const,
};

function recordQuery(record: ScriptRecord) {
  return 'dealId' in record
    ? { deal_id: record.dealId }
    : { call_list_item_id: record.callListItemId };
}

export function useCallScripts() {
  return useQuery({
    queryKey: callScriptKeys.list(),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/call-scripts', { params: { query: { limit: 200 } }, signal })),
    select: (page) => page.items,
  });
}

/** The active script for a call on the record, or none. */
export function useResolvedScript(record: ScriptRecord) {
  return useQuery({
    queryKey: callScriptKeys.resolved(record),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/call-scripts/resolve', { params: { query: recordQuery(record) }, signal }),
      ),
  });
}

export function useScriptRuns(record: ScriptRecord) {
  return useQuery({
    queryKey: callScriptKeys.runs(record),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/call-script-runs', {
          params: { query: { ...recordQuery(record), limit: 20 } },
          signal,
        }),
      ),
    select: (page) => page.items,
  });
}

export function useSaveScript() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ script, body }: { script: CallScript | null; body: CallScriptWrite }) =>
      script
        ? unwrap(
            api.PUT('/api/v1/call-scripts/{script_id}', {
              params: {
                path: { script_id: script.id },
                header: { 'If-Match': `"v${script.version}"` },
              },
              body,
            }),
          )
        : unwrap(api.POST('/api/v1/call-scripts', { body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: callScriptKeys.all }),
  });
}

export function useAssignScript() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      script,
      stageIds,
      callListIds,
    }: {
      script: CallScript;
      stageIds: string[];
      callListIds: string[];
    }) =>
      unwrap(
        api.PUT('/api/v1/call-scripts/{script_id}/assignments', {
          params: {
            path: { script_id: script.id },
            header: { 'If-Match': `"v${script.version}"` },
          },
          body: { stage_ids: stageIds, call_list_ids: callListIds },
        }),
      ),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: callScriptKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['call-lists'] });
    },
  });
}

export interface FinishedRun {
  script: CallScript;
  record: ScriptRecord;
  path: PathEntry[];
  outcome: ScriptOutcome | null;
}

export function useSaveRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ script, record, path, outcome }: FinishedRun) =>
      unwrap(
        api.POST('/api/v1/call-script-runs', {
          body: {
            script_id: script.id,
            path,
            ...('dealId' in record
              ? { deal_id: record.dealId }
              : { call_list_item_id: record.callListItemId }),
            ...(outcome ? { outcome } : {}),
          },
        }),
      ),
    onSuccess: (_run, { record }) =>
      queryClient.invalidateQueries({ queryKey: callScriptKeys.runs(record) }),
  });
}

export function useScriptReport(id: string, from: string, to: string) {
  return useQuery({
    queryKey: callScriptKeys.report(id, from, to),
    enabled: Boolean(id && from && to),
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/call-scripts/{script_id}/report', {
          params: { path: { script_id: id }, query: { from, to } },
          signal,
        }),
      ),
  });
}
