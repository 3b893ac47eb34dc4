/**
 * The password list (docs/architecture.md section 8): virtualized with @tanstack/react-virtual, so
 * only the rows in view are in the page and 10,000 entries scroll and filter without delay. A
 * listbox for the keyboard and screen readers: arrow keys, Home and End move, Enter opens the
 * entry; each row carries its position in the whole list (aria-setsize, aria-posinset), a
 * favourite is marked, and titles and user names (perhaps imported) pass through displayText.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { displayText } from '../../shared/encoding/display-text';
import type { PasswordRow } from '../store/password-filter';

const ROW_HEIGHT = 52;

export interface PasswordListProps {
  readonly rows: readonly PasswordRow[];
  readonly selectedId: string | null;
  readonly onSelect: (id: string) => void;
  /** The id of the element naming the list. */
  readonly labelledBy: string;
}

export function PasswordList({ rows, selectedId, onSelect, labelledBy }: PasswordListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const selectedIndex = rows.findIndex((row) => row.id === selectedId);

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex);
  }, [selectedIndex, virtualizer]);

  const move = (event: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0) return;
    const last = rows.length - 1;
    const from = selectedIndex < 0 ? -1 : selectedIndex;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / ROW_HEIGHT));
    const target: Record<string, number> = {
      ArrowDown: Math.min(last, from + 1),
      ArrowUp: Math.max(0, from - 1),
      PageDown: Math.min(last, from + page),
      PageUp: Math.max(0, from - page),
      Home: 0,
      End: last,
    };
    const next = target[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const row = rows[next];
    if (row) onSelect(row.id);
  };

  return (
    <div
      ref={scroller}
      className="password-list"
      role="listbox"
      tabIndex={0}
      aria-labelledby={labelledBy}
      aria-activedescendant={selectedIndex >= 0 ? `password-row-${selectedIndex}` : undefined}
      onKeyDown={move}
    >
      <div className="password-list-space" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index] as PasswordRow;
          return (
            <div
              key={row.id}
              id={`password-row-${item.index}`}
              role="option"
              aria-selected={row.id === selectedId}
              aria-setsize={rows.length}
              aria-posinset={item.index + 1}
              className="password-row"
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              onClick={() => onSelect(row.id)}
            >
              <span className="password-title">
                {displayText(row.title || row.site).trim() || 'Untitled'}
                {row.favorite ? (
                  <>
                    <span aria-hidden="true"> ★</span>
                    <span className="visually-hidden"> (favourite)</span>
                  </>
                ) : null}
              </span>
              <span className="password-user">{displayText(row.username)}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
