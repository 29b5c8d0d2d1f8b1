import { createHmac } from 'node:crypto';

/** The Graph API every Meta call here goes to: sends (meta-sender.ts) and mention reads (instagram-mentions.ts). */
export const GRAPH_API_VERSION = 'v21.0';
export const GRAPH_API_BASE_URL = 'https://graph.facebook.com';

/** `appsecret_proof`: HMAC-SHA256 of the access token with the app secret, hex, for apps that require it. */
export function appSecretProof(appSecret: string, token: string): string {
  return createHmac('sha256', appSecret).update(token).digest('hex');
}
