import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/problem';
import { WidgetCard } from './WidgetCard';

const forbidden = new ApiError(403, {
  type: 'https://crm.example/problems/forbidden',
  title: 'Forbidden',
  status: 403,
  detail: 'This requires the permission reports:read',
});

/** The card over a real query whose answers the test gives, one call after another. */
function renderCard(answers: (() => Promise<string[]>)[]) {
  const queryFn = vi.fn(() => (answers.shift() ?? (() => new Promise<string[]>(() => {})))());
  const body = vi.fn((data: string[]) => <p data-testid="widget-body">{data.join(', ')}</p>);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  function Widget() {
    const query = useQuery({ queryKey: ['widget'], queryFn });
    return (
      <WidgetCard
        title="Воронка продаж"
        testId="funnel-widget"
        applies={['period', 'funnel']}
        more="/analytics/funnel?from=2026-11-01"
        query={query}
        action={<button type="button">Звонки</button>}
        isEmpty={(data) => data.length === 0}
        emptyText="Сделок за период нет"
      >
        {body}
      </WidgetCard>
    );
  }
  render(
    <MantineProvider>
      <QueryClientProvider client={client}>
        <MemoryRouter>
          <Widget />
        </MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return { queryFn, body, user: userEvent.setup() };
}

const card = () => within(screen.getByRole('region', { name: 'Воронка продаж' }));

describe('WidgetCard', () => {
  it('titles the widget, names the filters it follows and links the whole report', () => {
    renderCard([]);
    expect(card().getByRole('heading', { level: 3 })).toHaveTextContent('Воронка продаж');
    expect(card().getByText('Учитывает: период, воронку')).toBeInTheDocument();
    expect(card().getByRole('link', { name: 'Подробнее: Воронка продаж' })).toHaveAttribute(
      'href',
      '/analytics/funnel?from=2026-11-01',
    );
    expect(card().getByRole('button', { name: 'Звонки' })).toBeInTheDocument();
    expect(screen.getByTestId('funnel-widget')).toBe(screen.getByRole('region'));
  });

  it('shows a loader while the figures come, without drawing the body', () => {
    const { body } = renderCard([]);
    expect(card().getByLabelText('Загрузка…')).toBeInTheDocument();
    expect(body).not.toHaveBeenCalled();
  });

  it('says why the load failed and loads again on request', async () => {
    const { queryFn, user } = renderCard([
      () => Promise.reject(forbidden),
      () => Promise.resolve(['Квалификация', 'Договор']),
    ]);
    expect(await card().findByText('У вас нет прав на это действие.')).toBeInTheDocument();
    expect(card().queryByTestId('widget-body')).not.toBeInTheDocument();

    await user.click(card().getByRole('button', { name: 'Повторить' }));
    expect(await card().findByTestId('widget-body')).toHaveTextContent('Квалификация, Договор');
    expect(queryFn).toHaveBeenCalledTimes(2);
    expect(card().queryByText('У вас нет прав на это действие.')).not.toBeInTheDocument();
  });

  it('says the figures are empty instead of drawing an empty body', async () => {
    const { body } = renderCard([() => Promise.resolve([])]);
    expect(await card().findByText('Сделок за период нет')).toBeInTheDocument();
    expect(body).not.toHaveBeenCalled();
  });

  it('draws the body from the loaded figures', async () => {
    const { body } = renderCard([() => Promise.resolve(['Квалификация'])]);
    expect(await card().findByTestId('widget-body')).toHaveTextContent('Квалификация');
    expect(body).toHaveBeenLastCalledWith(['Квалификация']);
    expect(card().queryByLabelText('Загрузка…')).not.toBeInTheDocument();
  });
});
