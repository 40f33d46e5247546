import { getConfig } from './config';
import { SecretBox } from '../security/encryption';

let box: SecretBox | undefined;

/** The process's SecretBox, keyed from ENCRYPTION_KEY (and ENCRYPTION_KEYS_PREVIOUS for rotation). */
export function getSecretBox(): SecretBox {
  box ??= new SecretBox(getConfig().encryptionKeys);
  return box;
}
