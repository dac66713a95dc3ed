import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { AppProviders } from '../../AppProviders';
import { DealFollowUpPanel } from './DealFollowUpPanel';
import { deal } from './fixtures';

describe('DealFollowUpPanel', () => {
  it('postpones the deal every N days and sets the warranty reminder, within 1..365', async () => {
    const save = vi.fn(() => Promise.resolve(true));
    const user = userEvent.setup();
    render(
      <AppProviders env="test">
        <DealFollowUpPanel
          deal={{ ...deal, follow_up_every_days: 7, follow_up_next_at: '2026-12-10T09:00:00Z' }}
          save={save}
        />
      </AppProviders>,
    );

    const every = screen.getByLabelText('Напоминать каждые N дней');
    expect(every).toHaveValue('7');
    expect(screen.getByTestId('follow-up-next')).toHaveTextContent('Следующее напоминание:');
    await user.clear(every);
    await user.type(every, '400');
    expect(await screen.findByText('От 1 до 365 дней')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Сохранить напоминания' })).toBeDisabled();

    await user.clear(every);
    await user.type(every, '3');
    await user.type(screen.getByLabelText('Гарантия / сервис до'), '2027-03-31');
    await user.type(screen.getByLabelText('Напомнить за N дней'), '14');
    await user.click(screen.getByRole('button', { name: 'Сохранить напоминания' }));
    await waitFor(() =>
      expect(save).toHaveBeenCalledWith({
        follow_up_every_days: 3,
        warranty_ends_on: '2027-03-31',
        warranty_remind_days: 14,
      }),
    );
  });

  it('does not postpone a closed deal', async () => {
    const save = vi.fn(() => Promise.resolve(true));
    const user = userEvent.setup();
    render(
      <AppProviders env="test">
        <DealFollowUpPanel deal={{ ...deal, status: 'won' }} save={save} />
      </AppProviders>,
    );
    expect(screen.getByLabelText('Напоминать каждые N дней')).toBeDisabled();
    expect(screen.getByText('Сделка закрыта')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Сохранить напоминания' }));
    await waitFor(() =>
      expect(save).toHaveBeenCalledWith({
        follow_up_every_days: null,
        warranty_ends_on: null,
        warranty_remind_days: null,
      }),
    );
  });
});
