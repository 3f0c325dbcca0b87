// A real OpenID Connect provider for the tests: panva's oidc-provider (OpenID Certified), on loopback, with
// one client (MAST) and its development sign-in page, where any login signs in as that login. The account's
// email is the login; its email_verified is false when the login starts with "unverified.".
//
//   node tests/sso/provider.mjs <issuer> <client id> <client secret> <redirect uri>
//
// Prints "ready" when it is listening. Test use only: its keys and cookie secret are made up at each start.
import Provider from 'oidc-provider'

const [issuer, clientId, clientSecret, redirectUri] = process.argv.slice(2)
const port = Number(new URL(issuer).port)

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount (ctx, id) {
    return {
      accountId: id,
      async claims () {
        return { sub: id, email: id.replace(/^unverified\./, ''), email_verified: !id.startsWith('unverified.'), name: id }
      },
    }
  },
  cookies: { keys: [crypto.randomUUID()] },
  features: { devInteractions: { enabled: true } },
})
provider.listen(port, '127.0.0.1', () => console.log('ready'))
