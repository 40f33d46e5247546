/** A moment, shown in the reader's locale, machine-readable underneath. */
export function When({ at }: { at: string }) {
  return <time dateTime={at} className="whitespace-nowrap">{new Date(at).toLocaleString()}</time>;
}
