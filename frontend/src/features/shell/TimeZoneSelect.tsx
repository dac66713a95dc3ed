import { Select, type SelectProps } from '@mantine/core';
import { useMemo } from 'react';

/** The browser's IANA zones, with `current` first when the browser does not know it. */
function timeZones(current: string | null | undefined): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return !current || zones.includes(current) ? zones : [current, ...zones];
}

/**
 * A searchable choice among the IANA time zones (Europe/Moscow, Asia/Yekaterinburg...): a zone
 * is picked, never typed, so a typo cannot reach the server.
 */
export function TimeZoneSelect({ value, ...props }: Omit<SelectProps, 'data'>) {
  const zones = useMemo(() => timeZones(value), [value]);
  return (
    <Select
      data={zones}
      searchable
      // ~420 zones: render a page of matches, the search narrows them.
      limit={50}
      allowDeselect={false}
      {...props}
      value={value}
    />
  );
}
