// Cluster passwords: generated like Mysos' gen_password (random, URL-safe), kept only as a
// salted scrypt hash, compared in constant time. The plain text leaves this module once: in
// the create response.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_LENGTH = 32;

/** A new random password: 21 URL-safe characters, like Mysos' `w9gMCkecsMh6sWsRdxNTa`. */
export function generatePassword(): string {
  return randomBytes(16).toString('base64url').slice(0, 21);
}

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** A salted hash of a password; verify with {@link PasswordHash.matches}. */
export class PasswordHash {
  private constructor(
    private readonly salt: Buffer,
    private readonly key: Buffer,
  ) {}

  /** Hash `password` with a fresh salt. */
  static async of(password: string): Promise<PasswordHash> {
    const salt = randomBytes(16);
    return new PasswordHash(salt, await derive(password, salt));
  }

  /** True when `password` is the one hashed (constant-time comparison). */
  async matches(password: string): Promise<boolean> {
    const key = await derive(password, this.salt);
    return timingSafeEqual(key, this.key);
  }

  /** Never print the hash either. */
  toJSON(): string {
    return '[redacted]';
  }
}
