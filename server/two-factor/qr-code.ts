import { renderSVG } from 'uqr';

/** An SVG QR code made on the server: the page shows it as markup, so the nonce CSP needs no change. */
export function qrCodeSvg(text: string): string {
  return renderSVG(text, { ecc: 'M', border: 2, pixelSize: 5 });
}
