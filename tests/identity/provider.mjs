// An OpenID provider for Pathway's tests: oidc-provider (an OpenID Certified implementation),
// listening on 127.0.0.1, configured by a JSON file that tests/identity/provider.py writes:
// the issuer and port, the clients registered for Pathway (a client secret one, and a
// private_key_jwt one as CIS2 uses), the provider's signing keys, and accounts matching test
// users. Started and stopped by a pytest session fixture; never run by hand.
//
// Sign-in uses the provider's own development interactions (a login form that takes any
// account id and password); consent is not asked, as at an NHS provider for a trust's own
// service. PKCE is required, RP-initiated logout is on.

import { readFileSync } from "node:fs";

import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const accounts = config.accounts;

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: { keys: config.keys },
  cookies: { keys: [config.cookieKey] },
  findAccount: async (ctx, accountId) => ({
    accountId,
    claims: async () => ({ sub: accountId, ...(accounts[accountId] || {}) }),
  }),
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "employee_number"],
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  loadExistingGrant: async (ctx) => {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    if (grantId) {
      const grant = await oidc.provider.Grant.find(grantId);
      if (grant) return grant;
    }
    const grant = new oidc.provider.Grant({
      clientId: oidc.client.clientId,
      accountId: oidc.session.accountId,
    });
    grant.addOIDCScope([...oidc.requestParamScopes].join(" "));
    await grant.save();
    return grant;
  },
});

const server = provider.listen(config.port, "127.0.0.1", () => {
  process.stdout.write("ready\n");
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
