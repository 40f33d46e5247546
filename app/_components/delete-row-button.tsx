import { Button } from './button';

/** The mutation that deletes one row by id, as `useMutation` returns it. */
type RowDeletion = {
  isPending: boolean;
  variables?: { id: string };
  mutate(input: { id: string }): void;
};

/** A table row's "Delete": busy only while this row's deletion is pending. */
export function DeleteRowButton({ id, deletion }: { id: string; deletion: RowDeletion }) {
  return (
    <Button
      variant="danger"
      size="sm"
      pending={deletion.isPending && deletion.variables?.id === id}
      onClick={() => deletion.mutate({ id })}
    >
      Delete
    </Button>
  );
}
