import { ActionIcon, Button, Group, Menu, Modal, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { mapProblemToFields } from '../../api/problem';
import { problemText } from '../../api/problemText';
import { maxLength, required, rules } from '../../forms/rules';
import {
  useDeleteSavedFilter,
  useRenameFilter,
  useSavedFilters,
  useSaveFilter,
  type FilteredList,
  type SavedFilter,
} from './queries';

/**
 * The user's named filters of a list, kept on the server: open one, save the current filter
 * (the list's URL query), rename or delete one.
 */
export function SavedFilters({
  list,
  query,
  onOpen,
}: {
  list: FilteredList;
  query: string;
  onOpen: (query: string) => void;
}) {
  const { t } = useTranslation();
  // Asked for when the menu is first opened, not on every visit of the list.
  const [wanted, setWanted] = useState(false);
  const [menuOpened, setMenuOpened] = useState(false);
  const saved = useSavedFilters(list, { enabled: wanted });
  const save = useSaveFilter(list);
  const rename = useRenameFilter(list);
  const remove = useDeleteSavedFilter(list);
  // The modal names a new filter (null) or renames one.
  const [naming, setNaming] = useState<{ filter: SavedFilter | null } | null>(null);
  const [name, setName] = useState('');
  // The name's rule speaks once the name was edited, not on an untouched new form.
  const [edited, setEdited] = useState(false);
  const pending = naming?.filter ? rename : save;
  // domain/platform/saved_filters.py NAME_MAX
  const nameRule = rules(required(t), maxLength(t, 100));
  const nameError = edited ? nameRule(name) : null;
  // A refusal that names the name is said on it as the server worded it; any other, in general.
  const refusal = pending.isError
    ? (mapProblemToFields(pending.error.problem, ['name']).fieldErrors.name ??
      problemText(pending.error, t))
    : null;

  const open = (filter: SavedFilter | null) => {
    // The menu closes, or it would keep the keyboard from the name being typed.
    setMenuOpened(false);
    save.reset();
    rename.reset();
    setName(filter?.name ?? '');
    setEdited(false);
    setNaming({ filter });
  };
  const close = () => setNaming(null);
  const submit = () => {
    const trimmed = name.trim();
    setEdited(true);
    if (nameRule(name) || !naming) return;
    const done = {
      onSuccess: () => {
        notifications.show({
          color: 'green',
          message: t(naming.filter ? 'savedFilters.renamed' : 'savedFilters.saved'),
        });
        close();
      },
    };
    if (naming.filter) rename.mutate({ id: naming.filter.id, name: trimmed }, done);
    else save.mutate({ name: trimmed, query }, done);
  };

  return (
    <>
      <Menu
        position="bottom-start"
        closeOnItemClick
        opened={menuOpened}
        onChange={setMenuOpened}
        onOpen={() => setWanted(true)}
      >
        <Menu.Target>
          <Button variant="default">{t('savedFilters.title')}</Button>
        </Menu.Target>
        <Menu.Dropdown data-testid="saved-filters">
          {saved.isError ? (
            <>
              <Menu.Item disabled>{t('errors.loadFailed')}</Menu.Item>
              <Menu.Item closeMenuOnClick={false} onClick={() => void saved.refetch()}>
                {saved.isFetching ? t('savedFilters.loading') : t('errors.retry')}
              </Menu.Item>
            </>
          ) : saved.isPending ? (
            <Menu.Item disabled>{t('savedFilters.loading')}</Menu.Item>
          ) : saved.data.length === 0 ? (
            <Menu.Item disabled>{t('savedFilters.none')}</Menu.Item>
          ) : (
            saved.data.map((filter) => (
              <Menu.Item
                key={filter.id}
                onClick={() => onOpen(filter.query)}
                rightSection={
                  <Group gap={2} wrap="nowrap">
                    <ActionIcon
                      component="span"
                      size="xs"
                      variant="subtle"
                      color="gray"
                      aria-label={t('savedFilters.rename', { name: filter.name })}
                      onClick={(event) => {
                        event.stopPropagation();
                        open(filter);
                      }}
                    >
                      ✎
                    </ActionIcon>
                    <ActionIcon
                      component="span"
                      size="xs"
                      variant="subtle"
                      color="gray"
                      aria-label={t('savedFilters.delete', { name: filter.name })}
                      onClick={(event) => {
                        event.stopPropagation();
                        remove.mutate(filter.id);
                      }}
                    >
                      ✕
                    </ActionIcon>
                  </Group>
                }
              >
                {filter.name}
              </Menu.Item>
            ))
          )}
          <Menu.Divider />
          <Menu.Item onClick={() => open(null)}>{t('savedFilters.save')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal
        opened={naming !== null}
        onClose={close}
        title={t(naming?.filter ? 'savedFilters.renameTitle' : 'savedFilters.save')}
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <Stack>
            <TextInput
              label={t('savedFilters.name')}
              value={name}
              onChange={(event) => {
                setName(event.currentTarget.value);
                setEdited(true);
                pending.reset();
              }}
              maxLength={100}
              required
              data-autofocus
              error={nameError ?? refusal}
            />
            <Group justify="end">
              <Button variant="default" onClick={close}>
                {t('deals.cancel')}
              </Button>
              <Button type="submit" loading={pending.isPending}>
                {t('dealPage.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
