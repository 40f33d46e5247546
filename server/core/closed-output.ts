// A closed stdout or stderr (the terminal or supervisor reading it went away) fails every write with
// EPIPE. Unhandled, the failure becomes an uncaught exception, which Next reports with console.error
// on the same closed stream, which fails again: the process spins on a core for ever. Lines written
// after the output closed are lost (pino drops them too); requests go on being served.

/** Ignores EPIPE on the process's own output streams; any other stream error is thrown as before. */
export function ignoreClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}
