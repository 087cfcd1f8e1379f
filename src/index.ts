/**
 * powerbank-codec: typed, never-throwing encoder and decoder for the protocol spoken
 * between shared power-bank rental stations and their back end.
 *
 * The pipeline, in `src/`: stream (`stream/`: bytes → frames) → frame (`frame/`:
 * envelope, CRC) → fields (`fields/`: IMEI, slot, power-bank id) → message
 * (`messages/`: one file per command word). `decode` and `encode` are the two
 * directions; `stream/` builds on them, `flows/` (the conversation: replies, a
 * station simulator, a flow tracker) on both, and the core imports neither. `hub/` is
 * a whole server's side of the protocol without I/O: `createStationHub`. The station
 * simulator and the conversation tracker are in `powerbank-codec/testing`, the fast-check
 * generators in `powerbank-codec/arbitraries`.
 *
 * @module powerbank-codec
 */

export { decode, type DecodeOptions, type DecodeResult } from './decode.js';
export { encode, encodeToString, type EncodeOptions } from './encode.js';
export type { Bytes } from './bytes.js';

export { messageTypes, type Message, type MessageInit, type MessageType } from './messages/index.js';
export type { CommandWord, Sender } from './messages/codec.js';
export type { Heartbeat } from './messages/CH.js';
export type { StatusQuery } from './messages/CQ.js';
export type { SlotState, SlotStatus, SlotStatusInit, StatusAnswer, StatusAnswerInit } from './messages/AQ.js';
export type { LendRequest } from './messages/CC.js';
export type { OwnershipQuery } from './messages/MQ.js';
export type { OwnershipAnswer } from './messages/RQ.js';
export type { LendSuccess, ReturnSuccess } from './messages/MC.js';
export type { LendSuccessAck, ReturnSuccessAck } from './messages/AM.js';
export type { LendFailure, ReturnFailure } from './messages/MR.js';
export type { LendFailureAck, ReturnFailureAck } from './messages/AR.js';

export { canonicalDialect, type CrcByteOrder, type CrcCoverage, type Dialect } from './dialect.js';
export { crc16 } from './crc/crc16.js';
export { crcCatalogue, type CrcAlgorithm, type CrcName, type CrcParams } from './crc/catalogue.js';
export { detectDialects, type DetectDialectsOptions, type DialectCandidate, type DialectDetection } from './detect/dialects.js';
export { detectDialectsBySender, type SenderDetection, type SentFrame, type SideDetection } from './detect/bySender.js';

export {
  isProtocolError,
  ProtocolError,
  type CommandError,
  type CrcError,
  type DataError,
  type DecodeError,
  type DecodeErrorCode,
  type Deviation,
  type DeviationCode,
  type DirectionError,
  type FrameError,
  type ImeiError,
  type ProtocolErrorCode,
} from './errors.js';

export { FrameSplitter } from './stream/splitter.js';
export type { FrameSplitterOptions } from './stream/splitterOptions.js';
export type { DiscardedEvent, FrameEvent, LineEndingEvent, SplitterEvent } from './stream/events.js';
export {
  createDecodeTransform,
  createDecoder,
  decodeStream,
  type ChunkSource,
  type DecoderItem,
  type ErrorItem,
  type MessageItem,
  type StreamDecoder,
  type StreamDecoderOptions,
} from './stream/decoder.js';

export { replyTo, type OwnershipPolicy, type ReplyTo } from './flows/replies.js';

export { createStationHub } from './hub/hub.js';
export type { StationHub } from './hub/stationHub.js';
export type { StationHubOptions } from './hub/options.js';
export type { StationLink, Transport } from './hub/link.js';
export type { HubEvent, OfflineReason } from './hub/events.js';
export type { LendOptions, LendOutcome, PendingRequest, RequestOptions, StationInfo, StatusOutcome } from './hub/outcomes.js';
export type { HubSnapshot, StationSnapshot } from './hub/snapshot.js';
