/** ListSigningCertificates: Trent keeps no signing certificates. */
import { emptyUserList } from '../absent-credentials.js';

export const listSigningCertificates = emptyUserList('ListSigningCertificates', 'Certificates');
