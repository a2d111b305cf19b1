export { akSkAuthenticator, canonicalRequest, signRequest } from './aksk.js';
export type { AkSkKey } from './aksk.js';
export { PasswordLogin } from './password-login.js';
export type { PasswordLoginOptions } from './password-login.js';
export { ZstackLogin, zstackPasswordHash } from './zstack-login.js';
export type { ZstackLoginOptions } from './zstack-login.js';
