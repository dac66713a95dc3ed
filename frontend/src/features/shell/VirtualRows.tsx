import { Table, type TableProps } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type ReactNode } from 'react';

// A row's usual height; the virtualiser measures the real ones.
const ROW_ESTIMATE = 52;
// Start loading the next page this many rows before the end.
const PREFETCH_DISTANCE = 20;

/**
 * A long list as a table in its own scroller: only the rows in view (and a few around them)
 * are in the document, spacer rows stand for the others, and the next page is asked for
 * (`onMore`) when the end comes near, so thousands of loaded rows scroll smoothly.
 */
export function VirtualRows<T>({
  rows,
  rowKey,
  columns,
  header,
  renderRow,
  hasMore,
  loadingMore,
  failed,
  onMore,
  onOpen,
  scrollerTestId,
  tableProps,
}: {
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** How many cells a row has, for the spacer rows. */
  columns: number;
  /** The header row (sticky). */
  header: ReactNode;
  /** A row's cells. */
  renderRow: (row: T) => ReactNode;
  hasMore: boolean;
  loadingMore: boolean;
  /** The last page failed: wait for the caller's retry rather than asking again and again. */
  failed: boolean;
  onMore: () => void;
  /** A click anywhere on a row (a link in it stops its own click). */
  onOpen?: (row: T) => void;
  scrollerTestId?: string;
  tableProps?: TableProps & { [data: `data-${string}`]: string | undefined };
}) {
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_ESTIMATE,
    getItemKey: (index) => rowKey(rows[index]!),
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  const nearEnd = lastIndex >= 0 && lastIndex >= rows.length - PREFETCH_DISTANCE;
  useEffect(() => {
    // A failed page waits for the button: no loop of retries while scrolled to the end.
    if (nearEnd && hasMore && !loadingMore && !failed) onMore();
  }, [nearEnd, hasMore, loadingMore, failed, onMore]);

  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div
      ref={scroller}
      data-testid={scrollerTestId}
      style={{ maxHeight: 'max(360px, calc(100dvh - 300px))', overflow: 'auto' }}
    >
      <Table highlightOnHover striped stickyHeader {...tableProps}>
        <Table.Thead>{header}</Table.Thead>
        <Table.Tbody>
          {before > 0 ? (
            <tr aria-hidden style={{ height: before }}>
              <td colSpan={columns} />
            </tr>
          ) : null}
          {items.map((item) => {
            const row = rows[item.index]!;
            return (
              <Table.Tr
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                onClick={onOpen ? () => onOpen(row) : undefined}
                style={onOpen ? { cursor: 'pointer' } : undefined}
              >
                {renderRow(row)}
              </Table.Tr>
            );
          })}
          {after > 0 ? (
            <tr aria-hidden style={{ height: after }}>
              <td colSpan={columns} />
            </tr>
          ) : null}
        </Table.Tbody>
      </Table>
    </div>
  );
}
