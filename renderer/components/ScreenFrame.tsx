/** The common frame of a screen: its section, its focusable heading, an optional lead. */
import type { ReactNode } from 'react';
import { SCREEN_HEADING_ID } from '../app/screens';

export function ScreenFrame({
  title,
  lead,
  children,
}: {
  title: string;
  lead?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="screen" aria-labelledby={SCREEN_HEADING_ID}>
      <h1 id={SCREEN_HEADING_ID} tabIndex={-1}>
        {title}
      </h1>
      {lead ? <p className="lead">{lead}</p> : null}
      {children}
    </section>
  );
}

/** A time from the core, for people (local time, to the minute). */
export function When({ time }: { time: string | null }) {
  if (time === null) return <>never</>;
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return <>{time}</>;
  return (
    <time dateTime={time}>
      {date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  );
}
