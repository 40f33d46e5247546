import { z } from 'zod';
import { deleteOwnFile, listFiles, storeUpload } from '@/server/files/service';
import { BadRequestError } from '@/server/security/errors';
import { textInput } from '../text-input';
import { createTRPCRouter, protectedProcedure, requestInfo } from '../trpc';

export const filesRouter = createTRPCRouter({
  list: protectedProcedure.query(async ({ ctx }) => {
    const rows = await listFiles(ctx.db, ctx.auth.userId);
    return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
  }),

  /** multipart/form-data with one `file` field; the route handler has already cut the body off at the upload limit. */
  upload: protectedProcedure.input(z.instanceof(FormData)).mutation(async ({ ctx, input }) => {
    const file = input.get('file');
    if (!(file instanceof File)) throw new BadRequestError('Choose a file to upload.');
    const row = await storeUpload(ctx.db, { userId: ctx.auth.userId, ...requestInfo(ctx) }, file);
    return { id: row.id, displayName: row.displayName, mime: row.mime, sizeBytes: row.sizeBytes };
  }),

  delete: protectedProcedure.input(z.object({ id: textInput(64) })).mutation(async ({ ctx, input }) => {
    await deleteOwnFile(ctx.db, { userId: ctx.auth.userId, ...requestInfo(ctx) }, input.id);
    return { ok: true };
  }),
});
