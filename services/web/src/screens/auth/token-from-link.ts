import { useState } from 'react';

/**
 * The token of a mail link (?token=…), read once and then taken out of the address bar, so it is not
 * left in the history or shown over someone's shoulder.
 */
export function useTokenFromLink(): string | null {
  const [token] = useState(() => {
    const url = new URL(window.location.href);
    const value = url.searchParams.get('token');
    if (value) {
      url.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', url.pathname + url.search);
    }
    return value;
  });
  return token;
}

/**
 * The organisation a link names (?organisation=…), sent with the token so that the gateway can send the
 * call to the organisation's home region; a link from before links named it has none.
 */
export function organisationFromLink(): { organisation?: string } {
  const value = new URL(window.location.href).searchParams.get('organisation');
  return value ? { organisation: value } : {};
}
