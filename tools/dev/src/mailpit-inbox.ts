/** Reads the mails the local Mailpit caught, through its HTTP API (development only). */
export class MailpitInbox {
  constructor(private readonly webUrl: string) {}

  /** The newest mail to `address` whose text holds `pattern`'s first group, waiting until it arrives. */
  async waitFor(address: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await this.find(address, pattern);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${address} arrived in Mailpit in time`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private async find(address: string, pattern: RegExp): Promise<string | undefined> {
    const search = await fetch(`${this.webUrl}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`);
    if (!search.ok) throw new Error(`Mailpit search answered ${search.status}`);
    const { messages } = (await search.json()) as { messages: { ID: string }[] };
    for (const { ID } of messages) {
      const message = await fetch(`${this.webUrl}/api/v1/message/${ID}`);
      const { Text } = (await message.json()) as { Text: string };
      const match = pattern.exec(Text);
      if (match) return match[1];
    }
    return undefined;
  }
}
