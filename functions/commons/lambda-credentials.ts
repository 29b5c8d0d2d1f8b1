import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` inside the Lambda bundles (an esbuild alias in
 * lib/lambda-bundling.ts). Lambda hands a function its role's credentials in environment variables, so
 * the default chain always ends at `fromEnv` there; the rest of the chain (SSO, INI files, web identity,
 * the instance metadata service and the STS/SSO clients they carry) is about 130 KiB of every bundle
 * that never runs. Local mode and the CLI are not bundled and keep the full chain.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
