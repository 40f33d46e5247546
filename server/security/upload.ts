// File uploads: oversized bodies, files whose bytes are not what their name and Content-Type
// claim (HTML/SVG renamed .png, markup polyglots), hostile display names, and path traversal or
// symlink escape when storing. Copy with ./errors.ts; needs file-type.
import { createHash, randomUUID } from 'node:crypto';
import { lstat, open, realpath, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { BadRequestError, PayloadTooLargeError, UnprocessableError } from './errors';

/** Detected MIME type → file-name extensions accepted for it. */
export type UploadTypeAllowlist = Readonly<Record<string, readonly string[]>>;

export const DEFAULT_ALLOWED_UPLOAD_TYPES: UploadTypeAllowlist = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
};

/** Throws 413 for a declared length over the limit and 400 for a malformed one; absent is fine (read with a limit). */
export function assertContentLengthWithin(headers: Pick<Headers, 'get'>, limitBytes: number): void {
  const declared = headers.get('content-length');
  if (declared === null) return;
  if (!/^\d+$/.test(declared)) throw new BadRequestError('Malformed Content-Length header.');
  if (Number(declared) > limitBytes) throw new PayloadTooLargeError(limitBytes);
}

export type BodySource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** Reads a whole body, throwing 413 (and cancelling the stream) the moment it passes `limitBytes`. */
export async function readBodyWithLimit(stream: BodySource, limitBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const take = (chunk: Uint8Array) => {
    total += chunk.byteLength;
    if (total > limitBytes) throw new PayloadTooLargeError(limitBytes);
    chunks.push(chunk);
  };
  if ('getReader' in stream) {
    const reader = stream.getReader();
    try {
      for (let read = await reader.read(); !read.done; read = await reader.read()) take(read.value);
    } catch (error) {
      await reader.cancel(error).catch(() => undefined);
      throw error;
    }
  } else {
    for await (const chunk of stream) take(chunk); // a throw here calls return(), which ends the source
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

export interface DetectedFileType {
  mime: string;
  ext: string;
}

export interface UploadCandidate {
  bytes: Uint8Array;
  /** The Content-Type the client sent for this file (multipart part or request header). */
  declaredType: string;
  fileName: string;
  allowed?: UploadTypeAllowlist;
}

export async function detectFileType(bytes: Uint8Array): Promise<DetectedFileType | undefined> {
  const detected = await fileTypeFromBuffer(bytes);
  return detected && { mime: detected.mime, ext: detected.ext };
}

// Polyglot defence: a file whose first KB (after a BOM and whitespace) contains markup is refused
// even when it also carries a valid image/PDF signature, because a browser or an old sniffer that
// ever renders it as HTML/SVG would run its script. Serve uploads with nosniff and
// Content-Disposition: attachment as well; appended payloads further in (GIFAR-style) are out of
// reach of any header check, so re-encode images if you serve them back inline. The list holds
// the tags that run script or navigate on their own; a bare "<" followed by a letter is too
// common in binary data to refuse on. PDFs may carry JavaScript for PDF viewers: Bastion serves
// them as attachments, never inline.
const MARKUP_TOKENS = [
  '<!doctype', '<html', '<head', '<body', '<script', ':script', '<svg', '<iframe', '<frame', '<object', '<embed',
  '<img', '<meta', '<style', '<link', '<form', '<base', '<math', 'javascript:',
];

export function looksLikeMarkup(bytes: Uint8Array): boolean {
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (start < bytes.length && [0x09, 0x0a, 0x0c, 0x0d, 0x20].includes(bytes[start] ?? 0)) start++;
  const head = Buffer.from(bytes.subarray(start, start + 1024)).toString('latin1').toLowerCase();
  return MARKUP_TOKENS.some((token) => head.includes(token));
}

const extensionOf = (displayName: string) => /\.([^.]+)$/.exec(displayName)?.[1]?.toLowerCase();
const mediaTypeOf = (contentType: string) => contentType.split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * The type is decided by the bytes alone; the declared Content-Type and the name's extension must
 * then agree with it. Text formats (SVG, HTML, XML, JS) have no magic bytes, so undetected is refused.
 */
export async function validateUpload(input: UploadCandidate): Promise<DetectedFileType> {
  const allowed = input.allowed ?? DEFAULT_ALLOWED_UPLOAD_TYPES;
  const allowedList = Object.keys(allowed).join(', ');
  if (input.bytes.byteLength === 0) throw new UnprocessableError('The file is empty.');
  if (looksLikeMarkup(input.bytes)) throw new UnprocessableError('The file looks like markup (HTML, SVG or script) and is not allowed.');
  const detected = await detectFileType(input.bytes);
  if (!detected) throw new UnprocessableError(`The file type could not be recognised. Allowed types: ${allowedList}.`);
  const extensions = allowed[detected.mime];
  if (!extensions) throw new UnprocessableError(`Files of type ${detected.mime} are not allowed. Allowed types: ${allowedList}.`);
  if (mediaTypeOf(input.declaredType) !== detected.mime) throw new UnprocessableError(`The declared type does not match the file's content (${detected.mime}).`);
  const ext = extensionOf(sanitizeFileName(input.fileName));
  if (!ext || !extensions.includes(ext)) throw new UnprocessableError(`The file name must end in .${extensions.join(' or .')} for a ${detected.mime} file.`);
  return detected;
}

// Every step below is one pass over its input (the linter refuses regexes that backtrack or move
// super-linearly), and the input is cut to a bounded tail first, so a hostile name costs at most
// a fixed amount of work: normalisation and grapheme segmentation are the steps that stay costly.
const CONTROL_AND_BIDI = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const PATH_SEPARATOR = /[/\\]/;
const WHITESPACE_RUN = /\s+/gu;
const SHORT_EXTENSION = /\.[^.\s]{1,16}$/u;
const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });
const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8');
const isLowSurrogate = (codeUnit: number) => codeUnit >= 0xdc00 && codeUnit <= 0xdfff;
const isDotOrSpace = (char: string | undefined) => char === '.' || char === ' ';

