import { type HubCall, type HubReply, hubNames } from '../contract/engine-hub.ts';
import { EngineHub } from './engine-hub.ts';
import { serveTileChannel } from './tile-channel-server.ts';
import { broadcastChannel } from './engine-hub.ts';
import { buildWorkerParts } from './worker-engine.ts';

function realHub(mode: 'shared-worker' | 'leader'): EngineHub {
  return new EngineHub({ mode, build: buildWorkerParts, serveChannel: (engine, name) => serveTileChannel(engine, broadcastChannel(name)) });
}

// SharedWorker: each tab connects with a MessagePort and is answered on it (tile bytes move, not copied). A tab's
// `who` is its heartbeat: the hub answers with its id, so a tab can tell a hub that died (no answer) from a new one.
export function serveHubOnPorts(scope: EventTarget & { close(): void }): EngineHub {
  const hub = realHub('shared-worker');
  scope.addEventListener('connect', (event) => {
    const port = (event as MessageEvent).ports[0];
    port.onmessage = (message: MessageEvent<HubCall>) => {
      const data = message.data;
      if (data.type === 'who') return port.postMessage({ type: 'leader', hub: hub.id } satisfies HubReply);
      if (data.type === 'crash') return scope.close();
      hub.receive(data, (reply, transfer) => port.postMessage(reply, transfer));
    };
  });
  return hub;
}

// The leader tab's worker: calls arrive on the origin's bus, replies go out on each tab's own channel (so a tile's
// bytes are cloned to the tab that asked, not to every tab). It says it leads as it starts and to every `who`:
// tabs re-issue their open calls to a hub they have not heard from before.
export function serveHubOnBus(key: string): EngineHub {
  const hub = realHub('leader');
  const names = hubNames(key);
  const bus = new BroadcastChannel(names.bus);
  const replies = new Map<string, BroadcastChannel>();
  const replyTo = (tab: string) => (reply: HubReply) => {
    let channel = replies.get(tab);
    if (!channel) replies.set(tab, (channel = new BroadcastChannel(names.replies(tab))));
    channel.postMessage(reply);
  };
  const announce = () => bus.postMessage({ type: 'leader', hub: hub.id } satisfies HubReply);
  bus.onmessage = (message: MessageEvent<HubCall | HubReply>) => {
    const data = message.data;
    if (data.type === 'who') return announce();
    if (data.type === 'call' || data.type === 'bye') {
      hub.receive(data, replyTo(data.tab));
      if (data.type === 'bye') {
        replies.get(data.tab)?.close();
        replies.delete(data.tab);
      }
    }
  };
  announce();
  return hub;
}
