import {
  Alert,
  Anchor,
  Button,
  Fieldset,
  Group,
  List,
  Modal,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { ClientMergeDialog } from './ClientMergeDialog';
import { errorMessage, mapProblemToFields } from '../../api/problem';
import { email, maxLength, phone, required, rules } from '../../forms/rules';
import { setServerErrors } from '../../forms/serverErrors';
import {
  CLIENT_KINDS,
  TEMPERATURES,
  duplicateCandidates,
  useCreateClient,
  useUserName,
  type ClientCreate as ClientCreateBody,
  type ClientKind,
  type DuplicateCandidate,
  type Temperature,
} from './queries';

interface ContactValues {
  full_name: string;
  phones: string[];
  emails: string[];
}

interface ClientValues {
  kind: ClientKind;
  name: string;
  inn: string;
  temperature: Temperature;
  // Shaped like the request body, so that an error at `contacts.0.phones.0` finds its field.
  contacts: ContactValues[];
}

const FIELDS = [
  'kind',
  'name',
  'inn',
  'temperature',
  'contacts.0.full_name',
  'contacts.0.phones.0',
  'contacts.0.emails.0',
] as const;

// domain/clients/model.py CLIENT_NAME_MAX, CONTACT_NAME_MAX; api/schemas/contacts.py PhoneIn
const NAME_MAX = 300;
const CONTACT_NAME_MAX = 300;
const PHONE_MAX = 64;

const INITIAL_VALUES: ClientValues = {
  kind: 'company',
  name: '',
  inn: '',
  temperature: 'warm',
  contacts: [{ full_name: '', phones: [''], emails: [''] }],
};

function bodyOf(values: ClientValues): ClientCreateBody {
  const contact = values.contacts[0]!;
  const fullName = contact.full_name.trim();
  const phone = contact.phones[0]?.trim() ?? '';
  const email = contact.emails[0]?.trim() ?? '';
  return {
    kind: values.kind,
    name: values.name.trim(),
    inn: values.inn.trim() || null,
    temperature: values.temperature,
    contacts: fullName
      ? [
          {
            full_name: fullName,
            phones: phone ? [phone] : [],
            emails: email ? [email] : [],
            is_primary: true,
          },
        ]
      : [],
    confirm_duplicate: false,
  };
}

/** "New client": a modal form; on success the new client's card opens. */
export function ClientCreate({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateClient();
  const [merging, setMerging] = useState<{ newId: string; existingId: string } | null>(null);
  const form = useForm<ClientValues>({
    initialValues: INITIAL_VALUES,
    validateInputOnChange: true,
    // By path, as the fields are named: Mantine's rule records cannot reach a list of strings.
    validate: (values) => {
      const contact = values.contacts[0]!;
      const wanted = Boolean(contact.phones[0]?.trim() || contact.emails[0]?.trim());
      return {
        name: rules(
          required(t, t('clientCreate.nameRequired')),
          maxLength(t, NAME_MAX),
        )(values.name),
        'contacts.0.full_name': rules(
          (value: string) =>
            wanted && !value.trim() ? t('clientCreate.contactNameRequired') : null,
          maxLength(t, CONTACT_NAME_MAX),
        )(contact.full_name),
        'contacts.0.phones.0': rules(phone(t), maxLength(t, PHONE_MAX))(contact.phones[0]),
        'contacts.0.emails.0': email(t)(contact.emails[0]),
      };
    },
  });

  const candidates = duplicateCandidates(create.error);
  const problem = create.error
    ? mapProblemToFields(create.error.problem, FIELDS, { nested: true })
    : null;
  const formLevelErrors =
    create.error && problem && candidates.length === 0
      ? Object.keys(problem.fieldErrors).length === 0
        ? [errorMessage(create.error, t), ...problem.otherErrors]
        : problem.otherErrors
      : [];

  const close = () => {
    create.reset();
    form.reset();
    onClose();
  };

  const send = (body: ClientCreateBody) => {
    create.mutate(body, {
      onSuccess: (client) => {
        notifications.show({ color: 'green', message: t('clientCreate.created') });
        close();
        void navigate(`/clients/${client.id}`);
      },
      onError: (error) => setServerErrors(form, error, FIELDS, { nested: true }),
    });
  };

  const submit = form.onSubmit((values) => send(bodyOf(values)));

  const createAnyway = () => {
    if (create.variables) send({ ...create.variables, confirm_duplicate: true });
  };

  /** Creates the client as typed, then offers to merge it with the similar one found. */
  const createAndMerge = (existingId: string) => {
    if (!create.variables) return;
    create.mutate(
      { ...create.variables, confirm_duplicate: true },
      {
        onSuccess: (client) => {
          create.reset();
          form.reset();
          onClose();
          setMerging({ newId: client.id, existingId });
        },
      },
    );
  };

  return (
    <>
      <Modal opened={opened} onClose={close} title={t('clientCreate.title')} size="lg">
        <form onSubmit={submit} noValidate>
          <Stack>
            {formLevelErrors.length > 0 && (
              <Alert color="red" role="alert">
                {formLevelErrors.map((message) => (
                  <div key={message}>{message}</div>
                ))}
              </Alert>
            )}
            {candidates.length > 0 && (
              <Alert color="yellow" role="alert" title={t('clientCreate.duplicate')}>
                <Stack gap="xs">
                  <List size="sm">
                    {candidates.map((candidate) => (
                      <List.Item key={candidate.id}>
                        <CandidateLine candidate={candidate} />{' '}
                        <Button
                          size="compact-xs"
                          variant="light"
                          color="orange"
                          loading={create.isPending}
                          onClick={() => createAndMerge(candidate.client_id ?? candidate.id)}
                        >
                          {t('clientMerge.createAndMerge')}
                        </Button>
                      </List.Item>
                    ))}
                  </List>
                  <Group>
                    <Button
                      variant="light"
                      color="yellow"
                      loading={create.isPending}
                      onClick={createAnyway}
                    >
                      {t('clientCreate.createAnyway')}
                    </Button>
                  </Group>
                </Stack>
              </Alert>
            )}
            <Group grow align="start">
              <Select
                label={t('clientCreate.kind')}
                data={CLIENT_KINDS.map((value) => ({ value, label: t(`clientKind.${value}`) }))}
                allowDeselect={false}
                {...form.getInputProps('kind')}
              />
              <Select
                label={t('clientCreate.temperature')}
                data={TEMPERATURES.map((value) => ({ value, label: t(`temperature.${value}`) }))}
                allowDeselect={false}
                {...form.getInputProps('temperature')}
              />
            </Group>
            <TextInput label={t('clientCreate.name')} required {...form.getInputProps('name')} />
            <TextInput
              label={t('clientCreate.inn')}
              inputMode="numeric"
              maxLength={12}
              {...form.getInputProps('inn')}
            />
            <Fieldset legend={t('clientCreate.contact')}>
              <Stack gap="sm">
                <TextInput
                  label={t('clientCreate.contactName')}
                  autoComplete="off"
                  {...form.getInputProps('contacts.0.full_name')}
                />
                <TextInput
                  label={t('clientCreate.phone')}
                  type="tel"
                  autoComplete="off"
                  {...form.getInputProps('contacts.0.phones.0')}
                />
                <TextInput
                  label={t('clientCreate.email')}
                  type="email"
                  autoComplete="off"
                  {...form.getInputProps('contacts.0.emails.0')}
                />
              </Stack>
            </Fieldset>
            <Group justify="end">
              <Button variant="default" onClick={close}>
                {t('clientCreate.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending}>
                {t('clientCreate.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      {merging ? (
        <ClientMergeDialog
          firstId={merging.existingId}
          otherId={merging.newId}
          onClose={() => {
            const { newId } = merging;
            setMerging(null);
            void navigate(`/clients/${newId}`);
          }}
          onMerged={(survivor) => {
            setMerging(null);
            void navigate(`/clients/${survivor.id}`);
          }}
        />
      ) : null}
    </>
  );
}

function CandidateLine({ candidate }: { candidate: DuplicateCandidate }) {
  const { t } = useTranslation();
  const lookedUp = useUserName(
    candidate.responsible_name ? undefined : (candidate.responsible_id ?? undefined),
  );
  const owner = candidate.responsible_name ?? lookedUp.data ?? '—';
  return (
    <Text size="sm" span>
      <Anchor component={Link} to={`/clients/${candidate.client_id ?? candidate.id}`} size="sm">
        {candidate.name}
      </Anchor>{' '}
      {t('clientCreate.duplicateOwner', { name: owner })}
      {candidate.reasons.length > 0
        ? ` · ${t('clientCreate.duplicateReasons', {
            reasons: candidate.reasons.map((reason) => t(`duplicateReason.${reason}`)).join(', '),
          })}`
        : null}
    </Text>
  );
}
