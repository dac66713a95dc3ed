import {
  AppShell,
  Badge,
  Burger,
  Button,
  Center,
  Group,
  Loader,
  NavLink,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { LanguageSwitcher } from '../../i18n/LanguageSwitcher';
import { useLogout, useMe } from '../auth/queries';
import { NotificationBell } from '../notifications/NotificationBell';
import { dueCount, useToday } from '../tasks/queries';
import { useLeadCounts, waitingCount } from '../intake/leads';
import { useUpdateMe } from '../profile/queries';
import { isActive, visibleNavItems } from './navigation';
import { useFollowUserLanguage } from './useFollowUserLanguage';

export function AppShellLayout() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const [navOpened, nav] = useDisclosure(false);
  const me = useMe();
  const updateMe = useUpdateMe();
  const logout = useLogout();
  useFollowUserLanguage(me.data?.language);
  // The navigation counts the caller's overdue and today's tasks (tasks:read only).
  const today = useToday({
    enabled: Boolean(
      me.data && (me.data.role_code === 'admin' || me.data.permissions.includes('tasks:read')),
    ),
  });
  const due = dueCount(today.data);
  // And the leads waiting for anyone or for the caller (intake:write only).
  const leadCounts = useLeadCounts(
    Boolean(
      me.data && (me.data.role_code === 'admin' || me.data.permissions.includes('intake:write')),
    ),
  );
  const waiting = waitingCount(leadCounts.data);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpened}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('nav.toggle')}
            />
            <Title order={3} flex="none">
              {t('app.name')}
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {me.data && (
              <UnstyledButton
                component={Link}
                to="/profile"
                title={t('nav.profile')}
                data-testid="current-user"
                visibleFrom="xs"
              >
                <Stack gap={0} align="flex-end">
                  <Text size="sm" fw={500} lh={1.2}>
                    {me.data.full_name}
                  </Text>
                  <Text size="xs" c="dimmed" lh={1.2} visibleFrom="sm">
                    {me.data.email}
                  </Text>
                </Stack>
              </UnstyledButton>
            )}
            {me.data && <NotificationBell />}
            <LanguageSwitcher
              size="xs"
              // Chosen here, the language is the user's preference, kept on the server.
              onLanguageChange={(language) => me.data && updateMe.mutate({ language })}
            />
            <Button
              variant="default"
              size="xs"
              flex="none"
              loading={logout.isPending}
              onClick={() => logout.mutate()}
            >
              {t('auth.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label={t('nav.label')}>
        {visibleNavItems(me.data).map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={t(item.label)}
            rightSection={
              item.countsDueTasks && due > 0 ? (
                <Badge
                  size="sm"
                  color="red"
                  variant="filled"
                  aria-label={t('nav.dueCount', { count: due })}
                  data-testid={`nav-count-${item.to}`}
                >
                  {due}
                </Badge>
              ) : item.countsLeads && waiting > 0 ? (
                <Badge
                  size="sm"
                  color="blue"
                  variant="filled"
                  aria-label={t('nav.leadCount', { count: waiting })}
                  data-testid={`nav-count-${item.to}`}
                >
                  {waiting}
                </Badge>
              ) : undefined
            }
            active={isActive(item.to, pathname)}
            aria-current={isActive(item.to, pathname) ? 'page' : undefined}
            onClick={nav.close}
          />
        ))}
        {/* On a phone the header has no room for the user's name, which links to the profile. */}
        <NavLink
          component={Link}
          to="/profile"
          label={t('nav.profile')}
          active={isActive('/profile', pathname)}
          onClick={nav.close}
          hiddenFrom="xs"
        />
      </AppShell.Navbar>

      <AppShell.Main>
        {me.isPending ? (
          <Center py="xl">
            <Loader aria-label={t('app.loading')} />
          </Center>
        ) : (
          <Outlet />
        )}
      </AppShell.Main>
    </AppShell>
  );
}
