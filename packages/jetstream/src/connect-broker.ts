import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { ResolvedBrokerConfig } from './config/broker-config.js';

/**
 * Connects to the NATS servers of the config and keeps reconnecting forever (to any server of a
 * cluster) after a connection is lost. The first connection must succeed, so a collector or
 * loader pointed at a wrong URL fails at start with the server list in the error.
 */
export function connectBroker(config: ResolvedBrokerConfig, name: string): Promise<NatsConnection> {
  return connect({
    servers: [...config.servers],
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
}
