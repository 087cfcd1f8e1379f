/**
 * The peers, set up the way their READMEs show: nmea-simple parsing one NMEA 0183
 * sentence (a string, its native input), and mqtt-packet's streaming parser (one per
 * connection) over a stream of 64-byte PUBLISH packets.
 */
import mqtt from 'mqtt-packet';
import { parseNmeaSentence } from 'nmea-simple';

export { parseNmeaSentence };

/** The size of each PUBLISH packet, fixed header included. */
export const MQTT_PACKET_SIZE = 64;

/** One 64-byte QoS 0 PUBLISH: a topic naming a station, a short JSON payload. */
export function mqttPublishPacket(): Buffer {
  const topic = 'stations/860123456789014/hb';
  const fixed = 2 + 2 + topic.length;
  const payload = Buffer.alloc(MQTT_PACKET_SIZE - fixed, 'x');
  payload.write('{"slots":3}');
  const packet = mqtt.generate({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false });
  if (packet.length !== MQTT_PACKET_SIZE) throw new Error(`PUBLISH packet is ${packet.length} bytes, not ${MQTT_PACKET_SIZE}`);
  return packet;
}

/** `count` PUBLISH packets back to back. */
export function mqttPublishBuffer(count: number): Buffer {
  const packet = mqttPublishPacket();
  return Buffer.concat(Array.from({ length: count }, () => packet));
}

/** A long-lived mqtt-packet parser (one per connection) and the count of packets it emitted. */
export function createMqttParser(): { parse(buffer: Buffer): void; readonly packets: number } {
  const parser = mqtt.parser({ protocolVersion: 4 });
  let packets = 0;
  parser.on('packet', () => packets++);
  parser.on('error', (error) => {
    throw error;
  });
  return {
    parse: (buffer) => void parser.parse(buffer),
    get packets() {
      return packets;
    },
  };
}
