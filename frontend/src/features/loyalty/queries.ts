import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type Survey = components['schemas']['SurveyRead'];
export type SurveyLink = components['schemas']['SurveyLinkRead'];
export type Nps = components['schemas']['NpsRead'];
export type NpsRow = components['schemas']['NpsRowRead'];

export const loyaltyKeys = {
  all: ['loyalty'] as const,
  survey: (dealId: string) => [...loyaltyKeys.all, 'survey', dealId] as const,
  nps: (from: string, to: string) => [...loyaltyKeys.all, 'nps', from, to] as const,
};

/** A closed deal's loyalty survey (null while the deal is open). */
export function useDealSurvey(dealId: string, enabled: boolean) {
  return useQuery({
    queryKey: loyaltyKeys.survey(dealId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/deals/{deal_id}/survey', {
          params: { path: { deal_id: dealId } },
          signal,
        }),
      ),
    enabled,
  });
}

/** A new link for the client; the survey it returns replaces the one held. */
export function useIssueSurveyLink(dealId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/deals/{deal_id}/survey/link', {
          params: { path: { deal_id: dealId } },
        }),
      ),
    onSuccess: (link) => queryClient.setQueryData(loyaltyKeys.survey(dealId), link.survey),
    onSettled: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.survey(dealId) }),
  });
}

/** Net promoter score per account manager for the days from..to. */
export function useNps(from: string, to: string) {
  return useQuery({
    queryKey: loyaltyKeys.nps(from, to),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/kpi/nps', { params: { query: { from, to } }, signal })),
  });
}
