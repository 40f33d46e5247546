import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStringWork } from '@/test/string-work';
import { BadRequestError, PayloadTooLargeError, UnprocessableError } from './errors';
import {
  assertContentLengthWithin, detectFileType, looksLikeMarkup, readBodyWithLimit, safeJoin, sanitizeFileName, sha256Hex,
  validateUpload, writeFileAtomic,
} from './upload';

const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const ascii = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

// Real 1×1 images (checked with `file`) and a minimal PDF.
const PNG = fromBase64('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=');
const JPEG = fromBase64('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=');
const WEBP = fromBase64('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==');
const PDF = ascii('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const GIF = fromBase64('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7');
const ZIP_TAIL = ascii('PK\u0003\u0004 pretend this is a JAR');

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UnprocessableError);
  return (error as UnprocessableError).message;
}

describe('assertContentLengthWithin', () => {
  const headers = (value?: string) => new Headers(value === undefined ? {} : { 'content-length': value });

  it('passes absent and in-limit lengths', () => {
    expect(() => assertContentLengthWithin(headers(), 10)).not.toThrow();
    expect(() => assertContentLengthWithin(headers('10'), 10)).not.toThrow();
  });

  it('refuses declared lengths over the limit with 413', () => {
    expect(() => assertContentLengthWithin(headers('11'), 10)).toThrow(PayloadTooLargeError);
    expect(() => assertContentLengthWithin(headers('99999999999999999999999'), 10)).toThrow(PayloadTooLargeError);
  });

  it.each(['-1', '1e3', '0x10', '10, 10', '1.5', 'abc', ''])('refuses malformed %j with 400', (value) => {
    expect(() => assertContentLengthWithin(headers(value), 10_000)).toThrow(BadRequestError);
  });
});

describe('readBodyWithLimit', () => {
  const chunks = (sizes: number[]) => sizes.map((size) => new Uint8Array(size).fill(7));

  it('returns the whole body within the limit, from a web stream and from an async iterable', async () => {
    const body = new Response(new Uint8Array(10)).body as ReadableStream<Uint8Array>;
    expect((await readBodyWithLimit(body, 10)).byteLength).toBe(10);
    expect(await readBodyWithLimit(Readable.from(chunks([3, 4])), 7)).toEqual(new Uint8Array(7).fill(7));
  });

  it('stops a web stream as soon as the limit is passed and cancels it', async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    await expect(readBodyWithLimit(endless, 4096)).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(10);
  });

  it('stops a chunked (undeclared) iterable source at the limit and ends it', async () => {
    let produced = 0;
    let finished = false;
    async function* source() {
      try {
        for (;;) {
          produced++;
          yield new Uint8Array(1000);
        }
      } finally {
        finished = true;
      }
    }
    const error = await readBodyWithLimit(source(), 2500).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect((error as PayloadTooLargeError).status).toBe(413);
    expect(produced).toBe(3);
    expect(finished).toBe(true);
  });
});

