import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';

/**
 * The live stream (GET /api/messaging/stream, server-sent events through the gateway with the
 * session cookie): a new message or a read receipt refreshes the conversations, that thread and the
 * unread counts. EventSource reconnects by itself (the stream asks for 3 s).
 */
export function useLiveMessages(enabled: boolean) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource('/api/messaging/stream');
    const refresh = (event: MessageEvent<string>) => {
      const { conversationId } = JSON.parse(event.data) as { conversationId?: string };
      void queryClient.invalidateQueries({ queryKey: ['unread'] });
      void queryClient.invalidateQueries({ queryKey: ['conversations'] });
      if (conversationId) void queryClient.invalidateQueries({ queryKey: ['messages', conversationId] });
    };
    source.addEventListener('message', refresh);
    source.addEventListener('read', refresh);
    source.addEventListener('ready', () => {
      document.documentElement.dataset.live = 'ready';
    });
    return () => {
      source.close();
      delete document.documentElement.dataset.live;
    };
  }, [enabled, queryClient]);
}
