import { ActionIcon, Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CatalogProductSelect } from '../onec/CatalogProductSelect';
import { catalogPrice } from '../onec/queries';
import type { DealUpdate } from './dealQueries';
import { formatMoney, normaliseAmount } from './money';
import type { Deal } from './queries';

interface Line {
  /** The catalogue's product the line is of; null for a free-text line. */
  productId: string | null;
  name: string;
  quantity: string;
  price: string;
}

const MAX_LINES = 100;

/**
 * The deal's product lines: a table, edited as a whole and saved in one PATCH. A line is
 * picked from the catalogue (its name and price filled in, both still editable) or typed.
 */
export function DealProducts({
  deal,
  save,
  disabled,
}: {
  deal: Deal;
  save: (patch: DealUpdate) => Promise<boolean>;
  disabled: boolean;
}) {
  const { t, i18n } = useTranslation();
  const [lines, setLines] = useState<Line[] | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const money = (value: string | number) => formatMoney(value, deal.currency, i18n.language);

  const start = () => {
    setErrors({});
    setLines(
      deal.products.map((line) => ({
        productId: line.product_id,
        name: line.name,
        quantity: String(line.quantity),
        price: String(line.price),
      })),
    );
  };
  const change = (index: number, patch: Partial<Line>) =>
    setLines((current) => current!.map((line, i) => (i === index ? { ...line, ...patch } : line)));

  const submit = async () => {
    const found: Record<string, string> = {};
    const products = lines!.map((line, index) => {
      const quantity = normaliseAmount(line.quantity);
      const price = normaliseAmount(line.price);
      if (!line.name.trim()) found[`${index}.name`] = t('dealPage.required');
      if (!quantity || Number(quantity) <= 0) found[`${index}.quantity`] = t('dealPage.notANumber');
      if (!price) found[`${index}.price`] = t('dealPage.notAnAmount');
      return {
        ...(line.productId ? { product_id: line.productId } : {}),
        name: line.name.trim(),
        quantity: quantity ?? '0',
        price: price ?? '0',
      };
    });
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    const saved = await save({ products }).finally(() => setSaving(false));
    if (saved) setLines(null);
  };

  if (lines === null) {
    return (
      <Stack gap="xs" data-testid="deal-products">
        {deal.products.length === 0 ? (
          <Text c="dimmed">{t('dealPage.noProducts')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={420}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('dealPage.productName')}</Table.Th>
                  <Table.Th>{t('dealPage.quantity')}</Table.Th>
                  <Table.Th>{t('dealPage.price')}</Table.Th>
                  <Table.Th>{t('dealPage.lineAmount')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {deal.products.map((line, index) => (
                  <Table.Tr key={index}>
                    <Table.Td>{line.name}</Table.Td>
                    <Table.Td>{Number(line.quantity)}</Table.Td>
                    <Table.Td>{money(line.price)}</Table.Td>
                    <Table.Td>{money(line.amount)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {disabled ? null : (
          <Group>
            <Button size="xs" variant="default" onClick={start}>
              {t('dealPage.editProducts')}
            </Button>
          </Group>
        )}
      </Stack>
    );
  }

  return (
    <Stack gap="xs" data-testid="deal-products">
      {lines.map((line, index) => (
        <Group key={index} align="start" wrap="wrap" gap="xs">
          <CatalogProductSelect
            value={line.productId}
            valueLabel={line.name}
            currency={deal.currency}
            onPick={(product) =>
              change(
                index,
                product
                  ? {
                      productId: product.id,
                      name: product.name,
                      price: catalogPrice(product, deal.currency) ?? line.price,
                    }
                  : { productId: null },
              )
            }
          />
          <TextInput
            aria-label={t('dealPage.productName')}
            placeholder={t('dealPage.productName')}
            value={line.name}
            onChange={(event) => change(index, { name: event.currentTarget.value })}
            error={errors[`${index}.name`]}
            style={{ flex: '2 1 12rem' }}
          />
          <TextInput
            aria-label={t('dealPage.quantity')}
            placeholder={t('dealPage.quantity')}
            inputMode="decimal"
            value={line.quantity}
            onChange={(event) => change(index, { quantity: event.currentTarget.value })}
            error={errors[`${index}.quantity`]}
            style={{ flex: '1 1 5rem' }}
          />
          <TextInput
            aria-label={t('dealPage.price')}
            placeholder={t('dealPage.price')}
            inputMode="decimal"
            value={line.price}
            onChange={(event) => change(index, { price: event.currentTarget.value })}
            error={errors[`${index}.price`]}
            style={{ flex: '1 1 7rem' }}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            mt={6}
            aria-label={t('dealPage.removeLine')}
            onClick={() => setLines(lines.filter((_, i) => i !== index))}
          >
            ✕
          </ActionIcon>
        </Group>
      ))}
      <Group gap="xs">
        <Button
          size="xs"
          variant="light"
          disabled={lines.length >= MAX_LINES}
          onClick={() =>
            setLines([...lines, { productId: null, name: '', quantity: '1', price: '' }])
          }
        >
          {t('dealPage.addLine')}
        </Button>
        <Button size="xs" onClick={() => void submit()} loading={saving}>
          {t('dealPage.save')}
        </Button>
        <Button size="xs" variant="default" onClick={() => setLines(null)}>
          {t('deals.cancel')}
        </Button>
      </Group>
    </Stack>
  );
}
