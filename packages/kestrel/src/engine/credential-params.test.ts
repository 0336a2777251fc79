import { describe, expect, it } from 'vitest';
import { CredentialParams, digestSecret } from './credential-params.ts';

const params = new CredentialParams();

describe('digestSecret', () => {
  it('is one-way, stable and tells values apart', () => {
    const a = digestSecret('pk.SECRET-one');
    expect(a).toMatch(/^kd1-[0-9a-f]{32}$/);
    expect(a).not.toContain('SECRET');
    expect(digestSecret('pk.SECRET-one')).toBe(a);
    expect(digestSecret('pk.SECRET-two')).not.toBe(a);
  });

  it('leaves a digest as it is, so normalising twice changes nothing', () => {
    const once = digestSecret('x');
    expect(digestSecret(once)).toBe(once);
  });
});

describe('CredentialParams', () => {
  it('strips credentials, digests secrets and keeps the rest, whatever the case of the name', () => {
    expect(params.treatment('ACCESS_TOKEN')).toBe('strip');
    expect(params.treatment('Key')).toBe('digest');
    expect(params.treatment('lang')).toBe('keep');
    expect(params.cleanQuery('?lang=en&access_token=T&key=K')).toBe(`key=${digestSecret('K')}&lang=en`);
  });

  it('a name in both lists is stripped: the user said its value never changes the resource', () => {
    expect(new CredentialParams(['key'], ['key']).treatment('key')).toBe('strip');
  });

  it('cleans a template without touching its braces, the other pairs as written', () => {
    expect(params.cleanTemplate('https://a/{z}/{x}/{y}.pbf?access_token=T&lang=en')).toBe('https://a/{z}/{x}/{y}.pbf?lang=en');
    expect(params.cleanTemplate('https://a/{z}/{x}/{y}.pbf?KEY=T')).toBe(`https://a/{z}/{x}/{y}.pbf?KEY=${digestSecret('T')}`);
    expect(params.cleanTemplate('https://a/{z}/{x}/{y}.pbf')).toBe('https://a/{z}/{x}/{y}.pbf');
  });

  it('a cleaned template, filled in, gives the cache key of the live URL', () => {
    const live = 'https://a/3/4/2.pbf?key=T&lang=en';
    const stored = params.cleanTemplate('https://a/{z}/{x}/{y}.pbf?key=T&lang=en').replace('{z}/{x}/{y}', '3/4/2');
    expect(params.cleanQuery(new URL(stored).search)).toBe(params.cleanQuery(new URL(live).search));
  });

  it('names the secrets a URL carries, longest value first, and none that are plain parameters', () => {
    expect(params.secretsIn('https://a/style.json?lang=en&key=short&access_token=much-longer#f')).toEqual([
      { name: 'access_token', value: 'much-longer' },
      { name: 'key', value: 'short' },
    ]);
    expect(params.secretsIn('https://a/style.json')).toEqual([]);
  });
});