describe('detectFileType', () => {
  it.each([
    [PNG, 'image/png', 'png'],
    [JPEG, 'image/jpeg', 'jpg'],
    [WEBP, 'image/webp', 'webp'],
    [PDF, 'application/pdf', 'pdf'],
  ])('detects %#', async (bytes, mime, ext) => {
    expect(await detectFileType(bytes)).toEqual({ mime, ext });
  });

  it('detects nothing for text formats', async () => {
    expect(await detectFileType(ascii('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(await detectFileType(ascii('alert(1)'))).toBeUndefined();
  });
});

describe('validateUpload', () => {
  it.each([
    [PNG, 'image/png', 'avatar.png', 'image/png', 'png'],
    [JPEG, 'image/jpeg', 'Photo.JPEG', 'image/jpeg', 'jpg'],
    [JPEG, 'image/jpeg; charset=binary', 'photo.jpg', 'image/jpeg', 'jpg'],
    [WEBP, 'image/webp', 'x.webp', 'image/webp', 'webp'],
    [PDF, 'application/pdf', '../../report.pdf', 'application/pdf', 'pdf'],
  ])('accepts a real file %#', async (bytes, declaredType, fileName, mime, ext) => {
    expect(await validateUpload({ bytes, declaredType, fileName })).toEqual({ mime, ext });
  });

  it('refuses an empty file', async () => {
    expect(await refusal(validateUpload({ bytes: new Uint8Array(), declaredType: 'image/png', fileName: 'a.png' }))).toMatch(/empty/);
  });

  it('refuses HTML renamed .png and declared image/png', async () => {
    const html = ascii('\uFEFF\n  <!DOCTYPE html><html><script>alert(document.cookie)</script></html>');
    expect(await refusal(validateUpload({ bytes: html, declaredType: 'image/png', fileName: 'cat.png' }))).toMatch(/markup/);
  });

  it('refuses SVG with script, even declared and named as PNG', async () => {
    const svg = ascii('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>');
    expect(await refusal(validateUpload({ bytes: svg, declaredType: 'image/png', fileName: 'cat.png' }))).toMatch(/markup/);
    expect(await refusal(validateUpload({ bytes: svg, declaredType: 'image/svg+xml', fileName: 'cat.svg' }))).toMatch(/markup/);
  });

  it('refuses XML (detected, not allowed) and JS (undetectable) under an image name', async () => {
    const xml = ascii('<?xml version="1.0"?><note>hi</note>');
    expect(await refusal(validateUpload({ bytes: xml, declaredType: 'image/png', fileName: 'x.png' }))).toMatch(/application\/xml are not allowed/);
    expect(await refusal(validateUpload({ bytes: ascii('fetch("/steal")'), declaredType: 'image/png', fileName: 'x.png' }))).toMatch(/could not be recognised/);
  });

  it.each([
    '<img src=x onerror=alert(1)>',
    '<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<OBJECT data="evil.swf"></OBJECT>',
  ])('refuses a PNG signature followed by %s', async (payload) => {
    const polyglot = concat(PNG.subarray(0, 33), ascii(payload), PNG.subarray(33));
    expect(await refusal(validateUpload({ bytes: polyglot, declaredType: 'image/png', fileName: 'a.png' }))).toMatch(/markup/);
  });

  it('refuses a polyglot: a real PNG signature followed by HTML in the first KB', async () => {
    const polyglot = concat(PNG.subarray(0, 33), ascii('<html><body><script>alert(1)</script>'), PNG.subarray(33));
    expect(await detectFileType(polyglot)).toEqual({ mime: 'image/png', ext: 'png' });
    expect(await refusal(validateUpload({ bytes: polyglot, declaredType: 'image/png', fileName: 'a.png' }))).toMatch(/markup/);
  });

  it('refuses a GIFAR-like file (GIF + appended archive) because GIF is not allowed', async () => {
    expect(await refusal(validateUpload({ bytes: concat(GIF, ZIP_TAIL), declaredType: 'image/gif', fileName: 'a.gif' }))).toMatch(/image\/gif are not allowed/);
  });

  it('refuses a PDF declared as image/png, and any declared-type mismatch', async () => {
    expect(await refusal(validateUpload({ bytes: PDF, declaredType: 'image/png', fileName: 'doc.png' }))).toMatch(/declared type does not match/);
    expect(await refusal(validateUpload({ bytes: PNG, declaredType: 'image/jpeg', fileName: 'a.png' }))).toMatch(/declared type/);
    expect(await refusal(validateUpload({ bytes: PNG, declaredType: '', fileName: 'a.png' }))).toMatch(/declared type/);
    expect(await refusal(validateUpload({ bytes: PNG, declaredType: 'application/octet-stream', fileName: 'a.png' }))).toMatch(/declared type/);
  });

  it('refuses an extension that does not match the content', async () => {
    expect(await refusal(validateUpload({ bytes: PNG, declaredType: 'image/png', fileName: 'a.jpg' }))).toMatch(/must end in \.png/);
    expect(await refusal(validateUpload({ bytes: PNG, declaredType: 'image/png', fileName: 'a.png.html' }))).toMatch(/must end in/);
    expect(await refusal(validateUpload({ bytes: PNG, declaredType: 'image/png', fileName: 'png' }))).toMatch(/must end in/);
    expect(await refusal(validateUpload({ bytes: PDF, declaredType: 'application/pdf', fileName: 'a.pdf\u202Egpj.exe' }))).toMatch(/must end in \.pdf/);
  });

  it('honours a custom allowlist', async () => {
    const allowed = { 'application/pdf': ['pdf'] };
    expect(await refusal(validateUpload({ bytes: PNG, declaredType: 'image/png', fileName: 'a.png', allowed }))).toMatch(/image\/png are not allowed/);
    expect(await validateUpload({ bytes: PDF, declaredType: 'application/pdf', fileName: 'a.pdf', allowed })).toEqual({ mime: 'application/pdf', ext: 'pdf' });
  });

  it('does not mistake XMP metadata for markup', () => {
    expect(looksLikeMarkup(concat(JPEG.subarray(0, 20), ascii('<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>')))).toBe(false);
  });
});

describe('sanitizeFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\win.ini', 'win.ini'],
    ['C:\\Users\\me\\photo.png', 'photo.png'],
    ['evil\u0000.png', 'evil.png'],
    ['a\u0000/../b.png', 'b.png'],
    ['line\r\nbreak.png', 'linebreak.png'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['x\u2066y\u2069z\u200F.png', 'xyz.png'],
    ['  many   spaces\u00A0here .png', 'many spaces here .png'],
    ['...hidden...', 'hidden'],
    ['..', 'file'],
    ['', 'file'],
    ['/', 'file'],
    ['\u0000\u0001', 'file'],
    ['cafe\u0301.png', 'caf\u00e9.png'],
    ['日本語のファイル.pdf', '日本語のファイル.pdf'],
    ['bad\uD800half.png', 'bad\uFFFDhalf.png'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it('bounds the length in UTF-8 bytes, keeps the extension and never splits a character', () => {
    const long = sanitizeFileName(`${'é'.repeat(300)}.png`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255);
    expect(long.endsWith('.png')).toBe(true);
    expect(long).toMatch(/^é+\.png$/);
    const emoji = sanitizeFileName(`${'👍🏽'.repeat(100)}.jpeg`);
    expect(Buffer.byteLength(emoji)).toBeLessThanOrEqual(255);
    expect(emoji).toMatch(/^(👍🏽)+\.jpeg$/u);
    expect(Buffer.byteLength(sanitizeFileName('a'.repeat(1000)))).toBe(255);
  });
});

describe('sanitizeFileName under hostile lengths', () => {
  const HOSTILE_NAMES: [label: string, make: (length: number) => string][] = [
    ['a run of dots inside the name', (n) => `x${'.'.repeat(n)}x.png`],
    ['a run of dots and spaces at the end', (n) => `report${'. '.repeat(n / 2)}`],
    ['a run of dots and spaces at the start', (n) => `${' .'.repeat(n / 2)}report.png`],
    ['a run of whitespace of every kind', (n) => `a${' \t\u00A0\u3000'.repeat(n / 4)}b.png`],
    ['a run of slashes', (n) => `${'/\\'.repeat(n / 2)}a.png`],
    ['a path of many segments', (n) => `${'ab/'.repeat(n / 3)}a.png`],
    ['combining marks out of canonical order', (n) => `e${'\u0301\u0316'.repeat(n / 2)}.png`],
    ['control and bidi characters', (n) => `${'\u0000\u202E'.repeat(n / 2)}a.png`],
    ['lone surrogates', (n) => `${'\uD800'.repeat(n)}.png`],
    ['an extension-like tail', (n) => `a${'.b'.repeat(n / 2)}`],
    ['four-byte characters', (n) => `${'👍🏽'.repeat(n / 4)}.jpeg`],
  ];
  const work = (name: string, maxBytes?: number) => countStringWork(() => sanitizeFileName(name, maxBytes));

  it.each(HOSTILE_NAMES)('does no more work for %s of 50 000 characters than for one of 1 020', (_label, make) => {
    const atBound = work(make(1_020));
    expect(atBound).toBeLessThan(1_020 * 16);
    expect(work(make(50_000))).toBeLessThanOrEqual(atBound * 1.1);
  });

  it.each(HOSTILE_NAMES)('does work linear in its byte budget for %s', (_label, make) => {
    const small = work(make(4 * 1_000), 1_000);
    const large = work(make(4 * 8_000), 8_000);
    expect(large).toBeLessThanOrEqual(small * 8 * 1.25);
  });

  it('still returns a clean name for hostile runs', () => {
    expect(sanitizeFileName(`x${'.'.repeat(50_000)}x.png`)).toBe('x.png');
    expect(sanitizeFileName(`${'/'.repeat(50_000)}a.png`)).toBe('a.png');
    expect(sanitizeFileName(`${' .'.repeat(25_000)}report.png`)).toBe('report.png');
    expect(Buffer.byteLength(sanitizeFileName(`e${'\u0301\u0316'.repeat(25_000)}.png`))).toBeLessThanOrEqual(255);
  });
});

describe('storage: safeJoin and writeFileAtomic', () => {
  let base = '';
  let root = '';
  let outside = '';

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'bastion-upload-'));
    root = join(base, 'root');
    outside = join(base, 'outside');
    await mkdir(join(root, 'sub'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'secret');
    await symlink(outside, join(root, 'escape'));
    await symlink(join(outside, 'secret.txt'), join(root, 'secret-link'));
    await symlink(join(outside, 'not-yet.txt'), join(root, 'dangling'));
    await symlink(join(root, 'sub'), join(root, 'inner-link'));
  });

  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('joins plain names inside the root, existing or not', async () => {
    expect(await safeJoin(root, 'a.png')).toBe(join(root, 'a.png'));
    expect(await safeJoin(root, 'sub', 'new', 'b.png')).toBe(join(root, 'sub', 'new', 'b.png'));
    expect(await safeJoin(root, 'inner-link', 'c.png')).toBe(join(root, 'sub', 'c.png'));
    expect(await safeJoin(root, '..hidden')).toBe(join(root, '..hidden'));
  });

  it.each([
    [['..']], [['..', 'outside', 'secret.txt']], [['sub', '..', '..', 'x']], [['.']], [['']], [[]],
    [['/etc/passwd']], [['sub/../../x']], [['..\\x']], [['a\u0000b']],
    [['..%2fx']], [['..%2Fx']], [['..%5cx']], [['%2e%2e']], [['%252f']], [['a%00b']],
    [['escape', 'secret.txt']], [['escape', 'new.txt']], [['secret-link']], [['dangling']],
  ])('refuses %j', async (segments) => {
    await expect(safeJoin(root, ...segments)).rejects.toBeInstanceOf(BadRequestError);
  });

  it('refuses a root that is not absolute', async () => {
    await expect(safeJoin('relative/root', 'a')).rejects.toBeInstanceOf(TypeError);
  });

  it('writes atomically with mode 0600 and leaves only the final file', async () => {
    const bytes = ascii('hello');
    const path = await writeFileAtomic(root, 'stored-1', bytes);
    expect(path).toBe(join(root, 'stored-1'));
    expect(await readFile(path, 'utf8')).toBe('hello');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await writeFileAtomic(root, 'stored-1', ascii('replaced'));
    expect(await readFile(path, 'utf8')).toBe('replaced');
    expect((await readdir(root)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('removes its temp file when the final rename fails', async () => {
    const dir = join(root, 'sub');
    await mkdir(join(dir, 'occupied'));
    await writeFile(join(dir, 'occupied', 'keep'), 'x');
    await expect(writeFileAtomic(dir, 'occupied', ascii('data'))).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['occupied']);
  });

  it('creates nothing when the directory does not exist, and refuses traversal before touching disk', async () => {
    await expect(writeFileAtomic(join(base, 'missing'), 'x', ascii('data'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(writeFileAtomic(root, '../outside-write', ascii('data'))).rejects.toBeInstanceOf(BadRequestError);
    await expect(writeFileAtomic(root, 'escape', ascii('data'))).rejects.toBeInstanceOf(BadRequestError);
    expect((await readdir(base)).sort()).toEqual(['outside', 'root']);
    expect(await readdir(outside)).toEqual(['secret.txt']);
  });

  it('sha256Hex', () => {
    expect(sha256Hex(ascii('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
