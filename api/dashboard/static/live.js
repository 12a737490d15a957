// Follows a Server-Sent Events endpoint with fetch (a browser's EventSource cannot send the API key
// header), resuming with Last-Event-ID after a drop, until the signal aborts.
import { apiKey } from './api.js';

/** Calls onEvent(name, data) per event and onStatus('connecting' | 'live' | 'reconnecting' | 'refused', message?). */
export function followEvents(path, { lastEventId, onEvent, onStatus, signal }) {
  let last = lastEventId;
  const run = async () => {
    while (!signal.aborted) {
      try {
        onStatus('connecting');
        const headers = { authorization: `Bearer ${apiKey() ?? ''}`, accept: 'text/event-stream' };
        if (last !== undefined) headers['last-event-id'] = String(last);
        const res = await fetch(path, { headers, signal });
        if (!res.ok) {
          onStatus('refused', (await res.json().catch(() => ({}))).error?.message ?? `HTTP ${res.status}`);
          return;
        }
        onStatus('live');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
            const event = parseEvent(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
            if (event.id !== undefined) last = Number(event.id);
            if (event.data.length) onEvent(event.name, JSON.parse(event.data.join('\n')));
          }
        }
      } catch {
        if (signal.aborted) return;
      }
      onStatus('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  run();
}

function parseEvent(block) {
  const event = { name: 'message', data: [], id: undefined };
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') event.data.push(value);
    else if (field === 'event') event.name = value;
    else if (field === 'id') event.id = value;
  }
  return event;
}
