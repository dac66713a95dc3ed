import { Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { DryRunDeal } from './queries';

/** The deals a rule would touch now; nothing was changed. */
export function DryRunResult({ deals }: { deals: DryRunDeal[] }) {
  const { t, i18n } = useTranslation();
  const money = (deal: DryRunDeal) =>
    new Intl.NumberFormat(i18n.language, { style: 'currency', currency: deal.currency }).format(
      Number(deal.amount),
    );
  return (
    <Stack gap="xs" data-testid="dry-run">
      <Text fw={500}>{t('automation.dryRunCount', { count: deals.length })}</Text>
      {deals.length > 0 && (
        <Table>
          <Table.Tbody>
            {deals.map((deal) => (
              <Table.Tr key={deal.id}>
                <Table.Td>
                  <Link to={`/deals/${deal.id}`}>{deal.title}</Link>
                </Table.Td>
                <Table.Td>{money(deal)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
