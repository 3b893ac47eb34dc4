/**
 * The page bench/sections/renderer.ts runs in Chromium: the renderer's own virtualized
 * PasswordList over 10,000 rows with its search (renderer/store/password-filter.ts). One
 * keystroke = the new query filtered and the list rendered and laid out (flushSync, then a
 * layout read), timed with performance.now().
 */
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { PasswordList } from '../../renderer/components/PasswordList';
import { filterPasswordRows, type PasswordRow } from '../../renderer/store/password-filter';

declare global {
  interface Window {
    __benchKeystrokes: (rows: PasswordRow[], queries: string[]) => number[];
  }
}

window.__benchKeystrokes = (rows, queries) => {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  const render = (query: string) =>
    root.render(
      <>
        <h1 id="bench-list">Passwords</h1>
        <PasswordList
          rows={filterPasswordRows(rows, query)}
          selectedId={null}
          onSelect={() => {}}
          labelledBy="bench-list"
        />
      </>,
    );
  flushSync(() => render(''));
  const times: number[] = [];
  for (const query of queries) {
    const start = performance.now();
    flushSync(() => render(query));
    void container.getBoundingClientRect().height;
    void document.body.offsetHeight;
    times.push(performance.now() - start);
  }
  root.unmount();
  container.remove();
  return times;
};
