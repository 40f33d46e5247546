import { z } from 'zod';

// The JSON a browser's WebAuthn call produces (as @simplewebauthn/browser returns it), bounded
// before any decoding: every binary field is base64url text of a sane size.
const base64url = (max: number) => z.string().max(max).regex(/^[\w-]*$/, 'Not base64url.');
const TRANSPORTS = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'] as const;
type Transport = (typeof TRANSPORTS)[number];
const isTransport = (value: string): value is Transport => (TRANSPORTS as readonly string[]).includes(value);
// Browsers may name transports this version does not know: those are dropped, not refused.
const transports = z.array(z.string().max(32)).max(8).transform((names) => names.filter(isTransport));
const common = {
  id: base64url(1400).min(1),
  rawId: base64url(1400).min(1),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  // No extensions are requested, so none are read.
  clientExtensionResults: z.unknown().transform(() => ({})),
};

export const authenticationResponse = z.object({
  ...common,
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(4096),
    signature: base64url(2048),
    userHandle: base64url(128).optional(),
  }),
});

export const registrationResponse = z.object({
  ...common,
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(16_384),
    authenticatorData: base64url(8192).optional(),
    transports: transports.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(8192).optional(),
  }),
});
