import { getConfig } from './config';
import { SecretBox } from '../security/encryption';
import { processSingleton } from './singleton';

/** The process's SecretBox, keyed from ENCRYPTION_KEY (and ENCRYPTION_KEYS_PREVIOUS for rotation). */
export function getSecretBox(): SecretBox {
  return processSingleton('secret-box', () => new SecretBox(getConfig().encryptionKeys));
}
