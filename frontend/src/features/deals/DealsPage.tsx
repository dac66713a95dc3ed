import {
  Button,
  Center,
  Checkbox,
  Group,
  Loader,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { seesTeam, useMe } from '../auth/queries';
import { SavedFilters } from '../savedFilters/SavedFilters';
import { holds } from '../settings/sections';
import { LoadError } from '../shell/LoadError';
import { DealBoard } from './DealBoard';
import { DealFilterChips } from './DealFilterChips';
import { DealList } from './DealList';
import { hasFilters, NO_FILTERS, useDealParams } from './dealParams';
import { DEAL_STATUSES, useFunnels, type DealFilters } from './queries';
import { TeamSelect } from './TeamSelect';

/** /deals: the funnel's deals as a board or a list, with the same filters, all in the URL. */
export function DealsPage() {
  const { t } = useTranslation();
  const funnels = useFunnels();
  const me = useMe();
  const [params, update] = useDealParams();
  // A saved filter is the page's whole URL query: view, funnel and every filter.
  const [urlParams, setUrlParams] = useSearchParams();
  const funnel =
    funnels.data?.find((candidate) => candidate.id === params.funnelId) ??
    funnels.data?.find((candidate) => candidate.is_default) ??
    funnels.data?.[0];
  const stages = [...(funnel?.stages ?? [])].sort((a, b) => a.position - b.position);
  const filters: DealFilters | null = funnel
    ? {
        funnelId: funnel.id,
        responsibleIds: params.responsibleIds,
        sources: params.sources,
        tags: params.tags,
        stale: params.stale,
        withoutNextTask: params.withoutNextTask,
        reachedStageId: params.reachedStageId,
        departmentId: params.departmentId,
        lossReasonId: params.lossReasonId,
        createdFrom: params.createdFrom,
        createdTo: params.createdTo,
        closedFrom: params.closedFrom,
        closedTo: params.closedTo,
        q: params.q,
      }
    : null;

  // The box shows what is typed at once; the URL (and the request) follows when typing pauses.
  const [search, setSearch] = useState(params.q);
  const commitSearch = useDebouncedCallback((value: string) => update({ q: value.trim() }), 300);
  // A URL changed from outside (a link, back) brings its text into the box, unless typing is
  // still on its way to the URL.
  const [shownQ, setShownQ] = useState(params.q);
  if (params.q !== shownQ) {
    setShownQ(params.q);
    if (params.q !== search.trim() && !commitSearch.isPending()) setSearch(params.q);
  }

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('deals.title')}</Title>
        <Group>
          <SegmentedControl
            aria-label={t('dealList.view')}
            data={[
              { value: 'board', label: t('dealList.board') },
              { value: 'list', label: t('dealList.list') },
            ]}
            value={params.view}
            onChange={(view) => update({ view })}
          />
          <Select
            aria-label={t('deals.funnel')}
            data={(funnels.data ?? []).map((item) => ({ value: item.id, label: item.name }))}
            value={funnel?.id ?? null}
            // A stage belongs to its funnel: another funnel starts without one.
            onChange={(value) => value && update({ funnelId: value, stageId: null })}
            allowDeselect={false}
          />
          <SavedFilters
            list="deals"
            query={urlParams.toString()}
            onOpen={(query) => setUrlParams(query)}
          />
          {holds(me.data, 'imports:run') && (
            <Button variant="default" component={Link} to="/imports/new?entity=deals">
              {t('imports.open')}
            </Button>
          )}
        </Group>
      </Group>
      <Group align="end" gap="sm">
        <TextInput
          label={t('dealList.search')}
          placeholder={t('dealList.searchPlaceholder')}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            commitSearch(event.currentTarget.value);
          }}
          type="search"
          miw={240}
        />
        {me.data && seesTeam(me.data) && (
          <TeamSelect
            value={params.responsibleIds}
            onChange={(responsibleIds) => update({ responsibleIds })}
          />
        )}
        <TagsInput
          label={t('board.source')}
          placeholder={params.sources.length ? undefined : t('board.anySource')}
          value={params.sources}
          onChange={(sources) => update({ sources })}
          data-testid="source-filter"
          maxTags={50}
          clearable
          maw={260}
        />
        <TagsInput
          label={t('board.tags')}
          placeholder={params.tags.length ? undefined : t('board.anyTag')}
          value={params.tags}
          onChange={(tags) => update({ tags })}
          data-testid="tag-filter"
          maxTags={50}
          clearable
          maw={260}
        />
        <Select
          label={t('board.staleness')}
          data={[
            { value: 'any', label: t('board.staleAny') },
            { value: 'true', label: t('board.staleOnly') },
            { value: 'false', label: t('board.freshOnly') },
          ]}
          value={params.stale === null ? 'any' : String(params.stale)}
          onChange={(value) =>
            update({ stale: value === 'true' ? true : value === 'false' ? false : null })
          }
          allowDeselect={false}
          w={170}
        />
        {params.view === 'list' ? (
          <>
            <Select
              label={t('dealList.stage')}
              placeholder={t('dealList.anyStage')}
              data={stages.map((stage) => ({ value: stage.id, label: stage.name }))}
              value={params.stageId}
              onChange={(stageId) => update({ stageId })}
              clearable
            />
            <Select
              label={t('dealList.status')}
              placeholder={t('dealList.anyStatus')}
              data={DEAL_STATUSES.map((value) => ({ value, label: t(`dealStatus.${value}`) }))}
              value={params.status}
              onChange={(status) => update({ status })}
              clearable
            />
          </>
        ) : null}
        <Checkbox
          label={t('board.withoutNextTask')}
          checked={params.withoutNextTask}
          onChange={(event) => update({ withoutNextTask: event.currentTarget.checked })}
          mb={8}
        />
        {hasFilters(params) ? (
          <Button
            variant="subtle"
            onClick={() => {
              setSearch('');
              update(NO_FILTERS);
            }}
          >
            {t('board.resetFilters')}
          </Button>
        ) : null}
      </Group>
      <DealFilterChips params={params} stages={stages} onRemove={update} />
      {funnels.isPending ? (
        <Center>
          <Loader />
        </Center>
      ) : funnels.isError ? (
        <LoadError retrying={funnels.isFetching} onRetry={() => void funnels.refetch()} />
      ) : !filters ? (
        <Text c="dimmed">{t('deals.noFunnels')}</Text>
      ) : params.view === 'list' ? (
        <DealList
          filters={{ ...filters, stageId: params.stageId, status: params.status }}
          sort={params.sort}
          onSort={(sort) => update({ sort })}
        />
      ) : (
        <DealBoard filters={filters} />
      )}
    </Stack>
  );
}
