/**
 * A witness value in large type (docs/architecture.md section 4): the code two devices both show,
 * which a person compares before approving. Grouped as the core formats it, read out group by group
 * to a screen reader.
 */
export function Witness({ value, label }: { value: string; label: string }) {
  const groups = value.split('-');
  return (
    <figure className="witness">
      <figcaption>{label}</figcaption>
      <p className="witness-code" aria-label={`${label}: ${groups.join(', ')}`}>
        {groups.map((group, index) => (
          <span key={index} className="witness-group">
            {group}
          </span>
        ))}
      </p>
    </figure>
  );
}
