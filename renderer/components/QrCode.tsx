/**
 * A QR code (ISO/IEC 18004) of a text, drawn by the `qrcode` package into SVG in the renderer
 * and shown as a `data:` image (the CSP allows `img-src data:`; no inline script or style).
 * The text is also shown beside it, for a person who cannot scan.
 */
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

export function QrCode({ text, label }: { text: string; label: string }) {
  const [source, setSource] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current = true;
    QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      .then((svg) => {
        if (current) setSource(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
      })
      .catch(() => {
        if (current) setFailed(true);
      });
    return () => {
      current = false;
    };
  }, [text]);
  if (failed) return <p className="failure">This QR code could not be drawn; use the text.</p>;
  if (source === null) return <p role="status">Drawing the QR code…</p>;
  return <img className="qr-code" src={source} alt={label} width={200} height={200} />;
}
