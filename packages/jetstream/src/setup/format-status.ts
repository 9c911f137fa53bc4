import { formatDuration } from '../config/duration.js';
import type { StreamStatus } from './broker-admin.js';

/**
 * The `tributary load --status` text, e.g.
 * `Consumer tributary-loader: lag 42 (pending 40, ack pending 2), redelivered 0, waiting pulls 2`.
 */
export function formatStreamStatus(state: StreamStatus): string {
  const { lag } = state;
  const peers = state.cluster.replicas.map(
    (peer) => `${peer.name} (${peer.current ? 'current' : 'behind/offline'})`,
  );
  return [
    `Stream ${state.stream}: ${state.messages} messages (${state.bytes} bytes), sequences ${state.firstSequence}–${state.lastSequence}`,
    `  retention ${state.retention}, replicas ${state.replicas}, max age ${state.maxAgeMs ? formatDuration(state.maxAgeMs) : 'none'}, duplicate window ${formatDuration(state.duplicateWindowMs)}`,
    ...(state.cluster.leader
      ? [`  cluster leader ${state.cluster.leader}${peers.length ? `; replicas ${peers.join(', ')}` : ''}`]
      : []),
    `Consumer ${lag.consumer}: lag ${lag.lag} (pending ${lag.pending}, ack pending ${lag.ackPending}), redelivered ${lag.redelivered}, waiting pulls ${lag.waiting}`,
    '',
  ].join('\n');
}