/** The last `count` UTF-16 code units, never starting inside a surrogate pair. */
function tail(text: string, count: number): string {
  if (text.length <= count) return text;
  const start = text.length - count;
  return text.slice(isLowSurrogate(text.charCodeAt(start)) ? start + 1 : start);
}

/** Strips dots and spaces (whitespace is already collapsed to ' ') from both ends. */
function trimDotsAndSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isDotOrSpace(text[start])) start++;
  while (end > start && isDotOrSpace(text[end - 1])) end--;
  return text.slice(start, end);
}

/** The longest prefix of whole graphemes that fits in `maxBytes` of UTF-8. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const { segment, index } of GRAPHEMES.segment(text)) {
    bytes += utf8Length(segment);
    if (bytes > maxBytes) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/**
 * A name fit to display. Never a storage path: store under a server-chosen name (randomUUID).
 * Only the name's tail is read (4 UTF-16 units per byte of output): the base name and the
 * extension are at the end, and a longer name is either a path or an attack.
 */
export function sanitizeFileName(name: string, maxBytes = 255): string {
  const bounded = tail(name, maxBytes * 4);
  const cleaned = bounded.replace(LONE_SURROGATE, '\uFFFD').normalize('NFC').replace(CONTROL_AND_BIDI, '');
  const base = trimDotsAndSpaces((cleaned.split(PATH_SEPARATOR).pop() ?? '').replace(WHITESPACE_RUN, ' '));
  const found = SHORT_EXTENSION.exec(base)?.[0] ?? '';
  const ext = utf8Length(found) * 2 < maxBytes ? found : '';
  const stem = base.slice(0, base.length - ext.length);
  const fitted = utf8Length(base) <= maxBytes ? base : truncateUtf8(stem, maxBytes - utf8Length(ext)) + ext;
  return trimDotsAndSpaces(fitted) || 'file';
}

// Segments are names, not paths. '%' sequences that decode to a separator, a dot, NUL or another '%'
// are refused too, so a layer that URL-decodes later cannot turn a name into a path.
const UNSAFE_SEGMENT = /[/\\\0]|%(?:2f|5c|2e|00|25)/i;
const invalidPath = () => new BadRequestError('Invalid file path.');

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** realpath of the deepest existing ancestor plus the missing tail; a dangling symlink is refused. */
async function realpathAllowingMissing(path: string): Promise<string> {
  const missing: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    try {
      return join(await realpath(current), ...missing.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(current) === current) throw error;
      if (await lstat(current).then(() => true, () => false)) throw invalidPath();
      missing.push(basename(current));
    }
  }
}

/**
 * Joins name segments under `root` and returns the real (symlink-free) path, refusing '..', separators,
 * encoded separators and any symlink that leads outside the root. Async because symlinks can only be
 * checked against the file system; a link swapped in after this check is a race this cannot close,
 * so keep the storage root writable by this process only.
 */
export async function safeJoin(root: string, ...segments: string[]): Promise<string> {
  if (!isAbsolute(root)) throw new TypeError('safeJoin: root must be an absolute path.');
  if (segments.length === 0) throw invalidPath();
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..' || UNSAFE_SEGMENT.test(segment)) throw invalidPath();
  }
  const realRoot = await realpath(root);
  const target = await realpathAllowingMissing(join(realRoot, ...segments));
  if (!isInside(realRoot, target)) throw invalidPath();
  return target;
}

/**
 * Writes `bytes` to root/name so readers see the old file or the new one, never half of one:
 * a 0600 temp file created exclusively (never through a planted link) in the same directory,
 * fsynced, then renamed into place. The temp file is removed on any failure.
 */
export async function writeFileAtomic(root: string, name: string, bytes: Uint8Array): Promise<string> {
  const target = await safeJoin(root, name);
  const temp = join(dirname(target), `.${randomUUID()}.tmp`);
  let handle: FileHandle | undefined;
  let created = false;
  try {
    handle = await open(temp, 'wx', 0o600);
    created = true;
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, target);
    return target;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    if (created) await rm(temp, { force: true });
    throw error;
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
