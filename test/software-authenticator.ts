// A software WebAuthn authenticator for integration tests: P-256 keys from node:crypto, CBOR
// through @simplewebauthn's helpers, and responses built and signed as the WebAuthn spec says.
// Each call can be twisted (origin, RP ID, counter, signature) to attack the server's checks.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

const b64 = (bytes: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(bytes));
const sha256 = (data: Uint8Array | string) => new Uint8Array(createHash('sha256').update(data).digest());
const FLAGS = { up: 0x01, uv: 0x04, be: 0x08, bs: 0x10, at: 0x40 };

export type Twist = { origin?: string; rpId?: string; counter?: number; tamper?: boolean; userVerified?: boolean };

function counterBytes(counter: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, counter);
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly publicJwk: { x: string; y: string };
  counter = 0;
  userHandle = '';

  constructor(
    readonly origin: string,
    readonly rpId = new URL(origin).hostname,
    readonly counting = true,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.publicJwk = { x: jwk.x ?? '', y: jwk.y ?? '' };
  }

  get id(): string {
    return b64(this.credentialId);
  }

  private cosePublicKey(): Uint8Array {
    const key = new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, isoBase64URL.toBuffer(this.publicJwk.x)],
      [-3, isoBase64URL.toBuffer(this.publicJwk.y)],
    ]);
    return isoCBOR.encode(key);
  }

  private clientData(type: string, challenge: string, twist: Twist): string {
    return JSON.stringify({ type, challenge, origin: twist.origin ?? this.origin, crossOrigin: false });
  }

  private flags(twist: Twist, extra = 0): Uint8Array {
    const uv = twist.userVerified === false ? 0 : FLAGS.uv;
    return Uint8Array.of(FLAGS.up | uv | FLAGS.be | FLAGS.bs | extra);
  }

  /** navigator.credentials.create() for `options` (the server's creation options). */
  register(options: { challenge: string; user: { id: string } }, twist: Twist = {}) {
    this.userHandle = options.user.id;
    const idLength = Uint8Array.of(this.credentialId.length >> 8, this.credentialId.length & 0xff);
    const attested = concat(new Uint8Array(16), idLength, this.credentialId, this.cosePublicKey());
    const counter = counterBytes(this.counter);
    const authData = concat(sha256(twist.rpId ?? this.rpId), this.flags(twist, FLAGS.at), counter, attested);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([
      ['fmt', 'none'],
      ['attStmt', new Map()],
      ['authData', authData],
    ]) as Parameters<typeof isoCBOR.encode>[0]);
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, twist);
    const response = { clientDataJSON: b64(Buffer.from(clientDataJSON)), attestationObject: b64(attestationObject) };
    return this.credential({ ...response, transports: ['internal'] });
  }

  /** A PublicKeyCredential as JSON, the way browsers hand it to the page. */
  private credential<Response>(response: Response) {
    return { id: this.id, rawId: this.id, type: 'public-key' as const, clientExtensionResults: {}, response };
  }

  /** navigator.credentials.get() for `options` (the server's request options). */
  assert(options: { challenge: string }, twist: Twist = {}) {
    if (this.counting && twist.counter === undefined) this.counter += 1;
    const counter = twist.counter ?? this.counter;
    const authData = concat(sha256(twist.rpId ?? this.rpId), this.flags(twist), counterBytes(counter));
    const clientDataJSON = Buffer.from(this.clientData('webauthn.get', options.challenge, twist));
    const signature = new Uint8Array(sign('sha256', concat(authData, sha256(clientDataJSON)), this.privateKey));
    const last = signature.length - 1;
    if (twist.tamper) signature[last] = (signature[last] ?? 0) ^ 0x01;
    return this.credential({
      clientDataJSON: b64(clientDataJSON),
      authenticatorData: b64(authData),
      signature: b64(signature),
      userHandle: this.userHandle,
    });
  }
}
