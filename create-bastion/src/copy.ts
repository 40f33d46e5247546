/** `create-bastion copy <defence>`: not part of this build yet. */
export async function runCopy(_args: string[], _templateDir: string): Promise<number> {
  console.error('create-bastion copy: not available');
  return 1;
}
