import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { RelationshipType, Temperature } from './queries';

const RELATIONSHIP_COLORS: Record<RelationshipType, string> = {
  cold: 'gray',
  potential: 'blue',
  current: 'green',
  permanent: 'violet',
};

const TEMPERATURE_COLORS: Record<Temperature, string> = {
  hot: 'red',
  warm: 'orange',
  cold: 'cyan',
};

export function RelationshipBadge({ value }: { value: RelationshipType }) {
  const { t } = useTranslation();
  return (
    <Badge color={RELATIONSHIP_COLORS[value]} variant="light">
      {t(`relationship.${value}`)}
    </Badge>
  );
}

export function TemperatureBadge({ value }: { value: Temperature }) {
  const { t } = useTranslation();
  return (
    <Badge color={TEMPERATURE_COLORS[value]} variant="dot">
      {t(`temperature.${value}`)}
    </Badge>
  );
}
