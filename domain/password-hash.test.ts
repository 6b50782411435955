/** The one password-hash format: written one way, reading the gateway's earlier hashes too. */
import { describe, expect, it } from 'vitest';
import { hashPassword, isPasswordHash, UNKNOWN_USER_HASH, verifyPassword } from './password-hash.ts';

/** Made by the gateway's earlier code (gateway/password.ts before issue 10: padded base64, password not normalized). */
const OLD_GATEWAY = {
  ascii: { password: 'front-door-2024', hash: 'scrypt$16384$8$1$FJN1zDDjXLWdnb7+AgnNYg==$ppTcPVXCUCb+5EiyCq2ZN78nOAfJQ8YLiLo2yRH6UQA=' },
  nonAscii: { password: 'Ｇａｒａｇｅ—café-門', hash: 'scrypt$16384$8$1$GwlJLygBdhtMMRFhHxeE3w==$Yn2DhZQQ5h4tvWFYNStC0xQEVYFTDZjlHP0Dl8xdUOk=' },
};
/** Made by the API's earlier code (api/auth/passwords.ts before issue 10: base64url, NFKC) — the format still written. */
const OLD_API = { password: 'Ｇａｒａｇｅ—café-門', hash: 'scrypt$16384$8$1$V293i9E3taE18BsvuLH14Q$OmMfZ98X36nv7Mc9IzNM0JerqzCrB6VmMJNPgyS645k' };

describe('password hashes', () => {
  it('write scrypt$N$r$p$salt$hash in base64url, salted, verifying only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(isPasswordHash(a)).toBe(true);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  });

  it('normalize the password (NFKC): the same word typed two ways is one password', async () => {
    const hash = await hashPassword('café', { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('cafe\u0301', hash)).toBe(true);
    expect(await verifyPassword('ｃａｆé', hash)).toBe(true);
    expect(await verifyPassword('cafe', hash)).toBe(false);
  });

  it("read the gateway's earlier hashes (base64, not normalized), an existing config keeps working", async () => {
    for (const { password, hash } of Object.values(OLD_GATEWAY)) {
      expect(isPasswordHash(hash)).toBe(true);
      expect(await verifyPassword(password, hash)).toBe(true);
      expect(await verifyPassword(password + ' ', hash)).toBe(false);
    }
    // Hashed as typed: the NFKC form of the old non-ASCII password is another password.
    expect(await verifyPassword(OLD_GATEWAY.nonAscii.password.normalize('NFKC'), OLD_GATEWAY.nonAscii.hash)).toBe(false);
  });

  it("read the API's earlier hashes, the format still written", async () => {
    expect(await verifyPassword(OLD_API.password, OLD_API.hash)).toBe(true);
    expect(await verifyPassword(OLD_API.password.normalize('NFKC'), OLD_API.hash)).toBe(true);
    expect(await verifyPassword('Garage—café-門x', OLD_API.hash)).toBe(false);
  });

  it('never match a malformed hash, a wrong key length or an absurd cost', async () => {
    const [, , , , salt, key] = OLD_API.hash.split('$');
    for (const bad of [
      'plain-text',
      '',
      'scrypt$16384$8$1$REPLACE_WITH_SALT$REPLACE_WITH_HASH=',
      `scrypt$16384$8$1$${salt}$${key!.slice(0, 20)}`,
      `scrypt$16383$8$1$${salt}$${key}`,
      `scrypt$${2 ** 30}$8$1$${salt}$${key}`,
      `scrypt$16384$8$1$${salt}$${key}$extra`,
      `bcrypt$16384$8$1$${salt}$${key}`,
    ]) {
      expect(isPasswordHash(bad), bad).toBe(false);
      expect(await verifyPassword(OLD_API.password, bad), bad).toBe(false);
    }
  });

  it('give unknown users a decoy that costs a real check and matches nothing', async () => {
    expect(isPasswordHash(UNKNOWN_USER_HASH)).toBe(true);
    expect(UNKNOWN_USER_HASH.split('$').slice(0, 4)).toEqual(['scrypt', '16384', '8', '1']);
    expect(await verifyPassword('', UNKNOWN_USER_HASH)).toBe(false);
    expect(await verifyPassword('front-door-2024', UNKNOWN_USER_HASH)).toBe(false);
    // As slow as a real hash of the same cost (the scrypt runs, not a shortcut): within a factor of 3.
    const time = async (hash: string) => {
      const start = performance.now();
      for (let i = 0; i < 3; i++) await verifyPassword('wrong password', hash);
      return performance.now() - start;
    };
    const [decoy, real] = [await time(UNKNOWN_USER_HASH), await time(OLD_API.hash)];
    expect(decoy).toBeGreaterThan(real / 3);
  });
});
