import {
  Alert,
  Button,
  Center,
  Group,
  Loader,
  Paper,
  Radio,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import type { TFunction } from 'i18next';
import { useEffect, useState, type FormEvent } from 'react';
import { useParams } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/problem';
import type { components } from '../../api/schema';
import { DEFAULT_LANGUAGE, i18n, isLanguage, loadAllTexts, type Language } from '../../i18n';

type PublicSurvey = components['schemas']['PublicSurveyRead'];
type State =
  | { kind: 'loading' }
  | { kind: 'unknown' }
  | { kind: 'failed' }
  | { kind: 'shown'; survey: PublicSurvey }
  | { kind: 'thanks'; organisation: string };

const SCORES = Array.from({ length: 11 }, (_, score) => String(score));

/** The client's browser language when the app has it: the client never signed in to pick one. */
function browserLanguage(): Language {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

/** The texts of the client's language, without changing the language stored for this device's
 * staff (the survey's texts are not among the sign-in page's, so every text is loaded). */
function useSurveyTexts(): TFunction | null {
  const [t, setT] = useState<TFunction | null>(null);
  useEffect(() => {
    const language = browserLanguage();
    let live = true;
    void loadAllTexts()
      .then(() => i18n.loadLanguages(language))
      .then(() => {
        document.documentElement.lang = language;
        if (live) setT(() => i18n.getFixedT(language));
      });
    return () => {
      live = false;
    };
  }, []);
  return t;
}

/** /survey/:token: the client's loyalty survey, opened from the link without signing in. */
export function PublicSurveyPage() {
  const { token = '' } = useParams();
  const t = useSurveyTexts();
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    unwrap(
      api.GET('/api/v1/public/surveys/{token}', {
        params: { path: { token } },
        signal: controller.signal,
      }),
    ).then(
      (survey) => setState({ kind: 'shown', survey }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          kind: error instanceof ApiError && error.status === 404 ? 'unknown' : 'failed',
        });
      },
    );
    return () => controller.abort();
  }, [token]);

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={640}>
        {!t || state.kind === 'loading' ? (
          <Center>
            <Loader />
          </Center>
        ) : (
          <SurveyBody
            t={t}
            token={token}
            state={state}
            onThanks={(organisation) => setState({ kind: 'thanks', organisation })}
            onGone={(survey) => setState({ kind: 'shown', survey })}
          />
        )}
      </Paper>
    </Center>
  );
}

function SurveyBody({
  t,
  token,
  state,
  onThanks,
  onGone,
}: {
  t: TFunction;
  token: string;
  state: Exclude<State, { kind: 'loading' }>;
  onThanks: (organisation: string) => void;
  onGone: (survey: PublicSurvey) => void;
}) {
  switch (state.kind) {
    case 'unknown':
      return <Message title={t('survey.unknownTitle')} text={t('survey.unknown')} />;
    case 'failed':
      return <Message title={t('survey.failedTitle')} text={t('survey.failed')} />;
    case 'thanks':
      return (
        <Message
          title={t('survey.thanksTitle')}
          text={t('survey.thanks', { organisation: state.organisation })}
        />
      );
    case 'shown': {
      const { survey } = state;
      if (survey.state === 'answered') {
        return (
          <Message
            title={survey.organisation_name}
            text={t('survey.answered', { score: survey.score })}
          />
        );
      }
      if (survey.state === 'expired') {
        return <Message title={survey.organisation_name} text={t('survey.expired')} />;
      }
      return <SurveyForm t={t} token={token} survey={survey} onThanks={onThanks} onGone={onGone} />;
    }
  }
}

function Message({ title, text }: { title: string; text: string }) {
  return (
    <Stack gap="sm" data-testid="survey-message">
      <Title order={1} size="h2">
        {title}
      </Title>
      <Text>{text}</Text>
    </Stack>
  );
}

function SurveyForm({
  t,
  token,
  survey,
  onThanks,
  onGone,
}: {
  t: TFunction;
  token: string;
  survey: PublicSurvey;
  onThanks: (organisation: string) => void;
  onGone: (survey: PublicSurvey) => void;
}) {
  const [score, setScore] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const [sending, setSending] = useState(false);
  const [failed, setFailed] = useState(false);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (score === null) {
      setMissing(true);
      return;
    }
    setSending(true);
    setFailed(false);
    try {
      await unwrap(
        api.POST('/api/v1/public/surveys/{token}', {
          params: { path: { token } },
          body: { score: Number(score), comment: comment.trim() || null },
        }),
      );
      onThanks(survey.organisation_name);
    } catch (error) {
      // Answered meanwhile (another tab) or expired: say which, as on opening the link.
      if (error instanceof ApiError && error.status === 409) {
        const now = await unwrap(
          api.GET('/api/v1/public/surveys/{token}', { params: { path: { token } } }),
        ).catch(() => ({ ...survey, state: 'expired' as const }));
        onGone(now);
      } else {
        setFailed(true);
      }
    } finally {
      setSending(false);
    }
  };

  return (
    <form onSubmit={(event) => void send(event)} noValidate>
      <Stack gap="lg">
        <Title order={1} size="h2">
          {survey.organisation_name}
        </Title>
        <Radio.Group
          label={t('survey.question')}
          value={score}
          onChange={(value) => {
            setScore(value);
            setMissing(false);
          }}
          error={missing ? t('survey.pickScore') : undefined}
          size="md"
        >
          <Group gap={6} mt="sm" wrap="wrap">
            {SCORES.map((value) => (
              <Radio.Card
                key={value}
                value={value}
                aria-label={value}
                w={44}
                h={44}
                radius="md"
                style={{ textAlign: 'center' }}
              >
                <Text fw={600}>{value}</Text>
              </Radio.Card>
            ))}
          </Group>
          <Group justify="space-between" mt={4}>
            <Text size="xs" c="dimmed">
              {t('survey.unlikely')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('survey.likely')}
            </Text>
          </Group>
        </Radio.Group>
        <Textarea
          label={t('survey.comment')}
          value={comment}
          onChange={(event) => setComment(event.currentTarget.value)}
          autosize
          minRows={3}
          maxLength={2000}
        />
        {failed && (
          <Alert color="red" role="alert">
            {t('survey.sendFailed')}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={sending}>
            {t('survey.send')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
