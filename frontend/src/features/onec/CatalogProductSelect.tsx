import { Group, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../deals/money';
import { type CatalogProduct, useCatalogProducts } from './queries';

/**
 * A searchable select of the catalogue (1C's products) for a deal's product line: the server
 * searches the name, article and barcode; each option shows the article, the price and the
 * stock. Choosing one hands the product to `onPick`, which fills the line.
 */
export function CatalogProductSelect({
  value,
  valueLabel,
  currency,
  onPick,
}: {
  value: string | null;
  valueLabel: string;
  currency: string;
  onPick: (product: CatalogProduct | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const [opened, setOpened] = useState(false);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim().slice(0, 100), 300);
  const products = useCatalogProducts(q === valueLabel.trim() ? '' : q, opened);
  const found = new Map((products.data ?? []).map((product) => [product.id, product]));
  const options = [...found.values()].map((product) => ({
    value: product.id,
    label: product.article ? `${product.name} (${product.article})` : product.name,
  }));
  if (value && !found.has(value)) options.unshift({ value, label: valueLabel || '…' });

  const describe = (product: CatalogProduct) => {
    const own = product.prices.find((price) => price.currency === currency);
    const price = own ?? product.prices[0];
    const parts = [];
    if (product.article) parts.push(t('onec.catalogArticle', { article: product.article }));
    parts.push(
      price
        ? formatMoney(String(price.price), price.currency ?? currency, i18n.language)
        : t('onec.catalogNoPrice'),
    );
    parts.push(
      product.quantity === null
        ? t('onec.catalogStockUnknown')
        : t('onec.catalogStock', {
            quantity: Number(product.quantity).toLocaleString(i18n.language),
            unit: product.unit ?? '',
          }).trim(),
    );
    return parts.join(' · ');
  };

  return (
    <Select
      aria-label={t('onec.catalogPick')}
      placeholder={t('onec.catalogPick')}
      data={options}
      value={value}
      onChange={(id) => onPick(id ? (found.get(id) ?? null) : null)}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      onDropdownOpen={() => setOpened(true)}
      filter={({ options: all }) => all}
      clearable
      nothingFoundMessage={
        products.isError
          ? t('errors.loadFailed')
          : products.isFetching
            ? t('dealList.searching')
            : t('onec.catalogNothing')
      }
      renderOption={({ option }) => {
        const product = found.get(option.value);
        return (
          <Stack gap={0}>
            <Text size="sm">{product?.name ?? option.label}</Text>
            {product ? (
              <Group gap="xs">
                <Text size="xs" c="dimmed">
                  {describe(product)}
                </Text>
              </Group>
            ) : null}
          </Stack>
        );
      }}
      style={{ flex: '2 1 14rem' }}
      data-testid="catalog-product-select"
    />
  );
}
