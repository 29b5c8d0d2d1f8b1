import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger. Social posts are personal data: log ids, counts and reasons, never a post's text
 * or a customer's handle.
 */
export const logger = new Logger({ serviceName: 'socialcare' });
