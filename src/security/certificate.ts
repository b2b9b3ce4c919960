// A self-signed TLS certificate made with openssl (for --tls-self-signed and for tests): an
// EC P-256 key and a certificate for `commonName`, written as PEM files.
import { execFileSync } from 'node:child_process';

export function writeSelfSignedCertificate(opts: {
  keyPath: string;
  certPath: string;
  commonName: string;
  days: number;
}): void {
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', opts.keyPath, '-out', opts.certPath, '-days', String(opts.days)],
      ...['-subj', `/CN=${opts.commonName}`],
    ],
    { stdio: 'pipe' },
  );
}
