import { Alert, Grid, Loader, NavLink, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, useLocation } from 'react-router-dom';
import { useMe } from '../auth/queries';
import { LoadError } from '../shell/LoadError';
import { SETTINGS_SECTIONS, canOpen, visibleSections } from './sections';

/**
 * /settings: a side menu of the sections the caller may manage and the open section. A
 * section the caller holds no permission for is not rendered at all (the API would refuse
 * it anyway); its link is hidden from the menu.
 */
export function SettingsLayout() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const me = useMe();
  if (me.isPending) return <Loader />;
  if (me.isError) return <LoadError onRetry={() => void me.refetch()} retrying={me.isFetching} />;

  const sections = visibleSections(me.data);
  const current = pathname.split('/')[2];
  const section = SETTINGS_SECTIONS.find((s) => s.path === current);
  const first = sections[0];
  if (!first) {
    return (
      <Alert color="yellow" title={t('nav.settings')}>
        {t('settings.noAccess')}
      </Alert>
    );
  }
  if (!current) return <Navigate to={`/settings/${first.path}`} replace />;

  return (
    <Stack>
      <Title order={2}>{t('nav.settings')}</Title>
      <Grid>
        <Grid.Col span={{ base: 12, sm: 3 }}>
          <nav aria-label={t('settings.menu')}>
            {sections.map((s) => (
              <NavLink
                key={s.path}
                component={Link}
                to={`/settings/${s.path}`}
                label={t(s.label)}
                active={s.path === current}
              />
            ))}
          </nav>
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 9 }}>
          {section && !canOpen(me.data, section) ? (
            <Alert color="red" data-testid="settings-forbidden">
              {t('settings.forbidden')}
            </Alert>
          ) : (
            <Outlet />
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
