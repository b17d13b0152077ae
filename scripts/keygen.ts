// Prints a new Ed25519 private key (PKCS#8 PEM) for JWT_PRIVATE_KEY, e.g.
//   fly secrets set JWT_PRIVATE_KEY="$(bun scripts/keygen.ts)"
import { exportPKCS8, generateKeyPair } from 'jose'

const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
console.log(await exportPKCS8(privateKey))
