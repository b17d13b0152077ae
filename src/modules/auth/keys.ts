import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, importPKCS8, type JWK } from 'jose'
import { ConfigError } from '../../config'

export const TOKEN_ALG = 'EdDSA'

export interface SigningKeys {
  kid: string
  privateKey: CryptoKey
  publicKey: CryptoKey
  /** The public JWK served at /.well-known/jwks.json. */
  publicJwk: JWK
}

/**
 * The Ed25519 key that signs access tokens: from JWT_PRIVATE_KEY (PKCS#8 PEM or JWK
 * JSON), else kept in `file` (generated on first boot, for development).
 */
export async function loadSigningKeys(opts: { privateKey: string | undefined; file: string | undefined }): Promise<SigningKeys> {
  let privateJwk: JWK
  if (opts.privateKey) {
    privateJwk = await parsePrivateKey(opts.privateKey)
  } else if (opts.file && existsSync(opts.file)) {
    privateJwk = JSON.parse(readFileSync(opts.file, 'utf8')) as JWK
  } else {
    const pair = await generateKeyPair(TOKEN_ALG, { crv: 'Ed25519', extractable: true })
    privateJwk = await exportJWK(pair.privateKey)
    if (opts.file) {
      mkdirSync(dirname(opts.file), { recursive: true })
      writeFileSync(opts.file, JSON.stringify(privateJwk), { mode: 0o600 })
    }
  }
  const { d: _secret, ...publicPart } = privateJwk
  const kid = await calculateJwkThumbprint(publicPart)
  return {
    kid,
    privateKey: (await importJWK(privateJwk, TOKEN_ALG)) as CryptoKey,
    publicKey: (await importJWK(publicPart, TOKEN_ALG)) as CryptoKey,
    publicJwk: { ...publicPart, kid, alg: TOKEN_ALG, use: 'sig' },
  }
}

async function parsePrivateKey(text: string): Promise<JWK> {
  try {
    if (text.trim().startsWith('{')) {
      const jwk = JSON.parse(text) as JWK
      if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.d) throw new Error('not an Ed25519 private JWK')
      return jwk
    }
    const key = await importPKCS8(text.replace(/\\n/g, '\n'), TOKEN_ALG, { extractable: true })
    return await exportJWK(key)
  } catch (err) {
    throw new ConfigError(
      `JWT_PRIVATE_KEY: not an Ed25519 private key (${(err as Error).message}) — generate one with \`bun scripts/keygen.ts\``,
    )
  }
}
