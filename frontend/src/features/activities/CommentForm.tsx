import { Alert, Button, Group, Paper, Stack, Text, Textarea, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { mapProblemToFields } from '../../api/problem';
import { problemText } from '../../api/problemText';
import { maxLength, required, rules } from '../../forms/rules';
import { setServerErrors } from '../../forms/serverErrors';
import { encodeMentions, mentionQuery, type Mention } from './mentions';
import { useColleagues, useCreateComment, type WorkSubject } from './queries';

// domain/activities/model.py COMMENT_BODY_MAX
const BODY_MAX = 10_000;

/** A comment; typing @ and part of a name offers colleagues, who are notified once. */
export function CommentForm({ subject }: { subject: WorkSubject }) {
  const { t } = useTranslation();
  const create = useCreateComment();
  const [text, setText] = useState('');
  const [mentions, setMentions] = useState<Mention[]>([]);
  const [typing, setTyping] = useState<{ start: number; query: string } | null>(null);
  const [query] = useDebouncedValue(typing?.query ?? '', 200);
  const colleagues = useColleagues(query);
  const [error, setError] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const check = rules(required(t, t('work.commentRequired')), maxLength(t, BODY_MAX));
  // The body is the only field: a refusal naming it is said under it, anything else above.
  const problem = create.error ? mapProblemToFields(create.error.problem, ['body']) : null;
  const formLevelErrors =
    create.error && problem
      ? Object.keys(problem.fieldErrors).length === 0
        ? [problemText(create.error, t), ...problem.otherErrors]
        : problem.otherErrors
      : [];

  const change = (value: string, caret: number) => {
    setText(value);
    // Checked as typed, like the forms built on useForm.
    setError(check(value));
    setTyping(mentionQuery(value, caret));
  };

  const choose = (mention: Mention) => {
    if (!typing) return;
    const caret = typing.start + 1 + typing.query.length;
    const inserted = `@${mention.name} `;
    const value = text.slice(0, typing.start) + inserted + text.slice(caret);
    setText(value);
    setMentions((current) =>
      current.some((item) => item.id === mention.id) ? current : [...current, mention],
    );
    setTyping(null);
    requestAnimationFrame(() => {
      const position = typing.start + inserted.length;
      area.current?.focus();
      area.current?.setSelectionRange(position, position);
    });
  };

  const submit = () => {
    const invalid = check(text);
    if (invalid) {
      setError(invalid);
      return;
    }
    create.mutate(
      { body: encodeMentions(text.trim(), mentions), ...subject },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: t('work.commented') });
          setText('');
          setMentions([]);
          create.reset();
        },
        onError: (failure) =>
          setServerErrors(
            { setErrors: (errors) => setError(errors.body ?? null) },
            failure,
            ['body'],
            { uncoded: t('work.invalidValue') },
          ),
      },
    );
  };

  const suggestions = typing ? (colleagues.data ?? []).slice(0, 8) : [];

  return (
    <Stack gap="sm">
      {formLevelErrors.length > 0 ? (
        <Alert color="red" role="alert">
          {formLevelErrors.map((message) => (
            <div key={message}>{message}</div>
          ))}
        </Alert>
      ) : null}
      <div style={{ position: 'relative' }}>
        <Textarea
          ref={area}
          label={t('work.comment')}
          description={t('work.mentionHint')}
          autosize
          minRows={3}
          value={text}
          error={error}
          onChange={(event) =>
            change(event.currentTarget.value, event.currentTarget.selectionStart ?? 0)
          }
          onKeyDown={(event) => {
            if (event.key === 'Escape') setTyping(null);
          }}
        />
        {suggestions.length > 0 ? (
          <Paper
            withBorder
            shadow="sm"
            p={4}
            role="listbox"
            aria-label={t('work.mentionList')}
            style={{ position: 'absolute', zIndex: 20, left: 0, right: 0 }}
          >
            {suggestions.map((user) => (
              <UnstyledButton
                key={user.id}
                role="option"
                aria-selected={false}
                display="block"
                w="100%"
                p={6}
                onClick={() => choose({ id: user.id, name: user.full_name })}
              >
                <Text size="sm">{user.full_name}</Text>
                <Text size="xs" c="dimmed">
                  {user.email}
                </Text>
              </UnstyledButton>
            ))}
          </Paper>
        ) : null}
      </div>
      <Group justify="end">
        <Button onClick={submit} loading={create.isPending}>
          {t('work.send')}
        </Button>
      </Group>
    </Stack>
  );
}
