import type { Interaction } from './interaction';

/**
 * Some platforms notify a mention with ids only: Instagram's `mentions` webhook names the media (and
 * the comment) but not the text or its author. Triage reads them through this port before the post is
 * classified and recorded; the webhook never waits for it.
 */
export interface MentionContentReader {
  read(request: {
    /** Our account that was mentioned. */
    accountId: string;
    mediaId: string;
    /** Present when the mention is in a comment; otherwise it is in the media's caption. */
    commentId?: string;
  }): Promise<MentionContent>;
}

export interface MentionContent {
  text: string;
  /** The author's username, when the platform gives it. */
  handle?: string;
  /** When the author wrote it (ISO 8601), when the platform gives it. */
  createdAt?: string;
  url?: string;
}

/**
 * The interaction with its text and author filled in. When the platform cannot give them (deleted,
 * comments turned off, token revoked, network), the mention is still recorded: with the placeholder
 * text and the reason, so an agent knows to open it on the platform. Nothing is dropped.
 */
export async function completeMention(
  interaction: Interaction,
  reader: MentionContentReader,
): Promise<Interaction> {
  const pending = interaction.pendingContent;
  if (!pending) return interaction;
  const { pendingContent: _, ...rest } = interaction;
  try {
    const content = await reader.read({
      accountId: interaction.account.id,
      mediaId: pending.mediaId,
      ...(pending.commentId ? { commentId: pending.commentId } : {}),
    });
    return {
      ...rest,
      text: content.text,
      // Instagram names the author by username only: one customer per username.
      ...(content.handle
        ? {
            author: { ...interaction.author, id: `instagram-user:${content.handle}`, handle: content.handle },
          }
        : {}),
      ...(content.createdAt ? { createdAt: content.createdAt } : {}),
      ...(content.url ? { url: content.url } : {}),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ...rest,
      text: `${interaction.text} (Instagram did not give its text: ${reason.slice(0, 200)})`,
    };
  }
}
